"""Reading an uploaded workbook: read-only, bounded, every cell as text.

openpyxl's read-only mode streams the sheets instead of building the whole workbook
in memory, and `data_only` reads a formula's cached value, never the formula. The
caps below refuse a file that is not a plan before it costs memory: the file's size,
its zip directory (kpitracker.uploads: a zip bomb is refused before any part is
inflated), the rows and columns read per sheet, the length of a cell.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from io import BytesIO

from django.utils.translation import gettext as _
from openpyxl import load_workbook

from kpitracker import uploads

from .columns import SHEETS

MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 1000  # data rows per sheet; a "126" plan has 29 indicators
MAX_COLUMNS = 60
MAX_CELL_CHARS = 2000
# Unpacked, a plan of a few dozen indicators is well under a megabyte; its styles and
# shared strings are the largest parts. Refused from the zip directory alone.
LIMITS = uploads.ZipLimits(unpacked=16 * 1024 * 1024, parts=200, ratio=200)
# openpyxl spends about 0.1 ms on each shared string: a plan has a few hundred.
MAX_SHARED_STRINGS = 5_000


@dataclass
class Problem:
    """Something wrong with the upload: where (sheet, row, column) and what."""

    message: str
    sheet: str = ""  # the sheet's title
    row: int | None = None  # the spreadsheet's row number (the header is row 1)
    column: str = ""  # the column's header

    @property
    def place(self):
        parts = [self.sheet]
        if self.row:
            parts.append(_("row %(row)s") % {"row": self.row})
        if self.column:
            parts.append(self.column)
        return " · ".join(p for p in parts if p)


@dataclass
class Rows:
    """The data rows of one sheet: [(row number, {column key: text})]."""

    sheet: object  # a columns.Sheet
    rows: list = field(default_factory=list)


class UnreadableFile(uploads.Refused):
    """Not a workbook we can read at all; the message says why."""


def cell_text(value):
    """A cell as text: numbers without a trailing ".0", booleans as yes/no."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, datetime.datetime):
        return value.date().isoformat()  # a date cell (完成时限)
    if isinstance(value, float):
        text = format(Decimal(repr(value)).normalize(), "f")
        return text
    if isinstance(value, int):
        return str(value)
    return str(value).strip()


def read(data):
    """({sheet key: Rows}, [Problem]) from the bytes of an upload."""
    if len(data) > MAX_BYTES:
        raise UnreadableFile(
            _("The file is larger than %(mb)s MB: a plan fits in far less.")
            % {"mb": MAX_BYTES // (1024 * 1024)}
        )
    if not data.startswith(b"PK"):
        raise UnreadableFile(
            _("This is not an XLSX workbook: save it as .xlsx with Excel or WPS, then upload it.")
        )
    archive = uploads.check_zip(data, LIMITS, damaged=uploads.damaged_workbook())
    uploads.count_elements(
        archive,
        "xl/sharedStrings.xml",
        b"si",
        MAX_SHARED_STRINGS,
        damaged=uploads.damaged_workbook(),
    )
    # Whatever a damaged or hostile part makes openpyxl or its XML parser raise is the
    # one message of a damaged workbook, never a 500 (issue 23).
    with uploads.reading(uploads.damaged_workbook()):
        return _read_workbook(data)


def _read_workbook(data):
    workbook = load_workbook(BytesIO(data), read_only=True, data_only=True)
    problems, found = [], {}
    try:
        for worksheet in workbook.worksheets:
            sheet = next((s for s in SHEETS if s.matches(worksheet.title)), None)
            if sheet is None or sheet.key in found:
                continue  # instructions, or a sheet of the user's own
            found[sheet.key] = _read_sheet(sheet, worksheet, problems)
    finally:
        workbook.close()
    for sheet in SHEETS:
        if sheet.key not in found:
            problems.append(Problem(_("The sheet is missing."), sheet=sheet.title))
            found[sheet.key] = Rows(sheet)
    return found, problems


def _read_sheet(sheet, worksheet, problems):
    rows = Rows(sheet)
    lines = worksheet.iter_rows(max_row=MAX_ROWS + 2, max_col=MAX_COLUMNS, values_only=True)
    header = next(lines, None) or ()
    keys = []
    for number, text in enumerate(header, start=1):
        column = next((c for c in sheet.columns if c.matches(text)), None)
        if column is None and cell_text(text):
            problems.append(
                Problem(
                    _("Unknown column “%(header)s” (column %(n)s).")
                    % {"header": cell_text(text), "n": number},
                    sheet=sheet.title,
                    row=1,
                )
            )
        keys.append(column.key if column else None)
    for column in sheet.columns:
        if column.required and column.key not in keys:
            problems.append(
                Problem(_("The column is missing."), sheet=sheet.title, row=1, column=column.header)
            )
    for number, values in enumerate(lines, start=2):
        if number > MAX_ROWS + 1:
            problems.append(
                Problem(
                    _("More than %(max)s rows: a plan has far fewer.") % {"max": MAX_ROWS},
                    sheet=sheet.title,
                    row=number,
                )
            )
            break
        texts = {}
        for key, value in zip(keys, values, strict=False):
            if key is None:
                continue
            text = cell_text(value)
            if len(text) > MAX_CELL_CHARS:
                problems.append(
                    Problem(
                        _("Longer than %(max)s characters.") % {"max": MAX_CELL_CHARS},
                        sheet=sheet.title,
                        row=number,
                        column=sheet.column(key).header,
                    )
                )
                text = text[:MAX_CELL_CHARS]
            texts[key] = text
        if any(texts.values()):
            rows.rows.append((number, texts))
    return rows
