"""The template to download: a section's indicators for one quarter, prefilled.

Each row identifies its report (year, quarter, code, and the version the report
had when the template was made, so a later change by someone else is caught as a
conflict) and says what it is (name, kind, unit, target, the figure so far), then
holds what a person fills, prefilled with what is stored. The XLSX locks everything
but the cells to fill (no password: the protection guards against slips, not
people), greys out the cells a kind does not take, offers the milestone states as a
drop-down list, and carries a sheet of instructions in the active language. The CSV
holds the same columns (UTF-8 with a BOM, so Excel on Windows opens it as such).
Text is written as text: a narrative starting with "=" is neutralised as in the
exports (reader.text_of undoes it).
"""

import csv
import io

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.worksheet.datavalidation import DataValidation

from ..exports.cells import neutralise
from ..exports.xlsx import fit_to_width
from ..ledgers import ledger_app
from ..models import QuarterlyReport
from ..models.report import choice_labels, entry_refusal
from ..plan_sheet.template import header_row
from .columns import FILLED, LEDGER, LEDGER_FILLED, LEDGER_NOTES, NOTES, REPORTS

CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FILL_FILL = PatternFill("solid", fgColor="FFF8DC")  # the cells to fill: light yellow
UNUSED_FILL = PatternFill("solid", fgColor="E7E7E7")  # cells this kind does not take
DATE_FORMAT = "yyyy-mm-dd"


def template_rows(plan, quarter, indicators):
    """[{column key: value}] for the template: one row per indicator (`indicators`
    from `for_standings()`, so no query per row). A report that cannot change now
    (approved, or its quarter closed: `entry_refusal`) has no cell to fill."""
    closed = plan.is_quarter_closed(quarter)
    states = choice_labels(QuarterlyReport.State)
    milestones = choice_labels(QuarterlyReport.MilestoneState)
    rows = []
    for indicator in indicators:
        report = indicator.report_for(quarter)
        before = indicator.standing(quarter - 1).actual if quarter > 1 else None
        in_force = indicator.target_in_force(quarter) if indicator.has_target else None
        row = {
            "year": plan.year,
            "quarter": quarter,
            "code": indicator.code,
            "name": str(indicator.name),
            "kind": str(indicator.get_kind_display()),
            "unit": str(indicator.unit_display),
            "target": in_force.target if in_force else None,
            "ytd": before if indicator.has_figure else None,
            "state": states[report.state] if report else _("not reported"),
            "version": report.version if report else 0,
            "_fields": set() if _locked(plan, report, closed) else _fields(indicator),
        }
        if report:
            row.update(
                {
                    "value": report.value,
                    "milestone_state": milestones.get(report.milestone_state, ""),
                    "done_on": report.done_on,
                    "progress": report.progress,
                    "problems": report.problems,
                    "next_steps": report.next_steps,
                }
            )
        rows.append(row)
    return rows


INSTRUCTIONS_WIDTH = 80
BLANK_LEDGER_ROWS = 30  # open rows for new items under the stored ones


def ledger_rows(plan, quarter, indicators, rows):
    """[{column key: value}] of the ledger sheet: the quarter's stored items of the
    indicators that keep a ledger (one query), or None when none of them does."""
    open_codes = {row["code"] for row in rows if row["_fields"]}
    keeping = [i for i in indicators if i.keeps_ledger]
    if not keeping:
        return None
    entries = (
        ledger_app()
        .entries()
        .filter(indicator__in=keeping, quarter=quarter)
        .select_related("division", "indicator")
        .order_by("indicator__order", "indicator__code", "date", "pk")
    )
    return [
        {
            "code": entry.indicator.code,
            "entry": entry.pk,
            "name": entry.name,
            "date": entry.date,
            "division": str(entry.division.name),
            "document_number": entry.document_number,
            "note": entry.note,
            "_open": entry.indicator.code in open_codes,
        }
        for entry in entries
    ]


def _locked(plan, report, closed):
    if report is None:
        return closed
    return bool(entry_refusal(plan, report, future=False, closed=closed))


