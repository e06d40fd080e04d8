"""The meeting summary as a real workbook (openpyxl, write-only mode).

Numbers are numbers (percentages shown with one decimal), text is text — never a
formula: openpyxl stores any string starting with "=" as a formula, so every text
cell goes through the same `neutralise` as the CSV, and characters XML cannot
carry (NUL and other control characters, which openpyxl refuses) are dropped.
The header row is frozen and filterable, the columns are wide enough to read,
the status cell carries its colour, and the sheet is titled with the plan year
and quarter; it prints on A4 landscape, one page wide, the header on every page.
"""

import datetime
import io
from decimal import Decimal
from unicodedata import east_asian_width

from django.utils.functional import Promise
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.workbook.child import INVALID_TITLE_REGEX
from openpyxl.worksheet.worksheet import Worksheet

from ..palette import STATUS_COLOURS
from .cells import local_datetime, neutralise
from .rows import PERCENT

CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
THIN = Side(style="thin", color="A6A6A6")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
FONT = "Microsoft YaHei"  # Excel and WPS on Chinese Windows; others fall back
PERCENT_FORMAT = "0.0"
STATUS_KEY = "status"
LINE_HEIGHT = 15  # points per line of 11-point text
MAX_ROW_HEIGHT = 409  # Excel's limit
MAX_CELL_CHARS = 32_767  # Excel's limit of characters in a cell
CUT_MARK = "…[cut]"


def safe_text(value):
    """Text as the workbook gets it: neutralised, then without the characters XML
    cannot hold. Safe in this order: `neutralise` also flags a text starting with
    any control character, so "\\x01=1+1" becomes "'=1+1", never "=1+1".

    Narratives are limited well below a cell's 32,767 characters
    (`NARRATIVE_MAX_LENGTH`); should a longer text ever arrive, it is cut with a
    visible mark rather than silently by the spreadsheet.
    """
    text = ILLEGAL_CHARACTERS_RE.sub("", neutralise(value))
    if len(text) > MAX_CELL_CHARS:
        text = text[: MAX_CELL_CHARS - len(CUT_MARK)] + CUT_MARK
    return text


def sheet_title(text):
    """A valid sheet title: no []:*?/\\ and at most 31 characters."""
    return INVALID_TITLE_REGEX.sub(" ", text)[:31] or "Sheet"


def workbook_bytes(table, *, creator="kpitracker"):
    """The table as the bytes of an .xlsx file (small tables: built in memory)."""
    workbook = Workbook(write_only=True)
    workbook.properties.title = table.title
    workbook.properties.creator = creator
    sheet = workbook.create_sheet(title=sheet_title(table.sheet_title or table.title))
    columns = table.columns
    for index, column in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = column.width + 2
    sheet.freeze_panes = "A2"
    sheet.print_title_rows = "1:1"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = Worksheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    # "&" starts a code in print headers (&P page, &N pages): double it in text.
    sheet.oddHeader.center.text = safe_text(table.title).replace("&", "&&")
    sheet.oddFooter.center.text = "&P / &N"

    header_font = Font(name=FONT, bold=True)
    header_alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
    sheet.row_dimensions[1].height = row_height(table.headers, columns, every_column=True)
    header = []
    for text in table.headers:
        cell = WriteOnlyCell(sheet, value=safe_text(text))
        cell.font, cell.fill, cell.alignment, cell.border = (
            header_font,
            HEADER_FILL,
            header_alignment,
            BORDER,
        )
        header.append(cell)
    sheet.append(header)

    styles = _Styles()
    count = 0
    for row in table.rows:
        # Write-only rows take their height before they are written.
        sheet.row_dimensions[count + 2].height = row_height(row.values, columns)
        sheet.append(
            [
                _cell(sheet, value, column, row, styles)
                for value, column in zip(row.values, columns, strict=True)
            ]
        )
        count += 1
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{count + 1}"

    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def row_height(values, columns, *, every_column=False):
    """The height (points) a row needs for its wrapped text, or None for one line.

    Estimated from the text: a Chinese character is two units of column width, a
    Latin one is one. A file that gives no height is not reliably grown on opening
    (LibreOffice shows one clipped line), so the workbook says how tall each row is.
    """
    lines = 1
    for value, column in zip(values, columns, strict=True):
        if (column.wrap or every_column) and isinstance(value, str) and value:
            lines = max(lines, _line_count(value, column.width))
    return None if lines == 1 else min(MAX_ROW_HEIGHT, lines * LINE_HEIGHT + 3)


def _line_count(text, width):
    count = 0
    for line in text.split("\n"):
        units = sum(2 if east_asian_width(c) in "WF" else 1 for c in line)
        count += max(1, -(-units // width))
    return count


def _cell(sheet, value, column, row, styles):
    if isinstance(value, bool):
        raise TypeError("no booleans in exports: say what they mean in words")
    if isinstance(value, str | Promise):
        value = safe_text(str(value)) or None
    elif isinstance(value, datetime.datetime):
        value = local_datetime(value)
    cell = WriteOnlyCell(sheet, value=value)
    cell.font = styles.font
    cell.border = BORDER
    cell.alignment = styles.wrapped if column.wrap else styles.top
    if isinstance(value, Decimal | int) and column.kind == PERCENT:
        cell.number_format = PERCENT_FORMAT
    elif isinstance(value, datetime.datetime):
        cell.number_format = "yyyy-mm-dd hh:mm:ss"
    elif isinstance(value, datetime.date):
        cell.number_format = "yyyy-mm-dd"
    if column.key == STATUS_KEY and row.status in STATUS_COLOURS:
        cell.fill, cell.font = styles.status(row.status)
    return cell


class _Styles:
    """Style objects made once per workbook, not once per cell."""

    def __init__(self):
        self.font = Font(name=FONT)
        self.top = Alignment(vertical="top")
        self.wrapped = Alignment(vertical="top", wrap_text=True)
        self._status = {
            status: (
                PatternFill("solid", fgColor=fill),
                Font(name=FONT, bold=True, color=text),
            )
            for status, (fill, text) in STATUS_COLOURS.items()
        }

    def status(self, status):
        return self._status[status]
