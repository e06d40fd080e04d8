"""The raw exports written by PostgreSQL's COPY are byte for byte the Python writer's.

On PostgreSQL, reports.csv and history.csv stream CSV lines that the database writes
itself (targets/exports/pgcopy.py); the Python writer (csvfile.py over raw.py's rows)
is the rule they must follow, and what SQLite uses. Here both write the same rows —
texts built to hit every cell rule (formula triggers and their look-alikes, blanks
before a trigger, quotes, commas, line breaks, backslashes, percent signs, astral
characters), figures with and without decimals, dates, people with and without names,
every kind of history row — in both languages and for a reader from whom drafts are
hidden, and the files must be identical. A large history is read in two parts at
once (copyparts.py): the same bytes again, one snapshot for both, and no query left
behind when the reader leaves or a part fails.
"""

import csv
import dataclasses
import datetime
import io
import itertools
import tempfile
import threading
import time
import unicodedata
from decimal import Decimal

import psycopg
import pytest
from django.db import connection, connections, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from accounts.models import User
from targets.exports import copyparts, pgcopy
from targets.exports.cells import _is_blank, _is_trigger, neutralise
from targets.exports.csvfile import csv_chunks
from targets.exports.raw import history_table, reports_table
from targets.models import Indicator, QuarterlyReport
from targets.models.report import readable_by

NASTY = [
    "=1+1",
    "+1",
    "-1",
    "@SUM(A1)",
    "\t=x",
    "\r=x",
    "\n=x",
    "＝1",
    "＋1",
    "－1",
    "＠x",
    "\u2212 1",
    "\u3000=1",
    "\u00a0+1",
    "\u200b=1",
    "\ufeff@x",
    " =1",
    "  - x",
    "\u207a1",
    "\ufe62x",
    "\x01ctrl",
    "\x7fdel",
    "a=b",
    'say "hi", ok',
    "line1\nline2",
    "line1\r\nline2",
    "cr\ronly",
    "back\\slash \\N \\n",
    "\\N",
    "100%",
    "50% done, 'quoted' %s %(x)s",
    "emoji 😀 𠀀",
    "中文，逗号,半角",
    "",
    "   ",
    "\u3000",
    "plain text",
]


def _cycle(n):
    return NASTY[n % len(NASTY)]


@pytest.fixture
def messy(demo):
    """Q4 reports for every indicator, changed, reviewed and one deleted, with the
    texts above everywhere a text goes."""
    named = User.objects.create(
        username="named", first_name="\u3000=张", last_name="三 ", role=User.Role.STAFF
    )
    blank_named = User.objects.create(
        username="blank",
        first_name=" ",
        last_name="\u3000\u2003",  # strip() takes both
    )
    people = [named, blank_named, User.objects.get(username="staff"), None]
    indicators = list(demo.indicators.order_by("order"))
    Indicator.objects.filter(pk=indicators[0].pk).update(name_en="=HYPERLINK(1)", unit='"次"')
    Indicator.objects.filter(pk=indicators[1].pk).update(name_en="")
    figures = [
        Decimal("0"),
        Decimal("0.5"),
        Decimal("1234.50"),
        Decimal("999999998.75"),
        None,
    ]
    n = 0
    for i, indicator in enumerate(indicators):
        report = QuarterlyReport(indicator=indicator, quarter=4, entered_by=people[i % 4])
        if indicator.is_milestone:
            report.milestone_state = "done" if i % 2 else "in_progress"
            report.done_on = datetime.date(2024, 10, 1 + i) if i % 2 else None
        elif indicator.has_figure:
            report.value = figures[i % len(figures)]
        report.progress, report.problems, report.next_steps = _cycle(n), _cycle(n + 1), ""
        report.review_comment = _cycle(n + 2)
        report.save_by(people[i % 4], _cycle(n + 3))
        n += 4
        # A change of some fields, then one of none (only its reason differs).
        if indicator.has_figure and report.value is not None:
            report.value += Decimal("1.25")
        report.progress, report.next_steps = _cycle(n), _cycle(n + 1)
        report.state = ("submitted", "draft", "returned")[i % 3]
        report.save_by(people[(i + 1) % 4], _cycle(n + 2))
        report.save_by(None, "")
        n += 3
        if i % 7 == 3:
            report._history_user = people[(i + 2) % 4]
            report.delete()
    return demo


