"""summary.xlsx, the meeting workbook: the summary grouped by pillar with subtotals, a
title block, a status legend, and a sheet of counts by pillar (xlsx.py writes it).

Every figure is the dashboard's: the rows come from each `Standing` (as in the
CSV), a pillar's subtotal from its `Progress` and `status_counts`
(targets/models/overview.py), the total from the whole overview's. The overview
is `Plan.overview(quarter).subset(filtered indicators)`, so a filtered workbook
counts only what the filter keeps. The only sums made here are the counts of the
by-pillar sheet's total row, which are sums by definition.
"""

from dataclasses import dataclass, replace
from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext, pgettext

from .. import clock
from ..models import Status
from ..models.indicator import DEFINITION_LABELS
from .base import register
from .summary import (
    COOPERATING_COLUMN,
    ITEMS_COLUMN,
    QUARTER_HEADERS,
    TASK_COLUMN,
    Filtered,
    SummaryLabels,
    shaped_columns,
    summary_values,
)
from .table import NUMBER, PERCENT, SUBTOTAL, TOTAL, Column, Row, Table
from .xlsx import meeting_workbook_bytes

# The summary's columns, narrow and wrapping so that the sheet prints on A4
# landscape fitted to the width at about 80 % (176 units: 10-point text prints at
# 8 points), wide enough for the English words too ("In progress", "Submitted");
# plus the quarter-on-quarter change (环比) after the quarters.
MEETING_COLUMNS = (
    Column("no", gettext_lazy("No."), NUMBER, width=4),
    Column("code", gettext_lazy("Code"), width=6),
    Column("pillar", gettext_lazy("Pillar"), width=10, wrap=True),
    Column("indicator", gettext_lazy("Indicator"), width=17, wrap=True),
    Column("unit", gettext_lazy("Unit"), width=4, wrap=True),
    Column("comparison", gettext_lazy("Comparison"), width=5, wrap=True),
    Column("target", gettext_lazy("Annual target"), NUMBER, width=6),
    *(Column(f"q{q}", header, NUMBER, width=8, wrap=True) for q, header in QUARTER_HEADERS.items()),
    Column("quarter_change", gettext_lazy("Change on the previous quarter"), NUMBER, width=7),
    Column("year_to_date", gettext_lazy("Year to date"), NUMBER, width=7, wrap=True),
    Column("completion", gettext_lazy("Completion (%)"), PERCENT, width=8),
    Column("expected", gettext_lazy("Expected by quarter (%)"), PERCENT, width=8),
    Column("status", gettext_lazy("Status"), width=7, wrap=True),
    Column("lead_section", gettext_lazy("Lead units"), width=9, wrap=True),
    Column("progress", gettext_lazy("Progress"), width=14, wrap=True),
    Column("problems", gettext_lazy("Problems"), width=12, wrap=True),
    Column("next_steps", gettext_lazy("Next steps"), width=12, wrap=True),
    Column("approval_state", gettext_lazy("Approval state"), width=8, wrap=True),
)

PILLAR_COLUMNS = (
    Column("code", gettext_lazy("Code"), width=7),
    Column("pillar", gettext_lazy("Pillar"), width=36, wrap=True),
    Column("indicators", gettext_lazy("Indicators"), NUMBER, width=9),
    *(Column(status.value, status.label, NUMBER, width=9) for status in Status),
    Column("no_status", gettext_lazy("No status"), NUMBER, width=9),
    Column("completion", gettext_lazy("Completion (%)"), PERCENT, width=11),
    Column("expected", gettext_lazy("Expected by quarter (%)"), PERCENT, width=11),
    Column("pace_gap", gettext_lazy("Against pace (points)"), PERCENT, width=11),
    Column("milestones_met", gettext_lazy("Milestones met"), NUMBER, width=11),
    Column("milestones_total", gettext_lazy("Milestones"), NUMBER, width=11),
)

# The definition and source of each indicator (口径说明), on a sheet of their own
# after the others (so the summary's and the pillars' sheets stay as they were).
DEFINITION_COLUMNS = (
    Column("code", gettext_lazy("Code"), width=7),
    Column("indicator", gettext_lazy("Indicator"), width=28, wrap=True),
    Column("definition", DEFINITION_LABELS["definition"], width=36, wrap=True),
    Column("method", DEFINITION_LABELS["method"], width=28, wrap=True),
    Column("data_source", DEFINITION_LABELS["data_source"], width=16, wrap=True),
    Column("frequency", gettext_lazy("Published"), width=12, wrap=True),
    Column("published_on", DEFINITION_LABELS["published_on"], width=12, wrap=True),
    Column("data_contact", DEFINITION_LABELS["data_contact"], width=16, wrap=True),
)


@dataclass
class Meeting:
    """What the meeting workbook holds; xlsx.py decides how it looks."""

    title: str
    sheet_title: str
    made_on: object  # a date
    filters: list  # (label, value) pairs of the filters in force; empty for all
    summary: Table  # indicator rows, a SUBTOTAL row after each pillar, a TOTAL row
    pillars: Table  # one row per pillar and a TOTAL row
    legend: list  # (status value, label), in the order of `Status`
    definitions: Table  # one row per indicator: its definition and source


