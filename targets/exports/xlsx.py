"""Workbooks (openpyxl): any export table, and the meeting workbook.

Numbers are numbers (percentages shown with one decimal), text is text — never a
formula: openpyxl stores any string starting with "=" as a formula, so every text
cell goes through the same `neutralise` as the CSV, and characters XML cannot
carry (NUL and other control characters, which openpyxl refuses) are dropped.

- `workbook_bytes(table)`: one sheet, write-only: a frozen, filterable header
  row, readable widths, status colours.
- `meeting_workbook_bytes(meeting)`: the summary for the quarterly meeting
  (targets/exports/meeting.py): a title block with the date made, the filter and a
  status legend, pillar subtotals and a total, a sheet of counts by pillar; it
  prints on A4 landscape fitted to the width, the header row on every page.
"""

import datetime
import io
from copy import copy
from decimal import Decimal
from unicodedata import east_asian_width

from django.utils.functional import Promise
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.workbook.child import INVALID_TITLE_REGEX
from openpyxl.worksheet.worksheet import Worksheet

from ..palette import STATUS_COLOURS
from .cells import local_datetime, neutralise
from .table import PERCENT, TOTAL

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
    fit_to_width(sheet, "landscape")
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


def row_height(values, columns, *, every_column=False, line_height=LINE_HEIGHT):
    """The height (points) a row needs for its wrapped text, or None for one line.

    Estimated from the text: a Chinese character is two units of column width, a
    Latin one is one. A file that gives no height is not reliably grown on opening
    (LibreOffice shows one clipped line), so the workbook says how tall each row is.
    """
    lines = 1
    for value, column in zip(values, columns, strict=True):
        if (column.wrap or every_column) and isinstance(value, str | Promise) and value:
            lines = max(lines, _line_count(str(value), column.width))
    return None if lines == 1 else min(MAX_ROW_HEIGHT, lines * line_height + 3)