def _both(make, plan, records):
    """The file through COPY and through the Python writer, from the same rows."""
    table = make(plan, records)
    assert table.copy is not None
    by_copy = b"".join(csv_chunks(table))
    by_python = b"".join(csv_chunks(dataclasses.replace(make(plan, records), copy=None)))
    return by_copy, by_python


def _first_difference(a, b):
    for line_a, line_b in zip(a.split(b"\r\n"), b.split(b"\r\n"), strict=False):
        if line_a != line_b:
            return line_a.decode(), line_b.decode()
    return len(a), len(b)


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="COPY is PostgreSQL's; on SQLite the exports are the Python writer itself",
)
@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize("reader", ["leader", "staff2"])
def test_copy_writes_the_same_bytes_as_the_python_writer(messy, users, language, reader):
    reports = QuarterlyReport.objects.filter(indicator__plan=messy)
    history = QuarterlyReport.history.filter(indicator__plan=messy)
    user = users[reader]
    with translation.override(language):
        for make, records in (
            (reports_table, readable_by(reports, user)),
            (history_table, readable_by(history, user)),
        ):
            by_copy, by_python = _both(make, messy, records)
            assert by_copy == by_python, _first_difference(by_copy, by_python)
            assert by_copy.count(b"\r\n") > 60  # the messy rows are there, not just a header
    if reader == "staff2":  # drafts of other sections are left out by both
        assert b"\r\n" in by_copy
        assert (
            QuarterlyReport.history.filter(state="draft")
            .exclude(indicator__units__section=user.section)
            .exists()
        )


@pytest.mark.skipif(connection.vendor != "postgresql", reason="DateStyle is a PostgreSQL setting")
def test_times_stay_iso_when_the_connection_lost_its_datestyle(demo):
    # As if a pooler had dropped the connection's startup options (settings.py).
    with connection.cursor() as cursor:
        cursor.execute("SET DateStyle TO SQL, DMY")
    try:
        for make, records in (
            (reports_table, QuarterlyReport.objects.filter(indicator__plan=demo)),
            (history_table, QuarterlyReport.history.filter(indicator__plan=demo)),
        ):
            by_copy, by_python = _both(make, demo, records)
            assert by_copy == by_python, _first_difference(by_copy, by_python)
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SET DateStyle TO ISO, YMD")


def test_written_cells_are_those_of_the_python_writer():
    for text in [*NASTY, *CLEAN]:
        buffer = io.StringIO()
        csv.writer(buffer, lineterminator="\r\n").writerow([neutralise(text), "x"])
        assert f"{pgcopy.written_cell(text)},x\r\n" == buffer.getvalue(), repr(text)


def test_the_character_sets_are_those_of_the_neutralising_rule():
    """pgcopy's ranges are exactly the characters cells.neutralise treats as formula
    triggers and as blanks before one (NUL aside: PostgreSQL text cannot hold it)."""

    def scan(predicate):
        return [
            code
            for code in range(1, 0x110000)
            if not 0xD800 <= code <= 0xDFFF and predicate(chr(code))
        ]

    def ranges(codes):
        found = []
        for code in codes:
            if found and found[-1][1] == code - 1:
                found[-1] = (found[-1][0], code)
            else:
                found.append((code, code))
        return tuple(found)

    assert ranges(scan(_is_trigger)) == pgcopy.TRIGGER_RANGES, unicodedata.unidata_version
    assert ranges(scan(_is_blank)) == pgcopy.BLANK_RANGES, unicodedata.unidata_version


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="JIT compilation is PostgreSQL's; SQLite has none",
)
def test_the_copy_runs_without_jit_compilation_and_with_iso_dates(db):
    # With JIT, PostgreSQL compiled the history export's CSV expressions on a large
    # plan and took 139 s where 28 s sufficed (kpitracker/settings.py).
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"
        # and times are written as the text of a timestamp, ISO 8601 only under ISO
        cursor.execute("SHOW DateStyle")
        assert cursor.fetchone()[0].startswith("ISO")