def meeting(plan, overview, *, made_on, filters, items=None):
    """The meeting workbook of `overview` (a `PlanOverview`, possibly a subset);
    `items` adds the names behind each count as a last column (rows.ITEMS_COLUMN)."""
    quarter = overview.quarter
    columns = shaped_columns(
        MEETING_COLUMNS,
        overview.standings,
        task=replace(TASK_COLUMN, width=8),
        cooperating=replace(COOPERATING_COLUMN, width=8),
    )
    columns = columns if items is None else (*columns, ITEMS_COLUMN)
    return Meeting(
        title=_("%(plan)s — as of Q%(quarter)s") % {"plan": plan.name, "quarter": quarter},
        sheet_title=_("%(year)s Q%(quarter)s") % {"year": plan.year, "quarter": quarter},
        made_on=made_on,
        filters=filters,
        summary=Table(
            title=_("Indicators"),
            columns=columns,
            rows=list(_summary_rows(overview, columns, items or {})),
        ),
        pillars=Table(
            title=_("By pillar"), columns=PILLAR_COLUMNS, rows=list(_pillar_rows(overview))
        ),
        legend=[(status.value, str(status.label)) for status in Status],
        definitions=Table(
            title=_("Definitions and sources"),
            columns=DEFINITION_COLUMNS,
            rows=[_definition_row(s.indicator) for s in overview.standings],
        ),
    )


def _definition_row(indicator):
    values = {
        "code": indicator.code,
        "indicator": indicator.name,
        "frequency": indicator.get_frequency_display(),
        **{key: getattr(indicator, key) for key in DEFINITION_LABELS},
    }
    return Row(values=tuple(values[column.key] for column in DEFINITION_COLUMNS))


def _summary_rows(overview, columns, items):
    labels = SummaryLabels()
    number = 0
    for pillar in overview.pillars:
        for standing in pillar.standings:
            number += 1
            values = summary_values(standing, labels, number=number)
            values["pillar"] = pillar.pillar.short_name  # the code is in the indicator's
            values["quarter_change"] = standing.quarter_change
            values["items"] = items.get(standing.indicator.pk, "")
            if standing.revision is not None:
                # A revised target is said under the name: the sheet keeps its A4 width.
                values["indicator"] = f"{values['indicator']}\n{standing.revision_text}"
            yield Row(
                status=standing.status or "",
                values=tuple(values[column.key] for column in columns),
            )
        count = len(pillar.standings)
        label = ngettext("Subtotal: %(count)s indicator", "Subtotal: %(count)s indicators", count)
        yield _sum_row(
            columns,
            SUBTOTAL,
            pillar.status_counts,
            pillar.progress,
            code=pillar.pillar.code,
            pillar=pillar.pillar.short_name,
            label=label % {"count": count},
        )
    count = len(overview.standings)
    label = ngettext("Total: %(count)s indicator", "Total: %(count)s indicators", count)
    yield _sum_row(
        columns,
        TOTAL,
        overview.status_counts,
        overview.progress,
        code="",
        pillar="",
        label=label % {"count": count},
    )


def _sum_row(columns, kind, status_counts, progress, *, code, pillar, label):
    """A pillar's subtotal (or the total): how many indicators, how many in each status
    (in words, under the label), and the group's completion against expected."""
    separator = pgettext("between the items of a list", ", ")
    counts = separator.join(f"{status.label} {n}" for status, n in status_counts if n)
    values = dict.fromkeys((column.key for column in columns), None)
    values.update(
        code=code,
        pillar=pillar,
        indicator=f"{label}\n{counts}" if counts else label,
        completion=_percent(progress.completion),
        expected=_percent(progress.expected),
    )
    return Row(kind=kind, values=tuple(values[column.key] for column in columns))


def _pillar_rows(overview):
    for pillar in overview.pillars:
        yield _counts_row(
            "", pillar.pillar, pillar.standings, pillar.status_counts, pillar.progress
        )
    yield _counts_row(TOTAL, None, overview.standings, overview.status_counts, overview.progress)


def _counts_row(kind, pillar, standings, status_counts, progress):
    counts = dict(status_counts)
    values = {
        "code": pillar.code if pillar else "",
        "pillar": pillar.name if pillar else _("Total"),
        "indicators": len(standings),
        **{status.value: counts[status] for status in Status},
        "no_status": len(standings) - sum(counts.values()),
        "completion": _percent(progress.completion),
        "expected": _percent(progress.expected),
        "pace_gap": _percent(progress.gap),
        "milestones_met": progress.milestones_met,
        "milestones_total": progress.milestones_total,
    }
    return Row(kind=kind, values=tuple(values[column.key] for column in PILLAR_COLUMNS))


def _percent(fraction):
    """A fraction as the dashboard's percentage, one decimal (0.7333 → 73.3)."""
    return None if fraction is None else (fraction * 100).quantize(Decimal("0.1"))


@register
class MeetingWorkbook(Filtered):
    """The meeting workbook, from the same overview the dashboard shows."""

    name = "summary.xlsx"
    columns = MEETING_COLUMNS

    def content(self):
        made = meeting(
            self.plan,
            self.overview(),
            made_on=clock.today(),
            filters=self.filterset.applied(),
            items=self.items(),
        )
        return meeting_workbook_bytes(made)
