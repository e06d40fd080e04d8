"""summary.csv: the meeting summary, one row per indicator as of a quarter, with the
dashboard's filters; its rows are also the print view's and the meeting
workbook's (meeting.py).

Every figure and status comes from `Standing` (the status rule, standing.py);
nothing is recomputed here.
"""

from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..filters import IndicatorFilter
from ..ledgers import ledger_app
from ..models import QuarterlyReport
from ..models.report import choice_labels
from .base import Exporter, register
from .table import NUMBER, PERCENT, Column, Row, Table

# Equality (为 X) as the full-width sign: a cell starting with "=" is a formula to a
# spreadsheet (and would be neutralised to "'=").
COMPARISON_SYMBOLS = {">=": "≥", ">": ">", "<=": "≤", "<": "<", "=": "＝"}


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
    names of the items behind its figure} (`Ledger.item_names`, targets/ledgers.py), to add them
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


class Filtered(Exporter):
    """An export of the plan as of `?quarter=`, narrowed by the dashboard's filters
    (same `IndicatorFilter`, same GET parameters): the summary and the meeting workbook.

    A filter value that names nothing (an unknown pillar or section, a misspelt
    status) is an unknown page, like a bad quarter: a file that silently ignored
    it would be taken for the filtered one.
    """

    as_of_quarter = True

    def __init__(self, scope):
        super().__init__(scope)
        self.quarter = scope.quarter
        self.filterset = filterset(scope)

    def overview(self):
        """The plan's overview as of the quarter, restricted to what the filters keep
        (the whole overview, one query fewer, when no filter is applied): the one the
        dashboard keeps for the same state of the data."""
        overview = self.scope.overview(self.quarter)
        return overview.subset(self.filterset.qs) if self.filterset.applied() else overview

    def items(self):
        """With `?items=1`: {indicator id: the names of the ledger items behind its
        counted figures up to the quarter} (one query); otherwise None, and no such
        column. The names come from the ledger (`Ledger.item_names`)."""
        if self.scope.params.get("items") != "1":
            return None
        return ledger_app().item_names(self.filterset.qs, self.quarter)

    def what(self):
        """The quarter and the filters: "Q3", "Q3-P3-at_risk"."""
        parts = (f"Q{self.quarter}", self.filterset.file_name_part())
        return "-".join(part for part in parts if part)


def filterset(scope):
    """The valid `IndicatorFilter` of the scope's request, or 404."""
    found = IndicatorFilter(
        scope.params, queryset=scope.indicators, plan=scope.plan, quarter=scope.quarter
    )
    if not found.is_valid():
        raise Http404(_("Unknown filter: %(errors)s") % {"errors": found.errors.as_text()})
    return found


@register
class SummaryCsv(Filtered):
    name = "summary.csv"
    streamed = False  # one row per indicator
    columns = SUMMARY_COLUMNS  # and ITEMS_COLUMN with ?items=1

    def table(self):
        standings = self.overview().standings
        return summary_table(self.plan, self.quarter, standings, self.items())