CLEAN = ["plain text", "中文，逗号", "（括号）开头", "2024年", "a=b", "100%", "back\\slash", "😀"]


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the check is SQL for PostgreSQL's COPY"
)
@pytest.mark.parametrize("text", [*NASTY, *CLEAN, None])
def test_risky_sends_every_text_that_needs_work_to_the_cell_rules(db, text):
    """`with_risky`, the history export's shortcut, sends a text to the full cell rules
    whenever Python's writer would change it (neutralise, or quote), alone or beside
    a text that needs nothing: never is a text that needs work written as it is. The
    clean ones (most) take the fast path; blanks alone go to the rules, which decide."""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerow([neutralise(text or ""), "x"])
    needs_work = buffer.getvalue() != f"{text or ''},x\r\n"
    sql = pgcopy.with_risky("SELECT %s::text AS a, 'plain'::text AS b", ["a", "b"], ["a", "b"])
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT risky FROM ({sql}) AS t", [text])
        risky = cursor.fetchone()[0]
    if needs_work:
        assert risky is True, repr(text)
    if text in CLEAN or text in ("", None):
        assert risky is False, repr(text)
    if not needs_work and risky:  # only a text of blanks, before no trigger
        assert all(_is_blank(char) for char in text), repr(text)


def test_the_first_code_points_sent_to_the_rules_are_the_triggers_and_blanks():
    unsafe = {c for low, high in pgcopy.UNSAFE_FIRST_RANGES for c in range(low, high + 1)}
    rules = {
        c
        for ranges in (pgcopy.TRIGGER_RANGES, pgcopy.BLANK_RANGES)
        for low, high in ranges
        for c in range(low, high + 1)
    }
    assert unsafe == rules
    # sorted and apart, as the binary search over them needs
    ranges = pgcopy.UNSAFE_FIRST_RANGES
    assert all(low <= high for low, high in ranges)
    assert all(a[1] + 1 < b[0] for a, b in itertools.pairwise(ranges))


HEADER = pgcopy.BINARY_SIGNATURE + b"\x00\x00\x00\x00" + b"\x00\x00\x00\x00"


def _binary_row(text):
    return b"\x00\x01" + len(text).to_bytes(4, "big") + text


@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        # The file's header before the first row, its trailer alone at the end.
        ([HEADER + _binary_row(b"a,b\r\n"), _binary_row(b"c\r\n"), b"\xff\xff"], b"a,b\r\nc\r\n"),
        # A header alone, or with an extension area to skip.
        ([HEADER], b""),
        (
            [pgcopy.BINARY_SIGNATURE + b"\x00\x00\x00\x00\x00\x00\x00\x02xy" + _binary_row(b"\\N")],
            b"\\N",
        ),
        # Texts as they are: no escapes to undo.
        ([_binary_row(b"tab\there\\n")], b"tab\there\\n"),
    ],
)
def test_binary_rows_give_their_texts(rows, expected):
    assert pgcopy._binary_texts([memoryview(row) for row in rows]) == expected


def test_binary_rows_of_another_shape_are_refused():
    two_columns = b"\x00\x02" + (1).to_bytes(4, "big") + b"a"
    with pytest.raises(ValueError, match="one text column"):
        pgcopy._binary_texts([memoryview(two_columns)])


@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        # No line break inside a cell: every LF is a line's end (one replace).
        ([b"a,b\n", b'"x,y",2\n'], b'a,b\r\n"x,y",2\r\n'),
        # A line break inside a quoted cell stays as Python's writer leaves it.
        ([b'"line1\nline2",1\n', b"c\n"], b'"line1\nline2",1\r\nc\r\n'),
        ([b'"cr\r\nlf",\n'], b'"cr\r\nlf",\r\n'),
    ],
)
def test_copy_csv_rows_end_in_crlf(rows, expected):
    # COPY's CSV rows as libpq hands them over (one whole row each, ending in LF), as
    # memoryviews like psycopg's.
    assert pgcopy._crlf([memoryview(row) for row in rows]) == expected


# -- A large history in parts read at once (copyparts.py) ---------------------------

ON_POSTGRESQL = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="parts are COPYs on PostgreSQL connections; SQLite exports with the Python writer",
)


def _line(text, rows=20_000_000):
    """A COPY source of one text column: `text` plus CRLF per row, as the history's;
    its rows come as they are made (a set-returning function in FROM would make them
    all first)."""
    return pgcopy.CopySource(
        sql=f"SELECT {text} || chr(13) || chr(10) FROM (SELECT generate_series(1, %s)) AS n",
        params=(rows,),
        format=pgcopy.BINARY,
    )


