"""A long COPY read in parts at once, on connections that see the same data.

PostgreSQL runs a query in one server process; its parallel workers help only with
the scans and joins below a sort. The history export's work above the sort (comparing
each row with the previous one of its report, writing its lines) is about two thirds
of its time, all in that one process. Divided into ranges of reports, the parts run at
once, each in its own server process: the first streams to the client as one export
does, the second is read meanwhile by a thread into a temporary file (memory stays
bounded; the disk holds that part, about half the file) and follows. Both read one
snapshot (`pg_export_snapshot`, as `pg_dump --jobs` does), so the file is one
consistent picture of the data, as a single query gives.

The snapshot's transaction ends once the first part is sent and the second is read,
not after the last byte: a slow client never keeps it open. A part that gets no
connection in time or fails is read after the first on the export's own connection,
in the same snapshot, which costs only time. Parts are read that way too inside a
transaction (another connection would not see its writes).
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
# How long a part may take to connect and take up the snapshot once the first part is
# sent (it has had all that time already); then it is read in turn instead.
CONNECT_SECONDS = 10
THREAD_NAME = "export part"


def key_ranges(queryset, key):
    """The filters that divide `queryset` into the parts to read at once: two halves
    of the range of its integer `key` (a report's history stays in one part), or one
    part, unfiltered. Two short queries (the lowest and the highest key, by index);
    the last part is open-ended, so a row added meanwhile is never left out. The span
    of keys stands for the number of rows: where ids are sparse, a smaller export may
    be divided, which is harmless. Inside a transaction, one part: parts would be
    read in turn there (`copy_parts`), and one query is quicker."""
    if connections[queryset.db].in_atomic_block:
        return [{}]
    keys = queryset.values_list(key, flat=True)
    low, high = keys.order_by(key).first(), keys.order_by(f"-{key}").first()
    if low is None or high - low < SPLIT_FROM:
        return [{}]
    middle = low + (high - low + 1) // 2
    return [{f"{key}__lt": middle}, {f"{key}__gte": middle}]


def copy_parts(sources, using="default"):
    """Yield the CSV lines of the CopySources `sources`, one after the other, as UTF-8
    bytes in chunks of about 64 KB (a chunk read back from a part's file may end
    inside a line); read at once when there are several and no transaction is open."""
    connection = connections[using]
    connection.ensure_connection()
    if len(sources) == 1 or not connection.get_autocommit():  # or inside a transaction
        for source in sources:
            yield from pgcopy.copy_chunks(source, using)
        return
    first, *rest = sources
    parts = []
    try:
        with transaction.atomic(using=using):
            with connection.cursor() as cursor:
                _repeatable_read(cursor.execute)
                # Idle in it while the second part ends: a server's timeout for idle
                # transactions would cut a file that has been read whole.
                cursor.execute("SET LOCAL idle_in_transaction_session_timeout = 0")
                cursor.execute("SELECT pg_export_snapshot()")
                (snapshot,) = cursor.fetchone()
            parts = [Spooled(using, snapshot, source) for source in rest]
            for part in parts:
                part.start()
            yield from pgcopy.copy_chunks(first, using)
            read = [part.settle(CONNECT_SECONDS) for part in parts]
            # Up to the last part to read in turn, in this transaction's snapshot.
            inside = max((n + 1 for n, ok in enumerate(read) if not ok), default=0)
            for part, ok in zip(parts[:inside], read, strict=False):
                if ok:
                    yield from part.chunks(connection)
                else:
                    logger.warning("An export part is read in turn: %s", part.error)
                    yield from pgcopy.copy_chunks(part.source, using)
        for part in parts[inside:]:
            yield from part.chunks(connection)
    finally:
        # Also when the client went away mid-file: no query left running, no file kept.
        for part in parts:
            part.stop()


def _repeatable_read(execute):
    """Begin a transaction that can share its snapshot (`execute`: a cursor's or a
    psycopg connection's)."""
    execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
    # Each part is a server process already: PostgreSQL's parallel workers on top of
    # them competed for the same cores (a million history rows on 2 cores: 5.2-5.5 s
    # without them, 5.7 s with).
    execute("SET LOCAL max_parallel_workers_per_gather = 0")


class Spooled(threading.Thread):
    """One part, read on a connection of its own into a temporary file.

    The export waits for the part only once it has taken up the snapshot: until then
    the part may be stuck (connecting, queued by a pooler), and is given up instead
    (`settle`, `stop`); a part given up reads nothing and closes its file itself.
    """

    def __init__(self, using, snapshot, source):
        super().__init__(name=THREAD_NAME, daemon=True)
        connection = connections[using]
        # A connection like `using`'s, with its settings as they are now (in tests, the
        # test database's name), opened for this part alone: not from the pool, whose
        # size is that of the threads that serve pages, so that exports running at once
        # never wait on each other for a second connection.
        options = {k: v for k, v in connection.settings_dict["OPTIONS"].items() if k != "pool"}
        options.setdefault("connect_timeout", CONNECT_SECONDS)
        self.settings = {**connection.settings_dict, "OPTIONS": options}
        self.alias, self.wrapper_class = using, type(connection)
        self.snapshot, self.source = snapshot, source
        self.file = None
        self.error = None
        self.raw = None  # its psycopg connection, to cancel its COPY
        # Whether the part has taken up the snapshot, or been given up: one or the
        # other, decided under the lock.
        self.lock = threading.Lock()
        self.imported = self.abandoned = False
        self.settled = threading.Event()  # imported, failed or given up
        self.stopping = threading.Event()

    def run(self):
        wrapper = self.wrapper_class(self.settings, self.alias)
        try:
            # Here rather than in __init__: a temporary directory that cannot be
            # written is then a part read in turn, not a failed file.
            self.file = tempfile.TemporaryFile()  # noqa: SIM115 (closed at the end)
            wrapper.ensure_connection()
            raw = wrapper.connection
            with raw.transaction():
                _repeatable_read(raw.execute)
                # A table lock queued behind the export's own (a migration) would
                # hold this COPY while the export waits for it: none of them would
                # give way. Failing instead, it is read in turn by the export.
                raw.execute(f"SET LOCAL lock_timeout = '{CONNECT_SECONDS}s'")
                raw.execute(sql.SQL("SET TRANSACTION SNAPSHOT {}").format(self.snapshot))
                with self.lock:
                    if self.abandoned:
                        return
                    self.raw, self.imported = raw, True
                self.settled.set()
                for chunk in pgcopy.read(raw, self.source):
                    if self.stopping.is_set():  # a cancel that came before the COPY
                        raise InterruptedError("export part stopped")
                    self.file.write(chunk)
        except Exception as error:  # handed to the thread that streams the file
            self.error = error
        finally:
            self.settled.set()
            wrapper.close()
            with self.lock:
                given_up = not self.imported
                self.abandoned = True  # no longer to be waited for
            if given_up and self.file is not None:
                self.file.close()

    def settle(self, timeout):
        """Wait for the part: True once its lines are all in its file; False when it
        must be read in turn (no snapshot taken up within `timeout`, or it failed)."""
        self.settled.wait(timeout)
        with self.lock:
            if not self.imported:
                self.abandoned = True
                self.error = self.error or TimeoutError(f"no connection in {timeout} s")
                return False
        self.join()  # its COPY runs, as long as a query takes (and no lock wait)
        return self.error is None

    def chunks(self, connection):
        """The part's lines from its file, read to its end (`settle`)."""
        pgcopy.log_copy(connection, self.source)
        self.file.seek(0)
        while block := self.file.read(pgcopy.CHUNK_BYTES):
            yield block

    def stop(self):
        """End the part: its COPY cancelled if it runs, and its file closed; a part
        that has not taken up the snapshot is only given up (it ends by itself)."""
        self.stopping.set()
        with self.lock:
            reading = self.imported
            self.abandoned = True
        if not reading:
            return
        # A cancel that reaches the server before the COPY is dropped: again until
        # the part ends, for a while.
        for _attempt in range(20):
            if not self.is_alive():
                break
            with contextlib.suppress(psycopg.Error):  # it may have just ended
                self.raw.cancel_safe(timeout=5)
            self.join(0.5)
        if not self.is_alive():
            self.file.close()
        else:
            logger.warning("An export part did not end when cancelled: %s", self.source.sql[:80])
