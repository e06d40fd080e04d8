"""What goes in an export — its columns and typed rows — and the meeting summary.

A row holds Python values — `Decimal`/`int` for numbers, `str` for text, `date`
or `datetime`, `None` for "no figure" — and the writers decide how each type is
written (csvfile.py, xlsx.py). Nothing here formats or escapes.

The meeting summary takes every figure and status from `Standing` (the status
rule, standing.py); nothing is recomputed here. The raw reports and the change
history are in raw.py.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..models import QuarterlyReport
from ..models.report import choice_labels

TEXT, NUMBER, PERCENT = "text", "number", "percent"
SUBTOTAL, TOTAL = "subtotal", "total"

COMPARISON_SYMBOLS = {">=": "≥", ">": ">", "<=": "≤", "<": "<"}


@dataclass(frozen=True)
class Column:
    key: str
    header: object  # a lazy translation, read in the language of the request
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
    """An export: a title, its columns and its rows (an iterable, possibly lazy)."""

    title: str
    columns: tuple
    rows: Iterable
    sheet_title: str = ""
    # The same rows as CSV lines written by PostgreSQL, when the table can be read that
    # way: pgcopy.CopySources, parts in order (copyparts.py); the CSV writer then
    # streams them instead of `rows`.
    copy: tuple | None = None

    @property
    def headers(self):
        return [str(column.header) for column in self.columns]

    def rows_with_columns(self):
        """(row, [(column, value), …]) for a page that renders the table (the print view)."""
        for row in self.rows:
            yield row, list(zip(self.columns, row.values, strict=True))


# -- The meeting summary: one row per indicator as of a quarter ----------------

QUARTER_HEADERS = {
    1: gettext_lazy("Q1"),
    2: gettext_lazy("Q2"),
    3: gettext_lazy("Q3"),
    4: gettext_lazy("Q4"),
}

SUMMARY_COLUMNS = (
    Column("no", gettext_lazy("No."), NUMBER, width=5),
    Column("code", gettext_lazy("Code"), width=8),
    Column("pillar", gettext_lazy("Pillar"), width=22, wrap=True),
    Column("indicator", gettext_lazy("Indicator"), width=36, wrap=True),
    Column("unit", gettext_lazy("Unit"), width=6),
    Column("comparison", gettext_lazy("Comparison"), width=10),
    Column("target", gettext_lazy("Annual target"), NUMBER, width=9),
    # Empty unless the target was revised: then "Revised target (originally ≥ 16 …)".
    Column("target_note", gettext_lazy("Target revision"), width=24, wrap=True),
    *(Column(f"q{q}", header, NUMBER, width=10) for q, header in QUARTER_HEADERS.items()),
    Column("year_to_date", gettext_lazy("Year to date"), NUMBER, width=13, wrap=True),
    Column("completion", gettext_lazy("Completion (%)"), PERCENT, width=10),
    Column("expected", gettext_lazy("Expected by quarter (%)"), PERCENT, width=10),
    Column("status", gettext_lazy("Status"), width=11),
    Column("lead_section", gettext_lazy("Lead units"), width=16, wrap=True),
    Column("progress", gettext_lazy("Progress"), width=40, wrap=True),
    Column("problems", gettext_lazy("Problems"), width=30, wrap=True),
    Column("next_steps", gettext_lazy("Next steps"), width=30, wrap=True),
    Column("approval_state", gettext_lazy("Approval state"), width=10),
)


# The option of carrying the names of the items behind each count (the ledger, 台账):
# `?items=1` on the summary downloads adds this last column.
ITEMS_COLUMN = Column("items", gettext_lazy("Items behind the figure (台账)"), width=40, wrap=True)


# Columns a plan has only when it uses them (the 2024 plan has neither): its numbered
# tasks ("第33项", after the pillar) and cooperating units (after the lead units).
TASK_COLUMN = Column("task", gettext_lazy("Task"), width=16, wrap=True)
COOPERATING_COLUMN = Column("cooperating", gettext_lazy("Cooperating units"), width=16, wrap=True)


def shaped_columns(columns, standings, *, task=TASK_COLUMN, cooperating=COOPERATING_COLUMN):
    """`columns` with the task and cooperating units' columns where `standings` use them."""
    indicators = [s.indicator for s in standings]
    extra = {}
    if any(i.task_id for i in indicators):
        extra["pillar"] = task
    if any(i.cooperating for i in indicators):
        extra["lead_section"] = cooperating
    shaped = []
    for column in columns:
        shaped.append(column)
        if column.key in extra:
            shaped.append(extra[column.key])
    return tuple(shaped)


