"""CSV bodies written by PostgreSQL itself: the raw exports at the speed of `COPY`.

On PostgreSQL the reports and history exports do not build rows in Python: one
`COPY (SELECT …) TO STDOUT` returns each CSV line ready-made — numbers plain, dates
and times in the site's time zone, labels in the request's language, every text
neutralised against formula injection and quoted exactly as Python's `csv` module
quotes it — and `copy_chunks` passes the lines on in 64 KB chunks. The bytes are
those of the Python writer (csvfile.py) for the same rows; tests/test_export_copy.py
compares the two on data built to hit every rule. SQLite keeps the Python writer.

How a line comes out, two ways:
- The reports (`csv_cells`): one column per cell, copied in COPY's CSV format, which
  quotes in C what SQL would quote more slowly; COPY ends each row with LF, turned
  into CRLF here.
- The history (`raw.history_copy`): a historical row writes several lines, so the
  SELECT returns one text column per row, its lines ready-made and each ending in
  CRLF, copied in COPY's binary format, which passes a text on as it is (the text
  format would escape every line end, and the escapes would have to be undone here).
  Its cells are made quickly when a row's texts hold nothing to quote or neutralise
  (`with_risky`), by the full rules (`text_cell`) otherwise.
"""

import csv
import io
import struct
from dataclasses import dataclass

from django.db import connections
from django.utils import timezone, translation

from .cells import NEUTRALISER, neutralise

# What `cells.neutralise` treats as a formula trigger and as a blank before one, as
# code point ranges for the database (NUL excluded: PostgreSQL text cannot hold it).
# Scanning all of Unicode with the predicates of cells.py takes over a second, so the
# ranges are written out here; tests/test_export_copy.py scans and compares them.
TRIGGER_RANGES = (
    (0x1, 0x1F),
    (0x2B, 0x2B),
    (0x2D, 0x2D),
    (0x3D, 0x3D),
    (0x40, 0x40),
    (0x7F, 0x7F),
    (0x207A, 0x207A),
    (0x207C, 0x207C),
    (0x208A, 0x208A),
    (0x208C, 0x208C),
    (0x2212, 0x2212),
    (0xFB29, 0xFB29),
    (0xFE62, 0xFE63),
    (0xFE66, 0xFE66),
    (0xFE6B, 0xFE6B),
    (0xFF0B, 0xFF0B),
    (0xFF0D, 0xFF0D),
    (0xFF1D, 0xFF1D),
    (0xFF20, 0xFF20),
)
BLANK_RANGES = (
    (0x9, 0xD),
    (0x1C, 0x20),
    (0x85, 0x85),
    (0xA0, 0xA0),
    (0xAD, 0xAD),
    (0x600, 0x605),
    (0x61C, 0x61C),
    (0x6DD, 0x6DD),
    (0x70F, 0x70F),
    (0x890, 0x891),
    (0x8E2, 0x8E2),
    (0x1680, 0x1680),
    (0x180E, 0x180E),
    (0x2000, 0x200F),
    (0x2028, 0x202F),
    (0x205F, 0x2064),
    (0x2066, 0x206F),
    (0x3000, 0x3000),
    (0xFEFF, 0xFEFF),
    (0xFFF9, 0xFFFB),
    (0x110BD, 0x110BD),
    (0x110CD, 0x110CD),
    (0x13430, 0x1343F),
    (0x1BCA0, 0x1BCA3),
    (0x1D173, 0x1D17A),
    (0xE0001, 0xE0001),
    (0xE0020, 0xE007F),
)

CHUNK_BYTES = 64 * 1024
# Python's csv module (QUOTE_MINIMAL, excel dialect) quotes a cell holding one of these.
QUOTE_CALLERS = ("'\"'", "','", "chr(13)", "chr(10)")


def _bracket(ranges):
    """A regular-expression bracket of the ranges, as character-entry escapes."""

    def escape(code):
        return f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"

    return (
        "["
        + "".join(escape(lo) + ("" if lo == hi else "-" + escape(hi)) for lo, hi in ranges)
        + "]"
    )


def _merged(ranges):
    """`ranges` sorted, those that overlap or touch made one."""
    merged = []
    for low, high in sorted(ranges):
        if merged and low <= merged[-1][1] + 1:
            merged[-1] = (merged[-1][0], max(merged[-1][1], high))
        else:
            merged.append((low, high))
    return tuple(merged)


BLANKS_THEN_TRIGGER = "^" + _bracket(BLANK_RANGES) + "+" + _bracket(TRIGGER_RANGES)
# Python's str.strip() (User.get_full_name) strips the white space among the blanks.
SPACE_RANGES = _merged(
    (code, code)
    for low, high in BLANK_RANGES
    for code in range(low, high + 1)
    if chr(code).isspace()
)
SPACES_AT_ENDS = f"^{_bracket(SPACE_RANGES)}+|{_bracket(SPACE_RANGES)}+$"


