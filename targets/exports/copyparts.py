"""A long COPY read in parts at once, on connections that see the same data.

PostgreSQL runs a query in one server process; its parallel workers help only with
the scans and joins below a sort. The history export's work above the sort (comparing
each row with the previous one of its report, writing its lines) is about two thirds
of its time, all in that one process. Divided into ranges of reports, the parts run at
once, each in its own server process: the first streams to the client as one export
does, each other one is read meanwhile by a thread into a temporary file (memory stays
bounded; the disk holds that part, about half the file) and follows. All parts read one
snapshot (`pg_export_snapshot`, as `pg_dump --jobs` does), so the file is one
consistent picture of the data, as a single query gives.

Parts are worth it only for a large export, and only outside a transaction: another
connection would not see the transaction's own writes. Otherwise the parts, or the
one query, are read one after the other on Django's connection, as is a part that gets
no connection of its own.
"""

import contextlib
import logging
import tempfile
import threading

import psycopg
from django.db import connections, transaction
from psycopg import sql

from . import pgcopy

logger = logging.getLogger(__name__)

# Parts only when the keys (report ids) of the rows span this many values or more:
# below, one COPY takes well under a second and a second connection gains nothing.
SPLIT_FROM = 20_000


def key_ranges(queryset, key):
    """The filters that divide `queryset` into the parts to read at once: two halves
    of the range of its integer `key` (a report's history stays in one part), or one
    part, unfiltered. Two short queries (the lowest and the highest key, by index);
    the last part is open-ended, so a row added meanwhile is never left out."""
    if connections[queryset.db].in_atomic_block:
        return [{}]
    keys = queryset.values_list(key, flat=True)
    low, high = keys.order_by(key).first(), keys.order_by(f"-{key}").first()
    if low is None or high - low < SPLIT_FROM:
        return [{}]
    middle = low + (high - low + 1) // 2
    return [{f"{key}__lt": middle}, {f"{key}__gte": middle}]


def copy_chunks(sources, using="default"):
    """Yield the CSV lines of the CopySources `sources`, one after the other, as UTF-8
    bytes in chunks; read at once when there are several and no transaction is open."""
    connection = connections[using]
    if len(sources) == 1 or connection.in_atomic_block:
        for source in sources:
            yield from pgcopy.copy_chunks(source, using)
        return
    parts = []
    try:
        with transaction.atomic(using=using):
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
                # Each part is a server process already: PostgreSQL's parallel workers
                # on top of them competed for the same cores (a million history rows
                # on 2 cores: 5.2-5.5 s without them, 5.7 s with).
                cursor.execute("SET LOCAL max_parallel_workers_per_gather = 0")
                cursor.execute("SELECT pg_export_snapshot()")
                (snapshot,) = cursor.fetchone()
            parts = [Spooled(using, snapshot, source) for source in sources[1:]]
            for part in parts:
                part.start()
            for part in parts:
                # The snapshot can be taken up only while this transaction is open.
                part.imported.wait()
            yield from pgcopy.copy_chunks(sources[0], using)
            for part in parts:
                if part.raw is None:
                    # It got no connection (the server's limit, say): read here, in
                    # the same snapshot, after the others, which costs only time.
                    logger.warning("An export part is read in turn: %s", part.error)
                    yield from pgcopy.copy_chunks(part.source, using)
                else:
                    yield from part.chunks()
    finally:
        # Also when the client went away mid-file: no query left running, no file kept.
        for part in parts:
            part.stop()


class Spooled(threading.Thread):
    """One part, read on a connection of its own into a temporary file."""

    def __init__(self, using, snapshot, source):
        super().__init__(name="export part", daemon=True)
        connection = connections[using]
        # A connection like `using`'s, with its settings as they are now (in tests, the
        # test database's name), opened for this part alone: not from the pool, whose
        # size is that of the threads that serve pages, so that exports running at once
        # never wait on each other for a second connection.
        options = {k: v for k, v in connection.settings_dict["OPTIONS"].items() if k != "pool"}
        self.settings = {**connection.settings_dict, "OPTIONS": options}
        self.alias, self.wrapper_class = using, type(connection)
        self.snapshot, self.source = snapshot, source
        # Closed by stop(), which copy_chunks calls whatever happens.
        self.file = tempfile.TemporaryFile()  # noqa: SIM115
        self.imported = threading.Event()
        self.error = None
        self.raw = None  # its psycopg connection, once it reads the snapshot
        if connection.queries_logged:
            connection.queries_log.append({"sql": pgcopy.statement(source), "time": "0.000"})

    def run(self):
        wrapper = self.wrapper_class(self.settings, self.alias)
        try:
            wrapper.ensure_connection()
            raw = wrapper.connection
            with raw.transaction():
                raw.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
                raw.execute(sql.SQL("SET TRANSACTION SNAPSHOT {}").format(self.snapshot))
                raw.execute("SET LOCAL max_parallel_workers_per_gather = 0")  # as above
                self.raw = raw
                self.imported.set()
                for chunk in pgcopy.read(raw, self.source):
                    self.file.write(chunk)
        except Exception as error:  # handed to the thread that streams the file
            self.error = error
        finally:
            self.imported.set()
            wrapper.close()

    def chunks(self):
        """The part's lines, once it is read to its end; its error if it failed."""
        self.join()
        if self.error is not None:
            raise self.error
        self.file.seek(0)
        while block := self.file.read(pgcopy.CHUNK_BYTES):
            yield block

    def stop(self):
        """End the part: its query cancelled if it still runs, its file closed."""
        if self.ident is not None:  # started
            self.imported.wait()  # until then there is no query to cancel
            if self.is_alive() and self.raw is not None:
                with contextlib.suppress(psycopg.Error):  # it may have just ended
                    self.raw.cancel_safe()
            self.join()
        self.file.close()
