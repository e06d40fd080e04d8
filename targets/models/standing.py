"""The status rule: how quarterly reports turn into "how is this indicator doing".

Every page, export and test goes through `compute_standing` (via
`Indicator.standing(quarter)`), so the rule lives in one place. The README
("How status is computed") explains each case with a worked example.

A target revised during the year: the status as of a quarter is measured against
the target in force on that quarter's last day (`target_in_force`), so a revision
never changes the status of a quarter that ended before it took effect.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_FLOOR, Decimal
from typing import TYPE_CHECKING, Any, Protocol

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ..states import MilestoneState
from . import wording

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

    from .indicator import Indicator
    from .report import QuarterlyReport

ONE = Decimal(1)
ZERO = Decimal(0)


class Status(models.TextChoices):
    MET = "met", _("Met")
    ON_TRACK = "on_track", _("On track")
    AT_RISK = "at_risk", _("At risk")
    BEHIND = "behind", _("Behind")
    NOT_REPORTED = "not_reported", _("Not reported")


# Worst first, for sorting tables by status (see Standing.severity).
_SEVERITY: dict[str | None, int] = {
    Status.BEHIND: 0,
    Status.AT_RISK: 1,
    Status.NOT_REPORTED: 2,
    Status.ON_TRACK: 3,
    Status.MET: 4,
}


class _Revision(Protocol):
    """What `target_in_force` reads of a revision (a TargetRevision, or a test's)."""

    @property
    def effective_from(self) -> date: ...
    @property
    def recorded(self) -> Any: ...  # a sort key: which of two came later
    @property
    def target(self) -> Decimal: ...


def severity(status: str | None) -> int:
    """Sort key of a status for "worst first": behind, at risk, not reported, on track,
    met, none."""
    return _SEVERITY.get(status, len(_SEVERITY))


@dataclass(frozen=True)
class TargetInForce:
    """The target an indicator is measured against as of one day.

    `target` is the original (`Indicator.target`) unless a revision took effect by
    then; `revision` is that revision (None: the original is in force), and
    `original` the plan's target, always kept.
    """

    target: Decimal | None
    original: Decimal | None = None
    revision: _Revision | None = None  # a TargetRevision, or a test's stand-in

    @property
    def is_revised(self) -> bool:
        return self.revision is not None


def target_in_force(
    original: Decimal | None, revisions: Iterable[_Revision], on: date
) -> TargetInForce:
    """The target in force on `on` (a date): the latest revision effective by that
    day — of two with the same effective date, the one recorded later — else the
    original.

    `revisions`: objects with `effective_from` (a date), `recorded` (a sort key
    saying which came later) and `target`, in any order. Pure: no query.
    """
    latest = None
    for revision in revisions:
        if revision.effective_from > on:
            continue
        if latest is None or (revision.effective_from, revision.recorded) > (
            latest.effective_from,
            latest.recorded,
        ):
            latest = revision
    if latest is None:
        return TargetInForce(target=original, original=original)
    return TargetInForce(target=latest.target, original=original, revision=latest)


@dataclass(slots=True)
class Standing:
    """An indicator as of the end of one quarter (all fractions, not percent)."""

    indicator: Indicator
    quarter: int
    # The target it is measured against (the one in force at the quarter's end);
    # see `compute_standing`. Read the target from here, never from the indicator.
    in_force: TargetInForce = field(default_factory=lambda: TargetInForce(None))
    status: str | None = None
    actual: Decimal | None = None  # year-to-date (count) or latest figure (level)
    completion: Decimal | None = None  # actual / target; see `_ratio` for <= and <
    expected: Decimal | None = None  # pacing share for the quarter
    change: Decimal | None = None  # monitored figures: actual - last year's
    milestone_state: str = ""
    done_on: date | None = None
    quarter_values: dict[int, Any] = field(default_factory=dict)  # {quarter: figure or state}
    report: QuarterlyReport | None = None  # the report of `quarter` itself, if any
    # A milestone done in an earlier quarter: since which (`done_before`); it has
    # nothing left to report for `quarter` (the pages' 未报送, overview._due).
    done_before: int | None = None
    pending_approval: bool = False  # a counted figure is submitted but not yet approved
    problems: str = ""  # 存在问题 of the latest counted report up to `quarter` that has any
    # What the kind of target adds (README "How status is computed"):
    paced: bool = False  # measured against a pace (a count, a level with a baseline)
    start: Decimal | None = None  # the figure a paced level or rate starts from
    expected_value: Decimal | None = None  # where a paced level should be by now
    figure: Decimal | None = None  # a growth's own figure (`actual` is then the growth %)
    not_yet_due: bool = False  # published half-yearly or yearly: no period ended yet
    stretch_met: bool | None = None  # the stretch target (力争) met; None without one
    final_completion: Decimal | None = None  # progress toward the final-year target

    @property
    def status_label(self) -> StrOrPromise:
        return Status(self.status).label if self.status else ""

    @property
    def target(self) -> Decimal | None:
        """The target in force as of the quarter (the revised one, if revised)."""
        return self.in_force.target

    @property
    def revision(self) -> _Revision | None:
        """The revision in force as of the quarter, or None (the original target)."""
        return self.in_force.revision

    @property
    def target_display(self) -> str:
        """ "≥ 14": the comparison and the target in force."""
        return wording.target_display(self.indicator.comparison, self.target)

    @property
    def target_with_unit(self) -> str:
        """ "≥ 14 项": the target in force with its unit ("" without a target)."""
        return wording.target_with_unit(self.indicator, self.target)

    @property
    def revision_note(self) -> str:
        """ "原目标 ≥ 16 项，2024-07-01 起调整：reason" for a revised target, else ""."""
        return wording.revision_note(self)

    @property
    def revision_text(self) -> str:
        """ "调整后目标（原目标 ≥ 16 项，2024-07-01 起调整：reason）", or ""."""
        return wording.revision_text(self)

    @property
    def target_label(self) -> str:
        """ "Annual target" (年度目标), or "Revised target" (调整后目标) when revised."""
        return wording.target_label(self)

    @property
    def milestone_state_label(self) -> StrOrPromise:
        if not self.milestone_state:
            return MilestoneState.NOT_STARTED.label
        return MilestoneState(self.milestone_state).label

    @property
    def completion_percent(self) -> Decimal | None:
        return None if self.completion is None else (self.completion * 100).quantize(Decimal("0.1"))

    @property
    def expected_percent(self) -> Decimal | None:
        return None if self.expected is None else (self.expected * 100).quantize(Decimal("0.1"))

    @property
    def severity(self) -> int:
        """Sort key for "worst first": see `severity`."""
        return severity(self.status)

    @property
    def pace_gap(self) -> Decimal | None:
        """How far ahead (+) or behind (-) the expected pace, as a fraction; None without both.

        For a ceiling on a sum, completion is the share of the ceiling used, so
        using less than expected is ahead.
        """
        if self.completion is None or self.expected is None:
            return None
        if self.indicator.measure == "flow" and not self.indicator.higher_is_better:
            return self.expected - self.completion
        return self.completion - self.expected

    @property
    def quarter_change(self) -> Decimal | None:
        """The quarter's figure less the previous quarter's (环比), in the unit.

        For a count, the quarter's own figure against the previous quarter's own;
        for a level or a monitored figure, the figure at the quarter's end against
        the previous quarter's end. None in Q1 (no previous quarter in the plan's
        year), when either figure is missing, and for milestones (states).
        """
        now, before = (
            self.quarter_values.get(self.quarter),
            self.quarter_values.get(self.quarter - 1),
        )
        if not isinstance(now, Decimal) or not isinstance(before, Decimal):
            return None
        return now - before

    @property
    def projection(self) -> Decimal | None:
        """A count's year-end total if the rest of the year keeps the pace so far.

        The pace so far is the year-to-date against the share of the year's work
        the indicator's pacing expects by its latest reported quarter (25/50/75 %
        by default: a straight line), so a count on track projects to at least its
        target and one behind to less, in step with the status rule. Quarters not
        yet reported are not counted as zeros; a missing quarter in the middle is
        (its figure is not in the year-to-date). Rounded down to a whole number
        when the figures and target are whole (12.7 institutions is 12), else to
        one decimal. None for other kinds, before any figure, and as of Q4, when
        the year's figure is known.
        """
        kind, actual, start = self.indicator.kind, self.actual, self.start
        paced_level = kind in ("level", "rate") and self.paced and start is not None
        if (kind != "count" and not paced_level) or not self.quarter_values or actual is None:
            return None
        if self.quarter == 4 or self.not_yet_due:
            return None
        share: Decimal = self.indicator.expected_share(max(self.quarter_values))
        if share == 0:
            return None
        whole = all(
            v == v.to_integral_value() for v in (*self.quarter_values.values(), self.target)
        )
        step = ONE if whole else Decimal("0.1")
        if paced_level and start is not None:
            # A level keeps the gain it made so far at the same rate to the year end.
            return (start + (actual - start) / share).quantize(step, rounding=ROUND_FLOOR)
        return (actual / share).quantize(step, rounding=ROUND_FLOOR)

    @property
    def projection_meets_target(self) -> bool | None:
        """Whether the projection (as shown, rounded) satisfies the target's comparison."""
        if self.projection is None:
            return None
        return satisfies(self.projection, self.indicator.comparison, self.target)

    # --- In words (wording.py): the same sentences on every page and export -----

    @property
    def actual_label(self) -> str:
        """ "Year to date" (累计完成) for a sum, "Current value" (当前值) for a stock."""
        return wording.actual_label(self.indicator)

    @property
    def shortfall(self) -> Decimal | None:
        """What is still missing to meet a floor (>=, >), in the unit; None once met,
        before any figure, for a ceiling and for kinds without a target."""
        return wording.shortfall(self)

    @property
    def overrun(self) -> Decimal | None:
        """By how much a ceiling (<=, <) is crossed, in the unit; None while it holds."""
        return wording.overrun(self)

    @property
    def gap_text(self) -> str:
        """ "3 institutions short; 5.0 points behind the expected pace" and the like."""
        return wording.gap_text(self)

    @property
    def pace_text(self) -> str:
        """ "5.0 points behind the expected pace" and the like; "" without a pace."""
        return wording.pace_text(self)

    @property
    def target_text(self) -> str:
        """ "> 100 people: now 100; 1 person short (not met)" and the like."""
        return wording.target_text(self)

    @property
    def actual_text(self) -> str:
        """The figure compared with the target, in its unit ("6,120 家"; a growth "12.5%")."""
        return "" if self.actual is None else wording.measured_text(self.indicator, self.actual)

    @property
    def expected_text(self) -> str:
        """ "expected by now: 6,250 家 (from 6,000 家)" for a level paced from its baseline."""
        return wording.expected_text(self)

    @property
    def pace_note(self) -> str:
        """Why an indicator with a target has no pace ("" when it has one)."""
        return wording.pace_note(self)

    @property
    def stretch_text(self) -> str:
        """The stretch target beside the floor: 达成确保目标 / 达成力争目标; "" without."""
        return wording.stretch_text(self)

    @property
    def stretch_with_unit(self) -> str:
        """The stretch target (力争) as leaders read it: "≥ 12 家"; "" without one."""
        return wording.target_with_unit(self.indicator, self.indicator.stretch_target)

    @property
    def final_text(self) -> str:
        """Progress toward the final-year target (到2027年…); "" without one."""
        return wording.final_text(self)

    @property
    def last_year_text(self) -> str:
        """A monitored figure against last year's, saying what it compares."""
        return wording.last_year_text(self)


def satisfies(actual: Decimal, comparison: str, target: Decimal | None) -> bool:
    if target is None:  # as comparing with None would: a kind with a target has one
        raise TypeError("no target to compare with")
    return {
        ">=": actual >= target,
        ">": actual > target,
        "<=": actual <= target,
        "<": actual < target,
        "=": actual == target,
    }[comparison]


def growth_percent(figure: Decimal | None, base: Decimal | None) -> Decimal | None:
    """The growth of `figure` over `base`, in per cent: 115 over 100 -> 15."""
    if figure is None or not base:
        return None
    return (figure - base) / base * 100


def _ratio(actual: Decimal, target: Decimal, higher_is_better: bool) -> Decimal:
    """Completion: how far along the target is, as a fraction.

    Higher is better: actual / target. Lower is better (a ceiling): the share of
    the ceiling used, actual / target — the caller reads it the other way round.
    A target of zero gives 1 when the comparison holds, else 0.
    """
    if target == 0:
        return ONE if actual == 0 or higher_is_better else ZERO
    return actual / target


def compute_standing(
    indicator: Indicator,
    reports: Iterable[QuarterlyReport],
    quarter: int,
    tolerance: Decimal | None = None,
    in_force: TargetInForce | None = None,
) -> Standing:
    """Apply the status rule to `indicator` as of the end of `quarter`.

    `reports` are the indicator's reports (any state); only submitted and
    approved ones count. `in_force`: the target in force at the quarter's end
    (`target_in_force`); None: the indicator's own target, never revised.
    """
    if tolerance is None:
        tolerance = settings.KPI_AT_RISK_TOLERANCE / Decimal(100)
    if in_force is None:
        in_force = TargetInForce(target=indicator.target, original=indicator.target)
    counted = {r.quarter: r for r in reports if r.counts and r.quarter <= quarter}
    standing = Standing(
        indicator=indicator,
        quarter=quarter,
        in_force=in_force,
        report=next((r for r in reports if r.quarter == quarter), None),
        pending_approval=any(r.state == "submitted" for r in counted.values()),
        problems=_latest_problems(counted),
        done_before=done_before(reports, quarter),
    )
    kind = indicator.kind

    if kind == "milestone":
        return _milestone(indicator, counted, quarter, standing)
    if kind == "qualitative":
        return _owed(indicator, standing)

    values = {q: r.value for q, r in sorted(counted.items()) if r.value is not None}
    standing.quarter_values = values
    if values:
        standing.actual = (
            sum(values.values(), ZERO) if indicator.measure == "flow" else values[max(values)]
        )

    if kind == "monitor":
        if standing.actual is not None and indicator.last_year_value is not None:
            standing.change = standing.actual - indicator.last_year_value
        return _owed(indicator, standing)

    if kind == "growth":
        # The target is a growth in per cent: computed from the figure and the base,
        # or reported as a rate itself.
        standing.figure = standing.actual
        if indicator.growth_from != "rate":
            standing.actual = growth_percent(standing.actual, indicator.growth_base)

    # Published half-yearly or once a year: before its first period ends there is
    # nothing to report (not "not reported"); afterwards its latest due figure counts.
    due = [q for q in indicator.due_quarters() if q <= quarter]
    if not due:
        standing.not_yet_due = True
        return standing
    reported = max(due) in values

    if indicator.stretch_target is not None and standing.actual is not None:
        standing.stretch_met = satisfies(
            standing.actual, indicator.comparison or ">=", indicator.stretch_target
        )
    _final_progress(indicator, standing)

    if kind == "count":
        _count_status(indicator, standing, reported, tolerance)
    else:
        _latest_figure_status(indicator, standing, reported, tolerance)
    return standing


def done_before(reports: Iterable[QuarterlyReport], quarter: int) -> int | None:
    """The quarter since which a milestone has been done, if before `quarter`, from its
    `reports` (any state, any order).

    A milestone done in an earlier quarter has nothing left to report. Like the
    status rule, it follows the latest counted report: a later "in progress" (a
    correction) undoes an earlier "done".
    """
    done_since = None
    for report in sorted(reports, key=lambda r: r.quarter):
        if report.quarter >= quarter or not report.counts:
            continue
        done_since = (done_since or report.quarter) if report.is_done else None
    return done_since


def _latest_problems(counted: Mapping[int, QuarterlyReport]) -> str:
    """存在问题 of the latest counted report that has any ("" when none has)."""
    return next(
        (counted[q].problems for q in sorted(counted, reverse=True) if counted[q].problems.strip()),
        "",
    )


def _count_status(
    indicator: Indicator, standing: Standing, reported: bool, tolerance: Decimal
) -> None:
    """A flow: the year to date against the pace (unchanged since the first plan)."""
    standing.paced = True
    standing.expected = indicator.expected_share(standing.quarter)
    if standing.actual is not None:
        standing.completion = _ratio(
            standing.actual, _known(standing.target), indicator.higher_is_better
        )
    if indicator.higher_is_better:
        standing.status = _status_higher_is_better(indicator, standing, reported, tolerance)
    else:
        standing.status = _status_lower_is_better(indicator, standing, reported, tolerance)


def _latest_figure_status(
    indicator: Indicator, standing: Standing, reported: bool, tolerance: Decimal
) -> None:
    """A level, a rate or a growth: the latest figure, paced from its baseline when it
    climbs toward a floor, else compared directly with the target."""
    kind, target = indicator.kind, standing.target
    start = indicator.pacing_start
    paced = (
        indicator.comparison in (">=", ">")
        and start is not None
        and start < target
        and (kind == "level" or (kind == "rate" and indicator.climbs))
    )
    if paced:
        # From the baseline toward the target: expected by q = start + (target -
        # start) x pace share; completion = (actual - start) / (target - start).
        standing.paced = True
        standing.start = start
        standing.expected = indicator.expected_share(standing.quarter)
        standing.expected_value = start + (target - start) * standing.expected
        if standing.actual is not None:
            standing.completion = (standing.actual - start) / (target - start)
        standing.status = _status_higher_is_better(indicator, standing, reported, tolerance)
        return
    # Compared directly with the target: no accumulation and no pace.
    if standing.actual is not None and indicator.higher_is_better and target:
        standing.completion = standing.actual / target
    standing.status = _status_direct(indicator, standing, reported, tolerance)


def _known[T](value: T | None) -> T:
    """A figure the rule's path has set (a count reported has a figure, a kind with a
    target has one): a TypeError otherwise, as arithmetic on None would raise."""
    if value is None:
        raise TypeError("the status rule reached a figure that is not set")
    return value


def _owed(indicator: Indicator, s: Standing) -> Standing:
    """An indicator with no measured status (qualitative, monitored) still owes its
    report for a quarter it reports in: without a counted one it is 未报送, as the
    pages count it, so its row, its filter and the counts say the same."""
    if s.quarter in indicator.due_quarters() and not (s.report and s.report.counts):
        s.status = Status.NOT_REPORTED
    return s


def _final_progress(indicator: Indicator, s: Standing) -> None:
    """Progress toward a final-year target (到2027年…), from the baseline if known."""
    final, actual = indicator.final_target, s.actual
    if final is None or actual is None:
        return
    base = indicator.baseline if indicator.baseline is not None else ZERO
    if final == base:
        s.final_completion = ONE if satisfies(actual, indicator.comparison, final) else ZERO
    else:
        s.final_completion = (actual - base) / (final - base)


def _status_direct(indicator: Indicator, s: Standing, reported: bool, tolerance: Decimal) -> Status:
    """A figure compared with the target as it is: met, else at risk when it is off
    by less than the tolerance (relative to the target), else behind."""
    if not reported:
        return Status.NOT_REPORTED
    actual, target = _known(s.actual), s.target
    if satisfies(actual, indicator.comparison, target):
        return Status.MET
    if not target:
        return Status.BEHIND
    off = abs(actual - target) / abs(target)
    return Status.AT_RISK if off < tolerance else Status.BEHIND


def _status_higher_is_better(
    indicator: Indicator, s: Standing, reported: bool, tolerance: Decimal
) -> Status:
    met = s.actual is not None and satisfies(s.actual, indicator.comparison, s.target)
    if not reported:
        # Quarterly counts never go down, so a count that has reached its target
        # stays met even before this quarter's figure arrives; a level may fall.
        return Status.MET if met and indicator.measure == "flow" else Status.NOT_REPORTED
    if met:
        return Status.MET
    expected = _known(s.expected)
    shortfall = expected - _known(s.completion)
    # At full pace (year end) anything short of the target is not "on track":
    # exactly 100 against "> 100" is at risk, not on track.
    if shortfall <= 0 and expected < ONE:
        return Status.ON_TRACK
    return Status.AT_RISK if shortfall < tolerance else Status.BEHIND


def _status_lower_is_better(
    indicator: Indicator, s: Standing, reported: bool, tolerance: Decimal
) -> Status:
    """A ceiling on a sum (a count with <= or <): once crossed it cannot be undone
    (figures are >= 0); below it, the share of the ceiling used against the pace.
    Levels, rates and ranks with a ceiling are compared directly (`_status_direct`)."""
    within = s.actual is not None and satisfies(s.actual, indicator.comparison, s.target)
    if s.actual is not None and not within:
        return Status.BEHIND
    if not reported:
        return Status.NOT_REPORTED
    if s.quarter == 4:
        return Status.MET
    # completion is the share of the ceiling used; using less than the pace is fine.
    overrun = _known(s.completion) - _known(s.expected)
    if overrun <= 0:
        return Status.ON_TRACK
    return Status.AT_RISK if overrun < tolerance else Status.BEHIND


def _milestone(
    indicator: Indicator, counted: Mapping[int, QuarterlyReport], quarter: int, s: Standing
) -> Standing:
    # A due date inside a quarter (6月底前) sets `due_quarter` (Indicator.normalise);
    # as of that quarter's end it is past, so "not done" is behind then.
    s.quarter_values = {q: r.milestone_state for q, r in sorted(counted.items())}
    latest = counted[max(counted)] if counted else None
    s.milestone_state = latest.milestone_state if latest else ""
    if latest and latest.is_done:
        s.done_on = latest.done_on
        s.status = Status.MET
    elif quarter >= _known(indicator.due_quarter):
        # Due by the end of its quarter: as of that quarter, not done is behind.
        s.status = Status.BEHIND
    else:
        s.status = Status.ON_TRACK
    return s