def _line_count(text, width):
    count = 0
    for line in text.split("\n"):
        units = sum(2 if east_asian_width(c) in "WF" else 1 for c in line)
        count += max(1, -(-units // width))
    return count


def _cell(sheet, value, column, row, styles):
    """A write-only cell holding `value`, styled."""
    return _fill(WriteOnlyCell(sheet), value, column, row, styles)


def _fill(cell, value, column, row, styles):
    """Put `value` in `cell` (write-only or not) with its type's format and style."""
    if isinstance(value, bool):
        raise TypeError("no booleans in exports: say what they mean in words")
    if isinstance(value, str | Promise):
        value = safe_text(str(value)) or None
    elif isinstance(value, datetime.datetime):
        value = local_datetime(value)
    cell.value = value
    number_format = None
    if isinstance(value, Decimal | int) and column.kind == PERCENT:
        number_format = PERCENT_FORMAT
    elif isinstance(value, datetime.datetime):
        number_format = "yyyy-mm-dd hh:mm:ss"
    elif isinstance(value, datetime.date):
        number_format = "yyyy-mm-dd"
    status = row.status if column.key == STATUS_KEY and row.status in STATUS_COLOURS else None
    # A handful of distinct styles in a workbook of thousands of cells: each is made
    # once, then copied (setting font, border and alignment cell by cell looks each up
    # in the workbook's style tables, most of the time of a large meeting workbook).
    key = (column.wrap, number_format, status)
    made = styles.made.get(key)
    if made is not None:
        cell._style = copy(made)
        return cell
    cell.font = styles.font
    cell.border = BORDER
    cell.alignment = styles.wrapped if column.wrap else styles.top
    if number_format:
        cell.number_format = number_format
    if status:
        cell.fill, cell.font = styles.status(status)
    styles.made[key] = copy(cell._style)
    return cell


class _Styles:
    """Style objects made once per workbook, not once per cell."""

    def __init__(self):
        self.made = {}  # (wrapped, number format, status): the style array made once
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


# -- The meeting workbook -------------------------------------------------------

MEETING_FONT_SIZE = 10
MEETING_LINE_HEIGHT = 13.5  # points per line of 10-point text
MEETING_HEADER_ROW = 5  # after the title, the date and filter, the legend, a blank row
PILLARS_HEADER_ROW = 3  # after the title and a blank row
SUBTOTAL_FILL = PatternFill("solid", fgColor="F2F2F2")
TOTAL_FILL = PatternFill("solid", fgColor="DDEBF7")


def meeting_workbook_bytes(meeting, *, creator="kpitracker"):
    """The meeting workbook (targets/exports/meeting.py) as the bytes of an .xlsx file.

    Sheet one: a title block (plan and quarter, date made, filter applied, a status
    legend), then the header and one row per indicator, each pillar closed by its
    subtotal and the whole by a total. Sheet two: counts by pillar. Sheet three: each
    indicator's definition and source (口径说明). All print on
    A4 landscape fitted to the width over as many pages as needed, the header row
    on every page; the first is built narrow enough (meeting.MEETING_COLUMNS) to
    stay readable at that scale. Built in memory (a normal workbook, for merged
    title cells): a summary has one row per indicator, not millions.
    """
    workbook = Workbook()
    workbook.properties.title = meeting.title
    workbook.properties.creator = creator
    styles = _MeetingStyles()

    sheet = workbook.active
    sheet.title = sheet_title(meeting.sheet_title)
    columns = meeting.summary.columns
    _title_block(sheet, meeting, columns, styles)
    _legend(sheet, meeting, columns, styles)
    last = _table(sheet, meeting.summary, MEETING_HEADER_ROW, styles)
    sheet.auto_filter.ref = f"A{MEETING_HEADER_ROW}:{get_column_letter(len(columns))}{last}"

    pillars = workbook.create_sheet(title=sheet_title(str(meeting.pillars.title)))
    _merged_line(pillars, 1, meeting.title, len(meeting.pillars.columns), styles.title)
    _table(pillars, meeting.pillars, PILLARS_HEADER_ROW, styles)

    definitions = workbook.create_sheet(title=sheet_title(str(meeting.definitions.title)))
    _merged_line(definitions, 1, meeting.title, len(meeting.definitions.columns), styles.title)
    _table(definitions, meeting.definitions, PILLARS_HEADER_ROW, styles)

    for each in (sheet, pillars, definitions):
        _print_set_up(each, meeting.title)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _title_block(sheet, meeting, columns, styles):
    _merged_line(sheet, 1, meeting.title, len(columns), styles.title)
    scope = "; ".join(f"{label}: {value}" for label, value in meeting.filters)
    line = _("Made on %(date)s. Filter: %(filter)s.") % {
        "date": meeting.made_on.isoformat(),
        "filter": scope or _("none, every indicator"),
    }
    _merged_line(sheet, 2, line, len(columns), styles.plain)
    sheet.row_dimensions[1].height = 24


def _legend(sheet, meeting, columns, styles):
    """The status words in their colours, in a row of same-width cells (the quarters')."""
    first = next(i for i, c in enumerate(columns, start=1) if c.key == "q1")
    label = sheet.cell(row=3, column=first - 1, value=safe_text(_("Status colours:")))
    label.font, label.alignment = styles.bold, Alignment(horizontal="right", vertical="center")
    legend_columns = columns[first - 1 : first - 1 + len(meeting.legend)]
    for offset, (status, word) in enumerate(meeting.legend):
        cell = sheet.cell(row=3, column=first + offset, value=safe_text(word))
        cell.fill, cell.font = styles.status(status)
        cell.alignment, cell.border = styles.centred, BORDER
    sheet.row_dimensions[3].height = row_height(
        [word for _status, word in meeting.legend],
        legend_columns,
        every_column=True,
        line_height=MEETING_LINE_HEIGHT,
    )


def _merged_line(sheet, row, text, width, font):
    sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=width)
    cell = sheet.cell(row=row, column=1, value=safe_text(text))
    cell.font = font
    cell.alignment = Alignment(vertical="center")


def _table(sheet, table, header_row, styles):
    """Write `table` with its header at `header_row`; return the last row written."""
    columns = table.columns
    for index, column in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    sheet.row_dimensions[header_row].height = row_height(
        table.headers, columns, every_column=True, line_height=MEETING_LINE_HEIGHT
    )
    for index, text in enumerate(table.headers, start=1):
        cell = sheet.cell(row=header_row, column=index, value=safe_text(text))
        cell.font, cell.fill, cell.alignment, cell.border = (
            styles.bold,
            HEADER_FILL,
            styles.header,
            BORDER,
        )
    row_number = header_row
    for row in table.rows:
        row_number += 1
        sheet.row_dimensions[row_number].height = row_height(
            row.values, columns, line_height=MEETING_LINE_HEIGHT
        )
        for index, (value, column) in enumerate(zip(row.values, columns, strict=True), start=1):
            cell = _fill(sheet.cell(row=row_number, column=index), value, column, row, styles)
            if row.kind:
                cell.font = styles.bold
                cell.fill = TOTAL_FILL if row.kind == TOTAL else SUBTOTAL_FILL
    sheet.freeze_panes = f"A{header_row + 1}"
    sheet.print_title_rows = f"{header_row}:{header_row}"
    return row_number


def fit_to_width(sheet, orientation):
    """Printed on A4 in `orientation`, fitted to the page's width over as many pages as
    needed (fitToHeight 0). Also the report template's (report_sheet/template.py)."""
    sheet.page_setup.orientation = orientation
    sheet.page_setup.paperSize = Worksheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True


def _print_set_up(sheet, title):
    """A4 landscape, fitted to the width, centred, with narrow margins."""
    fit_to_width(sheet, "landscape")
    sheet.print_options.horizontalCentered = True
    sheet.page_margins.left = sheet.page_margins.right = 0.4
    sheet.page_margins.top = sheet.page_margins.bottom = 0.6
    sheet.page_margins.header = sheet.page_margins.footer = 0.3
    # "&" starts a code in print headers (&P page, &N pages): double it in text.
    sheet.oddHeader.center.text = safe_text(title).replace("&", "&&")
    sheet.oddFooter.center.text = "&P / &N"


class _MeetingStyles(_Styles):
    """The meeting workbook's styles: 10-point text, so more of it fits the width."""

    def __init__(self):
        super().__init__()
        self.font = Font(name=FONT, size=MEETING_FONT_SIZE)
        self.bold = Font(name=FONT, size=MEETING_FONT_SIZE, bold=True)
        self.plain = Font(name=FONT, size=MEETING_FONT_SIZE + 1)
        self.title = Font(name=FONT, size=14, bold=True)
        self.header = Alignment(wrap_text=True, vertical="center", horizontal="center")
        self.centred = Alignment(wrap_text=True, vertical="center", horizontal="center")
        self._status = {
            status: (
                PatternFill("solid", fgColor=colours[0]),
                Font(name=FONT, size=MEETING_FONT_SIZE, bold=True, color=colours[1]),
            )
            for status, colours in STATUS_COLOURS.items()
        }
