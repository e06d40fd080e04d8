"""The shape of every export: its columns and typed rows (the writers decide how each
type is written: csvfile.py, xlsx.py)."""

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

TEXT, NUMBER, PERCENT = "text", "number", "percent"
SUBTOTAL, TOTAL = "subtotal", "total"


@dataclass(frozen=True)
class Column:
    key: str
    header: Any  # a lazy translation, read in the language of the request
    kind: str = TEXT  # PERCENT cells keep one decimal; others follow their value's type
    width: int = 10  # in characters, for the spreadsheet
    wrap: bool = False  # long text wraps in the spreadsheet


@dataclass
class Row:
    values: tuple
    status: str = ""  # the summary's `Status` value, for the status cell's colour
    kind: str = ""  # "" for an indicator; SUBTOTAL or TOTAL for the meeting workbook's sums


@dataclass
class Table:
    """A file's content: a title, its columns and its rows (an iterable, possibly lazy)."""

    title: str
    columns: tuple
    rows: Iterable[Row]
    sheet_title: str = ""

    @property
    def headers(self) -> list[str]:
        return [str(column.header) for column in self.columns]

    def rows_with_columns(self) -> Iterator[tuple[Row, list]]:
        """(row, [(column, value), …]) for a page that renders the table (the print view)."""
        for row in self.rows:
            yield row, list(zip(self.columns, row.values, strict=True))