def summary_table(plan, quarter, standings, items=None):
    """The meeting summary of `standings` (one per indicator, in the order given).

    `standings` come from `IndicatorQuerySet.standings(quarter)`, filtered as the
    dashboard filters them (see views/exports.py). `items`: {indicator id: the
    names of the items behind its figure} (ledger.exports.item_names), to add them
    as a last column; None leaves it out.
    """
    standings = list(standings)
    columns = shaped_columns(SUMMARY_COLUMNS, standings)
    columns = columns if items is None else (*columns, ITEMS_COLUMN)
    return Table(
        title=_("%(plan)s — as of Q%(quarter)s") % {"plan": plan.name, "quarter": quarter},
        sheet_title=_("%(year)s Q%(quarter)s") % {"year": plan.year, "quarter": quarter},
        columns=columns,
        rows=summary_rows(standings, columns, items or {}),
    )


def summary_rows(standings, columns=SUMMARY_COLUMNS, items=None):
    """One `Row` per standing, its values in the order of `columns`."""
    labels = SummaryLabels()
    for number, standing in enumerate(standings, start=1):
        values = summary_values(standing, labels, number=number)
        values["items"] = (items or {}).get(standing.indicator.pk, "")
        yield Row(
            status=standing.status or "",
            values=tuple(values[column.key] for column in columns),
        )


class SummaryLabels:
    """The choice labels a summary row shows, read once per export in the active language."""

    def __init__(self):
        self.milestone = choice_labels(QuarterlyReport.MilestoneState)
        self.approval = choice_labels(QuarterlyReport.State)


def summary_values(standing, labels, *, number):
    """The summary's cells of one standing, by column key (the meeting workbook adds its own).

    - Each quarter up to the as-of quarter shows its counted figure (submitted or
      approved), or for a milestone its state; later quarters are empty.
    - Year to date is `Standing.actual` (the sum for a count, the latest figure for
      a level); for a milestone its current state, with the date it was done.
    - The target is the one in force at the quarter's end; when it was revised,
      `target_note` says so ("调整后目标（原目标 ≥ 16 项，2024-07-01 起调整：…）").
    - The narrative is that of the as-of quarter's report, if it counts: a draft
      or a returned report is not shown to the meeting, but its approval state is.
    """
    indicator = standing.indicator
    report = standing.report
    narrative = report if report is not None and report.counts else None
    if indicator.is_milestone:
        not_started = QuarterlyReport.MilestoneState.NOT_STARTED
        quarters = [
            labels.milestone[standing.quarter_values[q] or not_started]
            if q in standing.quarter_values
            else None
            for q in QUARTER_HEADERS
        ]
        year_to_date = str(standing.milestone_state_label)
        if standing.done_on:
            year_to_date = f"{year_to_date} ({standing.done_on.isoformat()})"
    else:
        quarters = [standing.quarter_values.get(q) for q in QUARTER_HEADERS]
        year_to_date = standing.actual
    return {
        "no": number,
        "code": indicator.code,
        "pillar": indicator.pillar.name,
        "indicator": indicator.name,
        "unit": indicator.unit,
        "comparison": COMPARISON_SYMBOLS.get(indicator.comparison, ""),
        # The target in force as of the quarter, as the status uses it.
        "target": standing.target,
        "target_note": standing.revision_text,
        **{f"q{q}": value for q, value in zip(QUARTER_HEADERS, quarters, strict=True)},
        "year_to_date": year_to_date,
        "completion": standing.completion_percent,
        "expected": standing.expected_percent,
        "status": str(standing.status_label),
        "lead_section": indicator.lead_names,
        "cooperating": indicator.cooperating_names,
        "task": f"{indicator.task.numbered} {indicator.task.name}" if indicator.task else "",
        "progress": narrative.progress if narrative else "",
        "problems": narrative.problems if narrative else "",
        "next_steps": narrative.next_steps if narrative else "",
        "approval_state": labels.approval.get(report.state, report.state) if report else "",
    }
