"""The demo data as built once per test session, put back in milliseconds.

A test that needs real commits (the live server, a transactional test) leaves the
database empty when it ends (pytest-django's flush), and the next one needs the
demo again. Building it is about 700 queries (0.45 s on SQLite, 0.75 s on
PostgreSQL) for each of some thirty such tests; putting back a copy taken right
after the first build is one SQLite backup, or one COPY per table on PostgreSQL.
The copy is of every table, so what comes back is the same rows with the same keys.
"""

import sqlite3
from contextlib import closing

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.management.color import no_style
from django.db import connection, transaction

_demo = []  # the demo as first built, once per test process


def take_demo():
    _demo[:] = [Snapshot.take()]


def demo():
    """The copy taken by `take_demo`, or None."""
    return _demo[0] if _demo else None


class Snapshot:
    def __init__(self):
        self._sqlite = None  # an in-memory copy of the whole database
        self._tables = {}  # PostgreSQL: table -> its rows in COPY's binary format

    @classmethod
    def take(cls):
        snapshot = cls()
        connection.ensure_connection()
        if connection.vendor == "sqlite":
            snapshot._sqlite = sqlite3.connect(":memory:", check_same_thread=False)
            connection.connection.backup(snapshot._sqlite)
        else:
            with connection.cursor() as cursor:
                for table in _tables():
                    statement = f"COPY {_quote(table)} TO STDOUT (FORMAT binary)"
                    with cursor.cursor.copy(statement) as copy:
                        snapshot._tables[table] = b"".join(bytes(block) for block in copy)
        return snapshot

    def can_restore(self):
        """Only outside a test's transaction: SQLite's backup replaces the database,
        which an open transaction would not allow, and on PostgreSQL the restore
        would be rolled back with the test while the content types cache kept its
        keys."""
        return not connection.in_atomic_block

    def write_sqlite_file(self, path):
        """The copy as a SQLite database file at `path` (SQLite's copy only)."""
        with closing(sqlite3.connect(path)) as target:
            self._sqlite.backup(target)

    def restore(self):
        connection.ensure_connection()
        if connection.vendor == "sqlite":
            self._sqlite.backup(connection.connection)
        else:
            with transaction.atomic(), connection.cursor() as cursor:
                # The flush left what post_migrate recreates (content types,
                # permissions) under other keys: every table is replaced.
                cursor.execute("TRUNCATE " + ", ".join(_quote(t) for t in self._tables))
                for table, rows in self._tables.items():
                    statement = f"COPY {_quote(table)} FROM STDIN (FORMAT binary)"
                    with cursor.cursor.copy(statement) as copy:
                        copy.write(rows)
                models = apps.get_models(include_auto_created=True)
                for statement in connection.ops.sequence_reset_sql(no_style(), models):
                    cursor.execute(statement)
        ContentType.objects.clear_cache()  # the keys the cache holds are the flush's


def _tables():
    return connection.introspection.django_table_names(only_existing=True, include_views=False)


def _quote(table):
    return connection.ops.quote_name(table)
