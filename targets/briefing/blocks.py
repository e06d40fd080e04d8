"""The blocks a briefing is made of, which both writers render (docx.py, pdf.py),
and the sections other apps add (`ADDENDA`).

Apart from content.py, which draws the charts: an app adding a section (oversight)
imports these at start without loading matplotlib in every process.
"""

from dataclasses import dataclass

# Sections other apps add after "reports outstanding", each a function
# (plan, overview, today) -> [blocks], numbered after the briefing's own: the
# follow-ups (oversight/briefing.py) register here, so the briefing imports no app
# that depends on it.
ADDENDA = []


@dataclass
class Heading:
    level: int  # 1: 一、 (黑体); 2: （一） (楷体)
    text: str
    kind: str = "heading"


@dataclass
class Paragraph:
    text: str
    kind: str = "paragraph"


@dataclass
class Item:
    """An item of a list: "1.【滞后】P1-02 名称" in bold, then the rest."""

    lead: str
    text: str
    status: str
    kind: str = "item"


@dataclass
class Row:
    cells: list
    status: str = ""  # colours the status column, as in the workbook
    total: bool = False


@dataclass
class Table:
    caption: str
    headers: list
    rows: list
    widths: list  # relative column widths (they sum to 100)
    numeric: frozenset = frozenset()  # columns aligned right
    status_column: int | None = None
    page_break_before: bool = False
    kind: str = "table"
