"""The version of the data a dashboard is drawn from, read from the database itself.

Every change of a figure, a report's state, an indicator, a target, a plan's state,
a closed quarter or a ledger item writes a row into its history table (the rule that
nothing entered is ever lost), a deletion too, and a target revision is itself a new
row; a row added in bulk (bulk_create, a fixture) raises its own table's highest
key. So the highest keys of those tables, read in one query, name the state of
everything a dashboard shows: any route that changes it — the form, the review,
an import, the admin, closing or reopening a quarter, a command — moves the
version, whichever server or process did it. A page cached under the version it
was drawn from therefore cannot be served after the data under it changed
(`targets/views/fragments.py`); no code path has to remember to invalidate
anything. The one way around it is
`QuerySet.update()` on those tables, which the app uses only inside a save that
then writes its history (`QuarterlyReport._write_checked`).

The few tables without a history (plan elements, baselines, sections) change only
in the admin: their row counts join the version, so adding or removing one shows at
once, and the short lifetime of a cached page (`fragments.TIMEOUT`) bounds how long
a rename takes to show.
"""

import weakref
from functools import cache

from django.apps import apps
from django.db import connection

# (app label, model) of what a dashboard is drawn from. Of each, the highest key of
# its table (a row added, even by bulk_create or a fixture, which write no history)
# and of its history table if it has one (a row changed or deleted).
DRAWN_FROM = (
    ("targets", "QuarterlyReport"),
    ("targets", "Indicator"),
    ("targets", "Plan"),
    ("targets", "ReportingPeriod"),
    ("targets", "TargetRevision"),
    ("ledger", "LedgerEntry"),
    ("ledger", "EvidenceFile"),
    ("ledger", "Division"),
)
# Small tables without a history: a row added or removed changes the count or the
# highest key (one removed and one added: the key); a rename waits for the kept
# page's lifetime.
COUNTED = (
    ("targets", "PlanElement"),
    ("targets", "BaselineResult"),
    ("accounts", "Section"),
    # Lead and cooperating units change by replacing their rows (units.set_units).
    ("targets", "IndicatorUnit"),
)


# PostgreSQL hands out keys when rows are written, not when they are committed: a
# transaction may commit key 100 after another committed 101, and the highest key
# would not move. So the version also names the write transactions of this database
# still open (normally none): when one of them commits, the version changes. Another
# database of the same server is not this site's. SQLite has one writer at a time,
# whose keys commit in order.
IN_FLIGHT = (
    "(SELECT string_agg(backend_xid::text, ',' ORDER BY backend_xid::text) "
    "FROM pg_stat_activity WHERE datname = current_database() "
    "AND backend_xid IS NOT NULL AND pid <> pg_backend_pid())"
)
# (PostgreSQL reads the sessions once per transaction; pages read the version outside
# one, so each sees the sessions of that moment. About 0.5 ms.)


@cache
def _sql(vendor):
    """The version's query for a database `vendor`, written once per process (reading
    the history managers costs more than the query)."""
    quote = connection.ops.quote_name

    def highest(model):
        pk, table = quote(model._meta.pk.column), quote(model._meta.db_table)
        return f"(SELECT MAX({pk}) FROM {table})"

    parts = []
    for label, name in DRAWN_FROM:
        model = apps.get_model(label, name)
        parts.append(highest(model))
        if history := getattr(model, "history", None):
            parts.append(highest(history.model))
    for label, name in COUNTED:
        model = apps.get_model(label, name)
        parts += [f"(SELECT COUNT(*) FROM {quote(model._meta.db_table)})", highest(model)]
    if vendor == "postgresql":
        parts.append(IN_FLIGHT)
    return "SELECT " + ", ".join(parts)


# PostgreSQL plans the query's thirty-odd subqueries (and the view of the sessions)
# afresh each time it is sent: about 1.3 ms, five times what running it takes, on
# every dashboard request. Prepared once per database connection, it is planned once.
# A prepared statement belongs to the connection (a rolled-back transaction keeps
# it), so it needs a connection of its own per session, not a transaction-pooling
# proxy (docs/deploy.md).
PREPARED = "kpi_data_version"
_prepared = weakref.WeakSet()  # the psycopg connections that hold it
# Connections where a use failed (a statement timeout, a cancel, a plan made stale by a
# migration): PostgreSQL keeps a PREPARE whatever happens to the rest of its batch or
# transaction, so whether the statement is there, and still good, is unknown.
_unsure = weakref.WeakSet()


def data_version():
    """A short string that changes whenever anything a dashboard shows changes.

    One query of index lookups (the maximum of a primary key is its index's last
    entry), whatever the size of the tables.
    """
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            _execute_prepared(cursor)
        else:
            cursor.execute(_sql(connection.vendor))
        row = cursor.fetchone()
    return "-".join("" if value is None else str(value) for value in row)


def _execute_prepared(cursor):
    """The version's query as a statement prepared on this connection: on its first use
    here, prepared and run in the same round trip (one query, as counted). After a
    failed use, the statement is dropped if it is there and prepared again (two more
    queries, that once)."""
    raw = connection.connection
    try:
        if raw in _prepared:
            cursor.execute(f"EXECUTE {PREPARED}")
            return
        if raw in _unsure:
            cursor.execute("SELECT 1 FROM pg_prepared_statements WHERE name = %s", [PREPARED])
            if cursor.fetchone():
                cursor.execute(f"DEALLOCATE {PREPARED}")
            _unsure.discard(raw)
        cursor.execute(f"PREPARE {PREPARED} AS {_sql('postgresql')}; EXECUTE {PREPARED}")
        cursor.cursor.nextset()  # past PREPARE's own (empty) result
        _prepared.add(raw)
    except Exception:
        _prepared.discard(raw)
        _unsure.add(raw)
        raise
