"""The rows of an upload, every cell as text, each with its row number.

XLSX: openpyxl in read-only mode streams the sheet (the whole workbook is never
built in memory) and stops at `MAX_ROWS` rows of `MAX_COLUMNS` columns: with the
zip directory checked first (files.py), no upload costs more than that. Formulas
are refused, not evaluated: a workbook written by a tool other than Excel carries
no cached value, and a cached one may be stale, so the figure a person sees is not
necessarily the one stored (decided in docs/decisions.md). Hidden rows and merged
cells are refused too (a hidden row would be imported unseen; a merged cell holds
its text in one row only); read-only mode does not report them, so the sheet's XML
is scanned for them in a second streaming pass.

CSV: UTF-8 with or without a BOM, or GB18030 (a superset of GBK, which older Excel
on Chinese Windows writes), detected in that order or chosen by the person; the
preview says which was used.
"""

import csv
import datetime
import io
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import load_workbook

from kpitracker import uploads

from ..exports.cells import neutralise
from ..plan_sheet.reader import Problem, Rows, UnreadableFile, cell_text
from .columns import LEDGER, REPORTS

NARRATIVES = ("progress", "problems", "next_steps")

MAX_ROWS = 5000  # data rows; a section reports on a few dozen indicators
MAX_COLUMNS = 40
MAX_CELL_CHARS = 20_000  # twice a narrative's limit: the form says the exact one
MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"

ENCODINGS = {
    "utf-8-sig": gettext_lazy("UTF-8 with BOM"),
    "utf-8": gettext_lazy("UTF-8"),
    "gb18030": gettext_lazy("GB18030 (GBK)"),
    "utf-16": gettext_lazy("UTF-16 (Excel's “Unicode text”)"),
}
UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")


@dataclass
class Sheet:
    """What the upload holds: the report rows, every problem, how it was read."""

    rows: Rows = field(default_factory=lambda: Rows(REPORTS))
    ledger: Rows = field(default_factory=lambda: Rows(LEDGER))  # XLSX only
    problems: list = field(default_factory=list)
    kind: str = "xlsx"
    encoding: str = ""  # CSV only: a key of ENCODINGS

    @property
    def encoding_label(self):
        return ENCODINGS.get(self.encoding, "")


def text_of(value, key=""):
    """A cell's value as the text a form field would receive (narratives as written,
    other cells without the spaces around them)."""
    if isinstance(value, datetime.datetime):
        if value.time() == datetime.time(0):
            return value.date().isoformat()  # a date cell (XLSX stores dates as date-times)
        return value.isoformat(sep=" ")
    if isinstance(value, datetime.date):
        return value.isoformat()
    text = str(value) if key in NARRATIVES and isinstance(value, str) else cell_text(value)
    # Undo the export's neutralising quote ("'=1+1" was written for "=1+1").
    if text.startswith("'") and neutralise(text[1:]) == text:
        text = text[1:]
    return text


def read(upload, encoding="auto"):
    """A `Sheet` from a `files.Upload`; UnreadableFile when it cannot be read at all."""
    if upload.kind == "xlsx":
        return _read_xlsx(upload.data)
    return _read_csv(upload.data, encoding)


class _Header:
    def __init__(self, sheet, problems, columns=REPORTS):
        self.sheet, self.problems, self.keys = sheet, problems, []
        self.columns = columns

    def read(self, cells):
        seen = set()
        for number, value in enumerate(cells, start=1):
            text = text_of(value)
            column = next((c for c in self.columns.columns if c.matches(text)), None)
            if column is None and text:
                self._problem(
                    _("Unknown column “%(header)s” (column %(n)s).") % {"header": text, "n": number}
                )
            elif column is not None and column.key in seen:
                self._problem(_("The column “%(header)s” is there twice.") % {"header": text})
                column = None
            if column is not None:
                seen.add(column.key)
            self.keys.append(column.key if column else None)
        for column in self.columns.columns:
            if column.required and column.key not in seen:
                self.problems.append(
                    Problem(
                        _("The column is missing (or was renamed)."),
                        sheet=self.sheet,
                        row=1,
                        column=column.header,
                    )
                )

    def _problem(self, message):
        self.problems.append(Problem(message, sheet=self.sheet, row=1))

    @property
    def complete(self):
        return not any(p.row == 1 and p.sheet == self.sheet for p in self.problems)


def _cell(result, number, key, text, columns=REPORTS):
    if len(text) > MAX_CELL_CHARS:
        result.problems.append(
            Problem(
                _("Longer than %(max)s characters.") % {"max": f"{MAX_CELL_CHARS:,}"},
                sheet=columns.title,
                row=number,
                column=columns.column(key).header,
            )
        )
        return text[:MAX_CELL_CHARS]
    return text


def _too_many_rows(result, number, columns=REPORTS):
    result.problems.append(
        Problem(
            _("More than %(max)s rows: split the file.") % {"max": f"{MAX_ROWS:,}"},
            sheet=columns.title,
            row=number,
        )
    )


def _read_xlsx(data):
    """The workbook's two sheets. Its zip directory passed the gate already
    (files.classify); whatever a damaged or hostile part makes openpyxl or the XML
    parser raise is the one message of a damaged workbook (uploads.reading)."""
    with uploads.reading(uploads.damaged_workbook()):
        return _read_workbook(data)


