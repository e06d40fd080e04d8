"""CSV as Excel and WPS on a Chinese Windows desktop open it without an import dialog.

UTF-8 with a BOM (once, at the very start), CRLF line ends, one header row, plain
numbers, empty cells for "no figure", and every text cell neutralised against
formula injection (cells.py). The file is produced in chunks, so a large export
streams in bounded memory; the header goes out before the rows are read. The one
CSV writer, on SQLite and PostgreSQL alike.
"""

import csv
import io
from decimal import Decimal

from django.utils import timezone

from .cells import neutralise, one_decimal, plain_number, text_of
from .table import PERCENT

CONTENT_TYPE = "text/csv; charset=utf-8"
BOM = "\ufeff"
CHUNK_CHARS = 64 * 1024  # flush to the client about every 64 KB


def csv_cell(value, column, tz=None):
    """The text of one cell: numbers plain (percentages with one decimal), text safe."""
    if isinstance(value, str):
        return neutralise(value)
    if value is None:
        return ""
    if isinstance(value, bool):
        raise TypeError("no booleans in exports: say what they mean in words")
    if isinstance(value, Decimal | int):
        return one_decimal(value) if column.kind == PERCENT else plain_number(value)
    return neutralise(text_of(value, tz))


def csv_chunks(table):
    """Yield the table as UTF-8 bytes: BOM and header first, then rows in chunks.

    A value that is the very object of the previous row's same column (the
    history repeats who/when/what on each changed field) reuses its text.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, dialect="excel", lineterminator="\r\n")
    buffer.write(BOM)
    writer.writerow([neutralise(header) for header in table.headers])
    yield _drain(buffer)
    columns = table.columns
    width = len(columns)
    tz = timezone.get_current_timezone()
    last_values, last_cells = (None,) * width, [""] * width
    for row in table.rows:
        values = row.values
        if len(values) != width:
            raise ValueError(f"{len(values)} values for {width} columns")
        # Most cells are text starting with a letter, digit or Chinese character, which
        # `neutralise` leaves as it is: written without a call (a large export's time).
        cells = [
            last_cells[i]
            if value is last_values[i]
            else value
            if value.__class__ is str and value[:1].isalnum()
            else csv_cell(value, columns[i], tz)
            for i, value in enumerate(values)
        ]
        writer.writerow(cells)
        last_values, last_cells = values, cells
        if buffer.tell() >= CHUNK_CHARS:
            yield _drain(buffer)
    rest = _drain(buffer)
    if rest:
        yield rest


def _drain(buffer):
    data = buffer.getvalue().encode("utf-8")
    buffer.seek(0)
    buffer.truncate()
    return data