def _fields(indicator):
    """The columns this indicator's report form takes (as ReportForm decides them)."""
    narratives = {"progress", "problems", "next_steps", "reason"}
    if indicator.counts_from_ledger:
        return narratives
    if indicator.has_figure:
        return narratives | {"value", "confirm_large"}
    if indicator.is_milestone:
        return narratives | {"milestone_state", "done_on"}
    return narratives


def _cell_value(value):
    if isinstance(value, str):
        return neutralise(value)
    return value


def xlsx_bytes(plan, quarter, section, rows, ledger=None):
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = REPORTS.title
    _header_row(sheet, REPORTS)
    states = [str(label) for _value, label in QuarterlyReport.MilestoneState.choices]
    choice = DataValidation(
        type="list",
        formula1='"' + ",".join(states) + '"',
        allow_blank=True,
        showErrorMessage=True,
        errorTitle=_("Milestone state"),
        error=_("Choose a state from the list."),
    )
    sheet.add_data_validation(choice)
    letters = {c.key: sheet.cell(1, n).column_letter for n, c in enumerate(REPORTS.columns, 1)}
    for number, row in enumerate(rows, start=2):
        sheet.append([_cell_value(row.get(c.key)) for c in REPORTS.columns])
        takes = row["_fields"]
        for key in FILLED:
            cell = sheet[f"{letters[key]}{number}"]
            if key in takes:
                cell.protection = Protection(locked=False)
                cell.fill = FILL_FILL
            else:
                cell.fill = UNUSED_FILL
        for key in ("progress", "problems", "next_steps"):
            sheet[f"{letters[key]}{number}"].alignment = Alignment(wrap_text=True, vertical="top")
        sheet[f"{letters['done_on']}{number}"].number_format = DATE_FORMAT
        if "milestone_state" in takes:
            choice.add(f"{letters['milestone_state']}{number}")
    sheet.freeze_panes = "D2"
    _print_and_protect(sheet)
    if ledger is not None:
        _ledger_sheet(workbook, ledger)
    _instructions(workbook, plan, quarter, section, ledger is not None)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _print_and_protect(sheet):
    """Printed (or saved as PDF) on landscape A4, one page wide, the header on each
    page; locked cells guard the header and the identifying columns (columns and rows
    may still be resized, and no password is set)."""
    fit_to_width(sheet, "landscape")
    sheet.print_title_rows = "1:1"
    sheet.protection.sheet = True
    sheet.protection.formatColumns = False
    sheet.protection.formatRows = False


def _header_row(sheet, columns):
    header_row(sheet, columns)
    sheet.row_dimensions[1].height = 32


def _ledger_sheet(workbook, rows):
    """The ledger items, then open rows for new ones; counties from a list sheet."""
    sheet = workbook.create_sheet(LEDGER.title)
    _header_row(sheet, LEDGER)
    places = workbook.create_sheet(_("Counties and districts"))
    names = [str(d.name) for d in ledger_app().divisions().filter(is_active=True)]
    for name in names:
        places.append([name])
    places.column_dimensions["A"].width = 24
    places.protection.sheet = True
    choice = DataValidation(
        type="list",
        formula1=f"'{places.title}'!$A$1:$A${max(len(names), 1)}",
        allow_blank=True,
        showErrorMessage=True,
        error=_("Choose the county or district from the list."),
    )
    sheet.add_data_validation(choice)
    letters = {c.key: sheet.cell(1, n).column_letter for n, c in enumerate(LEDGER.columns, 1)}
    blank = {"_open": True, "_new": True}
    for number, row in enumerate([*rows, *([blank] * BLANK_LEDGER_ROWS)], start=2):
        sheet.append([_cell_value(row.get(c.key)) for c in LEDGER.columns])
        keys = LEDGER_FILLED + ("confirm_distinct",) + (("code",) if row.get("_new") else ())
        for key in keys:
            cell = sheet[f"{letters[key]}{number}"]
            if row["_open"]:
                cell.protection = Protection(locked=False)
                cell.fill = FILL_FILL
            else:
                cell.fill = UNUSED_FILL
        sheet[f"{letters['date']}{number}"].number_format = DATE_FORMAT
        if row["_open"]:
            choice.add(f"{letters['division']}{number}")
    sheet.freeze_panes = "C2"
    _print_and_protect(sheet)