def _other_sessions(running=""):
    """Connections to this test database but the test's own (each xdist worker has its
    own database), those running a query that starts with `running` if given. Asked
    on a connection of its own: the test's may be in the middle of a COPY."""
    observer = connections.create_connection("default")
    try:
        with observer.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND pid NOT IN (pg_backend_pid(), %s) "
                "AND (%s = '' OR state = 'active' AND query LIKE %s)",
                [connection.connection.info.backend_pid, running, running + "%"],
            )
            return cursor.fetchone()[0]
    finally:
        observer.close()


def _soon(condition, seconds=5):
    """Whether `condition()` holds within `seconds` (the server's view of its
    connections changes a moment after the client's)."""
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


@ON_POSTGRESQL
@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_parts_write_the_bytes_of_one_query(transactional_db, messy, users, monkeypatch, language):
    # Outside a transaction, as a request streams its file; the demo plan is made
    # large enough to divide.
    monkeypatch.setattr(copyparts, "SPLIT_FROM", 2)
    records = readable_by(QuarterlyReport.history.filter(indicator__plan=messy), users["leader"])
    ranges = copyparts.key_ranges(records, "id")
    assert len(ranges) == 2 and all(records.filter(**part).count() > 30 for part in ranges)
    with translation.override(language):
        by_parts, by_python = _both(history_table, messy, records)
        table = history_table(messy, records)
        with CaptureQueriesContext(connection) as queries:
            assert b"".join(csv_chunks(table)) == by_parts
    assert by_parts == by_python, _first_difference(by_parts, by_python)
    assert [query["sql"].split(" (")[0] for query in queries] == [
        "BEGIN",
        "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ",  # one snapshot for both parts
        "SET LOCAL max_parallel_workers_per_gather = 0",
        "SET LOCAL idle_in_transaction_session_timeout = 0",  # while the second part ends
        "SELECT pg_export_snapshot()",
        "COPY",  # the first part, streamed
        "COMMIT",  # once the second is read: a slow reader keeps no transaction open
        "COPY",  # the second, read meanwhile on a connection of its own, from its file
    ]


@ON_POSTGRESQL
def test_both_parts_read_the_data_as_the_export_found_it(transactional_db, demo, monkeypatch):
    monkeypatch.setattr(copyparts, "SPLIT_FROM", 1)
    records = QuarterlyReport.history.filter(indicator__plan=demo)
    table = history_table(demo, records)
    assert len(table.copy) == 2
    before = b"".join(csv_chunks(table))
    someone_else = connections.create_connection("default")
    start = copyparts.Spooled.start

    def change_then_start(part):
        # A change saved on another connection once the export has taken its snapshot,
        # before either part is read.
        with someone_else.cursor() as cursor:
            cursor.execute(
                "UPDATE targets_historicalquarterlyreport SET history_change_reason = 'later'"
            )
        start(part)

    monkeypatch.setattr(copyparts.Spooled, "start", change_then_start)
    try:
        during = b"".join(csv_chunks(table))
    finally:
        someone_else.close()
    assert during == before
    after = b"".join(csv_chunks(table))  # the change, in both halves, for a new export
    assert after.count(b",later\r\n") == after.count(b"\r\n") - 1 > 100


@ON_POSTGRESQL
def test_parts_inside_a_transaction_are_read_in_turn(db):
    # Another connection would not see this transaction's own writes.
    first, second = _line("'first'", rows=3), _line("'second'", rows=2)
    with CaptureQueriesContext(connection) as queries:
        lines = b"".join(copyparts.copy_parts((first, second)))
    assert lines == b"first\r\n" * 3 + b"second\r\n" * 2
    assert [query["sql"][:4] for query in queries] == ["COPY", "COPY"]


@ON_POSTGRESQL
def test_a_reader_who_leaves_mid_file_leaves_no_query_running(transactional_db):
    lines = copyparts.copy_parts((_line("'first'"), _line("'second'")))
    assert next(lines).startswith(b"first\r\n")  # the first part streams
    assert _soon(lambda: _other_sessions(running="COPY (SELECT 'second'"))  # the second spools
    started = time.monotonic()
    lines.close()
    assert time.monotonic() - started < 5  # cancelled, not read to their end
    assert not [t for t in threading.enumerate() if t.name == copyparts.THREAD_NAME]
    # The export's connection is as it was, the part's is gone.
    assert not connection.in_atomic_block and connection.get_autocommit()
    assert connection.connection.info.transaction_status == psycopg.pq.TransactionStatus.IDLE
    assert _soon(lambda: _other_sessions() == 0)