def _read_workbook(data):
    result = Sheet(kind="xlsx")
    workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    try:
        sheets = workbook.worksheets
        reports = next((w for w in sheets if REPORTS.matches(w.title)), sheets[0])
        result.rows = _read_worksheet(workbook, reports, REPORTS, result)
        ledger = next((w for w in sheets if LEDGER.matches(w.title)), None)
        if ledger is not None and ledger is not reports:
            result.ledger = _read_worksheet(workbook, ledger, LEDGER, result)
    finally:
        workbook.close()
    return result


def _read_worksheet(workbook, worksheet, columns, result):
    """The data rows of one sheet, its problems added to `result`."""
    title = worksheet.title
    rows = Rows(columns)
    lines = worksheet.iter_rows(max_row=MAX_ROWS + 2, max_col=MAX_COLUMNS)
    header = _Header(title, result.problems, columns)
    header.read([cell.value for cell in next(lines, ())])
    if not header.complete:
        return rows
    for number, cells in enumerate(lines, start=2):
        if number > MAX_ROWS + 1:
            _too_many_rows(result, number, columns)
            break
        texts = {}
        for key, cell in zip(header.keys, cells, strict=False):
            if key is None:
                continue
            if getattr(cell, "data_type", "") == "f":
                result.problems.append(
                    Problem(
                        _("A formula (%(formula)s): formulas are not read. Type the figure itself.")
                        % {"formula": str(cell.value)[:60]},
                        sheet=title,
                        row=number,
                        column=columns.column(key).header,
                    )
                )
                continue
            texts[key] = _cell(result, number, key, text_of(cell.value, key), columns)
        if any(texts.values()):
            rows.rows.append((number, texts))
    _hidden_and_merged(workbook, worksheet, title, result.problems)
    return rows


def _hidden_and_merged(workbook, worksheet, title, problems):
    """Hidden rows and merged cells, from the sheet's XML (read-only mode has neither)."""
    path = getattr(worksheet, "_worksheet_path", None)
    if path is None:  # openpyxl's private attribute moved: refuse rather than miss them
        raise UnreadableFile(_("The workbook could not be checked for hidden rows."))
    # defusedxml: no entity is declared, expanded or fetched.
    with workbook._archive.open(path) as stream:
        for _event, element in uploads.iterparse(stream):
            if element.tag == f"{MAIN}row":
                if element.get("hidden") in ("1", "true"):
                    problems.append(
                        Problem(
                            _("The row is hidden: show it or delete it, then upload again."),
                            sheet=title,
                            row=int(element.get("r", 0)) or None,
                        )
                    )
                element.clear()
            elif element.tag == f"{MAIN}mergeCell":
                ref = element.get("ref", "")
                first = "".join(c for c in ref.split(":")[0] if c.isdigit())
                problems.append(
                    Problem(
                        _("Cells %(ref)s are merged: unmerge them, then upload again.")
                        % {"ref": ref},
                        sheet=title,
                        row=int(first) if first else None,
                    )
                )


def decode(data, encoding="auto"):
    """(text, encoding key) of CSV bytes; UnreadableFile if they do not decode."""
    if data.startswith(UTF16_BOMS):
        encoding = "utf-16"  # the byte order mark says so, whatever was chosen
    elif encoding == "auto":
        if data.startswith(b"\xef\xbb\xbf"):
            encoding = "utf-8-sig"
        else:
            try:
                return data.decode("utf-8"), "utf-8"
            except UnicodeDecodeError:
                encoding = "gb18030"
    elif encoding == "utf-8" and data.startswith(b"\xef\xbb\xbf"):
        encoding = "utf-8-sig"
    try:
        return data.decode(encoding), encoding
    except UnicodeDecodeError:
        raise UnreadableFile(
            _(
                "The file is not %(encoding)s text. If it is a CSV, choose its encoding "
                "(UTF-8 or GB18030/GBK); otherwise upload the .xlsx template."
            )
            % {"encoding": ENCODINGS[encoding]}
        ) from None


def _read_csv(data, encoding):
    text, used = decode(data, encoding)
    result = Sheet(kind="csv", encoding=used)
    title = REPORTS.title
    # Excel's "Unicode text" (UTF-16) separates cells by tabs: a header line with tabs
    # and no comma is read so, whatever the encoding.
    header_line = text.split("\n", 1)[0]
    delimiter = "\t" if "\t" in header_line and "," not in header_line else ","
    lines = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = _Header(title, result.problems)
        header.read(next(lines, []))
        if not header.complete:
            return result
        for number, cells in enumerate(lines, start=2):
            if number > MAX_ROWS + 1:
                _too_many_rows(result, number)
                break
            texts = {
                key: _cell(result, number, key, text_of(value, key))
                for key, value in zip(header.keys, cells[:MAX_COLUMNS], strict=False)
                if key is not None
            }
            if any(texts.values()):
                result.rows.rows.append((number, texts))
    except csv.Error as error:
        raise UnreadableFile(
            _("This is not a readable CSV file (%(error)s).") % {"error": error}
        ) from None
    return result