def _instructions(workbook, plan, quarter, section, with_ledger=False):
    sheet = workbook.create_sheet(_("Instructions"))
    sheet.column_dimensions["A"].width = 28
    sheet.column_dimensions["B"].width = INSTRUCTIONS_WIDTH
    fit_to_width(sheet, "portrait")
    title = _("Reports of Q%(quarter)s %(year)s: template for %(section)s") % {
        "quarter": quarter,
        "year": plan.year,
        "section": section or _("every section"),
    }
    lines = [
        [title],
        [_("Made on"), f"{timezone.localtime():%Y-%m-%d %H:%M}"],
        [],
        [
            _("1."),
            _("Fill in the yellow cells of the first sheet: grey cells do not apply to the kind."),
        ],
        [_("2."), _("Keep the year, quarter, code and version columns as they are.")],
        [
            _("3."),
            _(
                "Upload the file on “Import reports from a spreadsheet” (under My reports): "
                "a preview shows every change and every problem by row and column. "
                "Nothing is saved until you confirm, and then all rows are saved together or none."
            ),
        ],
        [
            _("4."),
            _(
                "Formulas are not read: type figures. Do not hide or merge rows. "
                "A report changed by someone after this template was made is a conflict."
            ),
        ],
        [],
        [_("Column"), _("What goes in it")],
    ]
    for line in lines:
        sheet.append(line)
    sheet["A1"].font = Font(bold=True, size=13)
    sheet.cell(sheet.max_row, 1).font = Font(bold=True)
    sheet.cell(sheet.max_row, 2).font = Font(bold=True)
    for column in REPORTS.columns:
        sheet.append([column.header, str(NOTES.get(column.key, _("for reading only")))])
    if with_ledger:
        sheet.append([])
        sheet.append(
            [
                LEDGER.title,
                _(
                    "The items (台账) behind the figures that are counted from a ledger: "
                    "correct a row, mark it to remove it, or add a row for a new item. "
                    "Items not in the sheet stay as they are; evidence files are added "
                    "on the report's page."
                ),
            ]
        )
        sheet.cell(sheet.max_row, 1).font = Font(bold=True)
        for column in LEDGER.columns:
            sheet.append(
                [column.header, str(LEDGER_NOTES.get(column.key, NOTES.get(column.key, "")))]
            )
    for row in sheet.iter_rows(min_row=4):
        row[1].alignment = Alignment(wrap_text=True, vertical="top")
        row[0].alignment = Alignment(vertical="top")
        _fit_height(sheet, row[1], INSTRUCTIONS_WIDTH)


def _fit_height(sheet, cell, width):
    """A row tall enough for its wrapped text: spreadsheet programs do not all grow a
    row on opening (LibreOffice keeps the default height, so the lines overlap). A
    Chinese character is about two widths of a Latin one."""
    text = str(cell.value or "")
    if not text:
        return
    units = sum(2 if ord(char) > 0x2E7F else 1 for char in text)
    lines = max(1, -(-units // max(width - 2, 1)))
    if lines > 1:
        sheet.row_dimensions[cell.row].height = 15 * lines


def csv_bytes(rows):
    """The same rows as CSV: UTF-8 with a BOM, CRLF line ends, text neutralised."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([c.header for c in REPORTS.columns])
    for row in rows:
        writer.writerow([_csv_value(row.get(c.key)) for c in REPORTS.columns])
    return buffer.getvalue().encode("utf-8-sig")


def _csv_value(value):
    if value is None:
        return ""
    if isinstance(value, str):
        return neutralise(value)
    if hasattr(value, "normalize"):
        return f"{value.normalize():f}"
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value