# What a text may not start with to be written as it is: a trigger, or a blank that
# may stand before one (`with_risky` sends such a text to the full rules, which decide).
UNSAFE_FIRST_RANGES = _merged(TRIGGER_RANGES + BLANK_RANGES)

CSV, BINARY = "csv", "binary"


@dataclass(frozen=True)
class CopySource:
    """A SELECT and its parameters (bound client-side: COPY takes no server parameters).

    `format`: with `CSV`, one column per CSV cell, each neutralised and NULL when
    empty (`csv_cells`, copied in COPY's own CSV format, whose quoting in C is the
    fastest); with `BINARY`, one text column, the CSV lines of each row ready-made
    and ending in CRLF (the history's: a row's several lines cannot be CSV cells).
    With one column only, COPY's CSV would differ from Python's (a cell `\\.`
    quoted, an empty row written as nothing): `csv_cells` takes several.
    """

    sql: str
    params: tuple
    format: str = CSV


def literal(text):
    """`text` as an SQL string literal in a statement that also binds %s parameters.

    Quotes are doubled (standard-conforming strings, PostgreSQL's default, take
    backslashes as they are) and so are percent signs, which the client-side binding
    would otherwise read as placeholders.
    """
    return "'" + str(text).replace("'", "''").replace("%", "%%") + "'"


def text_cell(column):
    """The CSV cell of a text column: "" for NULL, neutralised (cells.neutralise),
    then quoted as Python's csv module quotes (QUOTE_MINIMAL: a comma, a double
    quote, CR or LF). Neutralising only adds a leading quote mark, which never
    changes whether the cell needs quoting, so that is decided on the value itself.

    Written for speed, as it runs for every text of a million rows: the first
    character is judged by its code point (`ascii()`) against the ranges above in a
    few integer comparisons; the regular expression runs only for a text that starts
    with a blank; the characters that call for quotes are looked for with `strpos`.
    """
    neutral = _neutral(column, f"ascii({column})", empty="''")
    quotes = " OR ".join(f"strpos({column}, {char}) > 0" for char in QUOTE_CALLERS)
    return (
        f"CASE WHEN {quotes} "
        f"THEN '\"' || replace({neutral}, '\"', '\"\"') || '\"' ELSE {neutral} END"
    )


def with_risky(sql, columns, texts):
    """SQL of the rows of `sql` (`columns` of it) and `risky`: may one of the text
    columns `texts` need quoting or neutralising? False means each can be written as
    it is; true, that the full rules must decide. Much cheaper than the rules run
    text by text: each text's first code point against the ranges (that of "" is 0,
    in none; that of NULL is NULL, read as safe), then a search for each character
    calling for quotes over the texts joined once (a level of its own, or PostgreSQL
    would join them again at each search)."""
    kept = ", ".join(f"t.{column}" for column in columns)
    firsts = " OR ".join(_member(f"ascii(t.{text})", UNSAFE_FIRST_RANGES) for text in texts)
    joined = f"concat({', '.join(f't.{text}' for text in texts)})"
    quoted = " OR ".join(f"strpos(t.joined, {char}) > 0" for char in QUOTE_CALLERS)
    inner = (
        f"SELECT {kept}, {joined} AS joined, COALESCE({firsts}, false) AS unsafe "
        f"FROM ({sql}) AS t OFFSET 0"
    )
    return f"SELECT {kept}, t.unsafe OR {quoted} AS risky FROM ({inner}) AS t OFFSET 0"


def checked_cell(expr, risky):
    """The CSV cell of a text by the full rules (`text_cell`) where the flag `risky`
    (`with_risky`) says it may need them, else the text as it is ("" for NULL, as
    `text_cell` writes it too)."""
    return f"CASE WHEN {risky} THEN {text_cell(expr)} ELSE COALESCE({expr}, '') END"


def written_cell(text):
    """The CSV cell of a constant `text` as Python's writer writes it among others
    (neutralised, quoted when it must be): made once, here, for a label that every row
    may show. Written with the writer's own line end, which decides whether a CR or LF
    is quoted on Python 3.12; an empty cell is written as nothing (alone in a row,
    Python's csv would write it as `""`)."""
    if not text:
        return ""
    buffer = io.StringIO()
    csv.writer(buffer, dialect="excel", lineterminator="\r\n").writerow([neutralise(text)])
    return buffer.getvalue().removesuffix("\r\n")


