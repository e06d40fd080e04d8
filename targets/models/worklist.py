"""What staff have to report, and who has not reported yet.

Both lists are built in a fixed number of queries (indicators with their
reports, and the closed quarters) whatever the size of the plan.
"""

from dataclasses import dataclass
from hashlib import blake2b
from itertools import groupby

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from ..states import ReportState
from .units import unit_names

NOT_STARTED = "not_started"
DONE_EARLIER = "done_earlier"
NOT_DUE = "not_due"


@dataclass
class WorkItem:
    """One indicator's report for one quarter, as staff see it in "my reports"."""

    indicator: object
    quarter: int
    report: object  # None when nothing has been entered
    due: object
    today: object
    closed: bool
    done_in: int | None = None  # a milestone done in an earlier quarter: nothing to report

    @property
    def not_due(self):
        """A figure published half-yearly or once a year has no report due this quarter
        (it may still be entered): never missing, never overdue."""
        return self.report is None and self.quarter not in self.indicator.due_quarters()

    @property
    def state(self):
        if self.report is None and self.done_in:
            return DONE_EARLIER
        if self.not_due:
            return NOT_DUE
        return self.report.state if self.report else NOT_STARTED

    @property
    def state_label(self):
        if self.report is None and self.done_in:
            return _("Done in Q%(q)s") % {"q": self.done_in}
        if self.not_due:
            return _("Not due this quarter (%(frequency)s)") % {
                "frequency": self.indicator.get_frequency_display()
            }
        if self.report is None:
            return _("Not started")
        return self.report.get_state_display()

    @property
    def days_left(self):
        """Days until the due date; negative when overdue."""
        return (self.due - self.today).days

    @property
    def is_outstanding(self):
        """No submitted or approved report yet, not a milestone done earlier, and due."""
        return not (self.report and self.report.counts) and not self.done_in and not self.not_due

    @property
    def is_overdue(self):
        return self.is_outstanding and self.days_left < 0

    @property
    def days_overdue(self):
        return -self.days_left


@dataclass
class SectionWork:
    sections: list  # the lead units (牵头单位) of its indicators; empty: none assigned
    items: list

    @property
    def section(self):
        """The first lead unit (None without any)."""
        return self.sections[0] if self.sections else None

    @property
    def names(self):
        """All its lead units, as official writing joins them ("甲科、乙科")."""
        return unit_names(self.sections)


def _group_by_section(items):
    """By lead units: the indicators of one set of lead sections together (a
    section leading alone, then the same section with others, by the first's code)."""

    def key(item):
        codes = tuple(s.code for s in item.indicator.leads)
        return (not codes, codes)

    return [
        SectionWork(sections=group[0].indicator.leads, items=group)
        for group in (list(g) for _k, g in groupby(sorted(items, key=key), key=key))
    ]


def work_item(plan, indicator, quarter, today, closed=False):
    return WorkItem(
        indicator=indicator,
        quarter=quarter,
        report=indicator.report_for(quarter),
        due=plan.report_due(quarter),
        today=today,
        closed=closed,
        done_in=indicator.done_before(quarter),
    )


def standing_work_item(plan, standing, today):
    """`work_item` of a computed `Standing`, from what it holds (its quarter's report,
    the quarter a milestone was done in): no query, and none of its indicator's other
    reports, which a kept overview lets go (`PillarOverview.add`)."""
    return WorkItem(
        indicator=standing.indicator,
        quarter=standing.quarter,
        report=standing.report,
        due=plan.report_due(standing.quarter),
        today=today,
        closed=False,
        done_in=standing.done_before,
    )


def worklist(plan, indicators, quarters, today):
    """The reports of `indicators` for each of `quarters` (in that order), by lead section."""
    indicators = list(indicators.with_reports())
    if not indicators:
        return []
    closed = plan.closed_quarters()
    items = [
        work_item(plan, indicator, quarter, today, closed=quarter in closed)
        for quarter in quarters
        for indicator in indicators
    ]
    return _group_by_section(items)


def missing_reports(plan, quarter, today):
    """Indicators with no submitted or approved report for `quarter`, by lead section.

    A milestone done in an earlier quarter has nothing left to report.
    """
    items = (
        work_item(plan, indicator, quarter, today) for indicator in plan.indicators.with_reports()
    )
    return _group_by_section([item for item in items if item.is_outstanding])


@dataclass
class ClosingCheck:
    """One line of the checklist shown before a quarter is closed: what is still
    unfinished of one kind, and where to see it."""

    key: str
    label: str
    items: list  # (code or subject, link) pairs, in the plan's order
    url: str = ""

    @property
    def count(self):
        return len(self.items)


# Checks other apps add to the checklist (oversight: its open follow-ups), each a
# function (plan, quarter, today) -> ClosingCheck; targets does not import them.
CLOSING_CHECKS = []


def checklist_seen(checks):
    """A short fingerprint of what the checklist lists (each kind and its items): the
    confirmation carries the one the administrator saw, so a list that has changed
    since (a report submitted, a follow-up opened) is shown again before closing."""
    listed = repr([(check.key, [name for name, _link in check.items]) for check in checks])
    return blake2b(listed.encode(), digest_size=8).hexdigest()


def closing_checklist(plan, quarter, today):
    """What is unfinished in `quarter` before it is closed: reports waiting for review,
    returned, still drafts, and due indicators with none at all — then the checks of
    other apps (`CLOSING_CHECKS`). Closing freezes all of it as it is. Three queries
    for the reports (as `missing_reports`), plus one per added check."""
    kinds = {
        ReportState.SUBMITTED: [],
        ReportState.RETURNED: [],
        ReportState.DRAFT: [],
        NOT_STARTED: [],
    }
    for indicator in plan.indicators.with_reports():
        item = work_item(plan, indicator, quarter, today)
        state = item.state
        if state in kinds:
            link = reverse(
                "targets:report",
                kwargs={"year": plan.year, "code": indicator.code, "quarter": quarter},
            )
            kinds[state].append((indicator.code, link))
    missing_url = reverse("targets:missing_reports", kwargs={"year": plan.year})
    checks = [
        ClosingCheck("submitted", _("Waiting for review"), kinds[ReportState.SUBMITTED]),
        ClosingCheck("returned", _("Returned to the section"), kinds[ReportState.RETURNED]),
        ClosingCheck("draft", _("Drafts, not submitted"), kinds[ReportState.DRAFT]),
        ClosingCheck(
            "missing",
            _("Due, with no report at all"),
            kinds[NOT_STARTED],
            f"{missing_url}?quarter={quarter}",
        ),
    ]
    return checks + [check(plan, quarter, today) for check in CLOSING_CHECKS]
