"""Reading the meeting workbook back with openpyxl, as the export tests do."""

import io

import openpyxl

from targets.exports.meeting import MEETING_COLUMNS, PILLAR_COLUMNS
from targets.exports.xlsx import MEETING_HEADER_ROW, PILLARS_HEADER_ROW

MEETING_KEYS = [column.key for column in MEETING_COLUMNS]
PILLAR_KEYS = [column.key for column in PILLAR_COLUMNS]


def open_workbook(content):
    return openpyxl.load_workbook(io.BytesIO(content))


def meeting_rows(sheet):
    """Every row under the header of the summary sheet: dicts of cells by column key."""
    for cells in sheet.iter_rows(min_row=MEETING_HEADER_ROW + 1):
        yield dict(zip(MEETING_KEYS, cells, strict=True))


def indicator_rows(sheet):
    """The rows of indicators (numbered), without the subtotals and the total."""
    return [row for row in meeting_rows(sheet) if isinstance(row["no"].value, int)]


def sum_rows(sheet):
    """The subtotal rows and the total row (no number), in order."""
    return [row for row in meeting_rows(sheet) if row["no"].value is None]


def pillar_rows(sheet):
    """The by-pillar sheet's rows under its header, as dicts of values by key."""
    return [
        dict(zip(PILLAR_KEYS, values, strict=True))
        for values in sheet.iter_rows(min_row=PILLARS_HEADER_ROW + 1, values_only=True)
    ]