def label_cell(expr, labels):
    """The CSV cell of a choice shown by its label (`labels`: {value: label}); the
    labels' cells are made here, once; a value without a label is shown as itself,
    by the full rules; NULL or "" gives NULL."""
    cases = " ".join(
        f"WHEN {literal(value)} THEN {literal(written_cell(text))}"
        for value, text in labels.items()
    )
    return f"CASE COALESCE({expr}, '') WHEN '' THEN NULL {cases} ELSE {text_cell(expr)} END"


def neutralised(column, first):
    """The cell of a text column for COPY's CSV format: neutralised as `text_cell`
    does, and NULL when empty; `first` is its first character's code point, computed
    once rather than at each comparison. COPY's CSV quotes a cell exactly when
    Python's `csv` does (a comma, a double quote, CR or LF) and doubles quotes the
    same way; it only writes an empty string as `""` where Python writes nothing, and
    NULL as nothing."""
    return _neutral(column, first, empty="NULL")


def _neutral(column, first, empty):
    """SQL of `cells.neutralise` over a text `column` whose first code point is
    `first`; NULL and the empty string become `empty`."""
    return (
        f"CASE WHEN {column} IS NULL OR {column} = '' THEN {empty} "
        f"WHEN {_member(first, TRIGGER_RANGES)} OR (({_member(first, BLANK_RANGES)}) "
        f"AND {column} ~ {literal(BLANKS_THEN_TRIGGER)}) "
        f"THEN {literal(NEUTRALISER)} || {column} ELSE {column} END"
    )


def _member(code, ranges):
    """SQL: is the integer `code` in one of the sorted `ranges`? A binary search
    written out, so a code point meets about log2(len(ranges)) comparisons."""
    if len(ranges) == 1:
        low, high = ranges[0]
        return f"{code} = {low}" if low == high else f"{code} BETWEEN {low} AND {high}"
    middle = len(ranges) // 2
    below, above = _member(code, ranges[:middle]), _member(code, ranges[middle:])
    return f"CASE WHEN {code} < {ranges[middle][0]} THEN {below} ELSE {above} END"


# Values as the CSV writer prints them (csvfile.csv_cell); they never need quoting
# or neutralising.


def number(expr):
    """A decimal, plain: 10.00 -> 10, 2.50 -> 2.5; NULL -> ""."""
    return f"COALESCE(trim_scale(({expr})::numeric)::text, '')"


def integer(expr):
    """An integer column, plain; NULL -> ""."""
    return f"COALESCE(({expr})::text, '')"


def date(expr):
    return f"COALESCE(to_char({expr}, 'YYYY-MM-DD'), '')"


def local_datetime(expr):
    """To the second, in the request's time zone (cells.text_of / local_datetime):
    "2024-10-08 09:30:00", the text of a timestamp under DateStyle ISO, which the
    connection sets (settings.py); to_char, which needs no DateStyle, took twice as long."""
    tz = literal(timezone.get_current_timezone_name())
    return f"COALESCE(date_trunc('second', {expr} AT TIME ZONE {tz})::text, '')"


# Texts made from a row's values, in the active language, for a cell rule to write.


def label(expr, labels, *, otherwise_value):
    """A choice by its label (`labels`: {value: label}); a value without a label is
    shown as itself (`otherwise_value`) or as ""."""
    cases = " ".join(
        f"WHEN {literal(value)} THEN {literal(text)}" for value, text in labels.items()
    )
    otherwise = expr if otherwise_value else "''"
    return f"CASE {expr} {cases} ELSE {otherwise} END"


def indicator_name(name_zh, name_en):
    """An indicator's name in the active language (BilingualNameMixin.name)."""
    if _english():
        return f"CASE WHEN {name_en} <> '' THEN {name_en} ELSE {name_zh} END"
    return name_zh


def indicator_names_shown(name_zh, name_en):
    """The columns `indicator_name` may show: in English either name."""
    return (name_en, name_zh) if _english() else (name_zh,)


def _english():
    return (translation.get_language() or "").startswith("en")


def person(user_id, username, first_name, last_name):
    """`get_full_name()` or the username, as `history.People` shows a user."""
    full = f"regexp_replace({first_name} || ' ' || {last_name}, {literal(SPACES_AT_ENDS)}, '', 'g')"
    return (
        f"CASE WHEN {user_id} IS NULL THEN NULL "
        f"WHEN {first_name} = '' AND {last_name} = '' THEN {username} "
        f"ELSE COALESCE(NULLIF({full}, ''), {username}) END"
    )