@ON_POSTGRESQL
def test_a_part_that_fails_fails_the_file(transactional_db, caplog):
    failing = pgcopy.CopySource(
        sql="SELECT (1 / (n - 3))::text FROM generate_series(1, 5) AS n",
        params=(),
        format=pgcopy.BINARY,
    )
    with pytest.raises(psycopg.errors.DivisionByZero):
        b"".join(copyparts.copy_parts((_line("'fine'", rows=3), failing)))
    assert "An export part is read in turn" in caplog.text  # and it failed there too


@ON_POSTGRESQL
@pytest.mark.parametrize("trouble", ["no connection", "no temporary directory"])
def test_a_part_that_cannot_be_read_at_once_is_read_in_turn(
    transactional_db, monkeypatch, caplog, trouble
):
    connection.ensure_connection()
    if trouble == "no connection":
        # Nothing listens there: refused, as by a server at its limit of connections.
        monkeypatch.setitem(connection.settings_dict, "PORT", "1")
    else:
        monkeypatch.setattr(tempfile, "tempdir", "/nonexistent/kpitracker")
    first, second = _line("'first'", rows=3), _line("'second'", rows=2)
    assert b"".join(copyparts.copy_parts((first, second))) == b"first\r\n" * 3 + b"second\r\n" * 2
    assert "An export part is read in turn" in caplog.text


@ON_POSTGRESQL
def test_a_part_behind_a_waiting_migration_is_read_in_turn(
    transactional_db, demo, monkeypatch, caplog
):
    # A migration asks for the history table while the export reads it: it waits for
    # the export's lock, and the part's COPY would wait behind it while the export
    # waits for the part. The part gives way instead.
    monkeypatch.setattr(copyparts, "SPLIT_FROM", 1)
    monkeypatch.setattr(copyparts, "CONNECT_SECONDS", 1)
    records = QuarterlyReport.history.filter(indicator__plan=demo)
    table = history_table(demo, records)
    expected = b"".join(csv_chunks(dataclasses.replace(table, copy=None)))

    def migrate():
        migration = connections.create_connection("default")
        try:
            migration.ensure_connection()
            with migration.connection.transaction():
                migration.connection.execute("SET LOCAL lock_timeout = '60s'")
                migration.connection.execute(
                    "LOCK TABLE targets_historicalquarterlyreport IN ACCESS EXCLUSIVE MODE"
                )
        finally:
            migration.close()

    migrating = threading.Thread(target=migrate)
    start = copyparts.Spooled.start

    def migration_then_start(part):
        with connection.cursor() as cursor:  # the lock the export's COPY takes
            cursor.execute("SELECT 1 FROM targets_historicalquarterlyreport LIMIT 1")
        migrating.start()
        assert _soon(lambda: _other_sessions(running="LOCK TABLE"))
        start(part)

    monkeypatch.setattr(copyparts.Spooled, "start", migration_then_start)
    started = time.monotonic()
    lines = b"".join(csv_chunks(table))
    assert time.monotonic() - started < 10  # not until the migration gives up (60 s)
    migrating.join()
    assert lines == expected
    assert "An export part is read in turn" in caplog.text


@ON_POSTGRESQL
def test_parts_only_for_a_large_history_outside_a_transaction(
    transactional_db, demo, leader_client, monkeypatch
):
    records = QuarterlyReport.history.filter(indicator__plan=demo)
    assert copyparts.key_ranges(records, "id") == [{}]  # the real plan: one query
    with CaptureQueriesContext(connection) as queries:
        response = leader_client.get(f"/plans/{demo.year}/export/history.csv")
        assert b"".join(response.streaming_content).count(b"\r\n") > 50
    # 1 session, 2 user, 3 plan, 4 the lowest and 5 the highest report id, 6 the COPY
    assert len(queries) == 6 and queries[-1]["sql"].startswith("COPY")
    monkeypatch.setattr(copyparts, "SPLIT_FROM", 1)  # as if it were large
    with transaction.atomic():  # parts would be read in turn: one query is quicker
        assert copyparts.key_ranges(records, "id") == [{}]
    halves = copyparts.key_ranges(records, "id")
    low, high = records.order_by("id").first().id, records.order_by("-id").first().id
    middle = halves[0]["id__lt"]
    assert halves == [{"id__lt": middle}, {"id__gte": middle}] and low < middle <= high