def csv_cells(inner, params, columns, order):
    """The CopySource of the CSV cells over the rows `r` of `inner` (SQL with `params`),
    for COPY's CSV format: a column per cell, NULL when empty.

    `columns`: (expression over `r`, is_text) per CSV column, in order. The
    expressions are computed once per row in a subquery (OFFSET 0 keeps PostgreSQL
    from folding it into the outer query, where each would be computed as often as
    the cell rule names it), and the first code point of each text in a level of its
    own; text ones are then neutralised. `order`: the ORDER BY expressions over `r`.
    """
    if len(columns) < 2:
        raise ValueError("COPY's CSV writes a row of one cell unlike Python's csv")
    texts = [n for n, (_expr, text) in enumerate(columns) if text]
    cells = [
        neutralised(f"d.c_{n}", f"d.a_{n}") if text else f"NULLIF(d.c_{n}, '')"
        for n, (_expr, text) in enumerate(columns)
    ]
    computed = [f"{expr} AS c_{n}" for n, (expr, _text) in enumerate(columns)]
    computed += [f"{expr} AS o_{n}" for n, expr in enumerate(order)]
    rows = f"SELECT {', '.join(computed)} FROM ({inner}) AS r ORDER BY {', '.join(order)} OFFSET 0"
    ordering = ", ".join(f"d.o_{n}" for n in range(len(order)))
    firsts = ", ".join(["d.*", *(f"ascii(d.c_{n}) AS a_{n}" for n in texts)])
    sql = (
        f"SELECT {', '.join(cells)} FROM (SELECT {firsts} FROM ({rows}) AS d "
        f"ORDER BY {ordering} OFFSET 0) AS d ORDER BY {ordering}"
    )
    return CopySource(sql=sql, params=tuple(params), format=CSV)


def copy_chunks(source, using="default"):
    """Yield the CSV lines of `source` as UTF-8 bytes, about 64 KB at a time."""
    connection = connections[using]
    connection.ensure_connection()
    log_copy(connection, source)
    yield from read(connection.connection, source)


def log_copy(connection, source):
    """Count `source`'s COPY like any query of `connection` (assertNumQueries, the debug
    toolbar): COPY goes through psycopg's own cursor, past Django's logging wrapper."""
    if connection.queries_logged:
        connection.queries_log.append({"sql": statement(source), "time": "0.000"})


def statement(source):
    """The COPY that sends `source`'s rows to the client."""
    return f"COPY ({source.sql}) TO STDOUT (FORMAT {source.format})"


def read(raw, source):
    """The CSV lines of `source` through the psycopg connection `raw`, in chunks."""
    if not (raw.info.parameter_status("DateStyle") or "").startswith("ISO"):
        # `local_datetime` writes a timestamp's own text, ISO 8601 only under ISO. The
        # connection asks for ISO (settings.py), but a pooler may drop that option.
        raw.execute("SET DateStyle TO ISO, YMD")
    finish = _crlf if source.format == CSV else _binary_texts
    with raw.cursor() as cursor, cursor.copy(statement(source), source.params) as copy:
        pending, size = [], 0
        for row in copy:
            pending.append(row)
            size += len(row)
            if size >= CHUNK_BYTES:
                yield finish(pending)
                pending, size = [], 0
        if pending:
            yield finish(pending)


def _crlf(rows):
    """COPY's CSV rows with Python's line ending, CRLF for LF. libpq hands over one
    whole row at a time, ending in LF; a LF inside a quoted cell stays as it is, as
    Python's writer leaves it. When the rows hold no other LF, one replace does it."""
    data = b"".join(rows)
    if data.count(b"\n") == len(rows):
        return data.replace(b"\n", b"\r\n")
    return b"".join(bytes(row[:-1]) + b"\r\n" for row in rows)


BINARY_SIGNATURE = b"PGCOPY\n\xff\r\n\x00"
BINARY_TRAILER = b"\xff\xff"
_FIELD = struct.Struct(">hi")  # a row's number of fields, then the first one's length


def _binary_texts(rows):
    """The texts of COPY's binary rows of one text column, joined.

    libpq hands over one whole row at a time (PQgetCopyData); the file's header
    comes before the first row, its trailer alone at the end. Each row is its
    number of fields (1) and the text's length, then the text as it is.
    """
    texts = []
    for row in rows:
        if row[: len(BINARY_SIGNATURE)] == BINARY_SIGNATURE:
            # flags (4 bytes), then the length of a header extension and the extension
            extension = struct.unpack_from(">i", row, len(BINARY_SIGNATURE) + 4)[0]
            row = row[len(BINARY_SIGNATURE) + 8 + extension :]
            if not row:
                continue
        if row == BINARY_TRAILER:
            continue
        fields, length = _FIELD.unpack_from(row)
        if fields != 1 or length != len(row) - _FIELD.size:
            raise ValueError("COPY's binary rows: one text column of one whole row expected")
        texts.append(row[_FIELD.size :])
    return b"".join(texts)
