"""A plan as of one quarter: its structure with every indicator's standing.

Built by `Plan.overview(quarter)` in a fixed number of queries (see its docstring);
the plan page, the dashboards and the exports read from it. `PlanElement.overview`
builds one pillar's alone.
"""

import heapq
import itertools
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property

from django.utils.translation import ngettext

from .standing import ONE, ZERO, Status, severity


@dataclass(frozen=True)
class Progress:
    """Completion against expected for a group of indicators: "time gone, task done".

    - `completion`: the mean completion of the group's count and level indicators,
      each capped at 100 % so that one target far exceeded cannot hide another
      behind; one not reported at all yet counts as 0 %.
    - `expected`: the mean of the same indicators' expected shares (their pacing as
      of the quarter), the "time" side; compare the two, not completion with the
      calendar, because an indicator's pacing may not be linear.
    - `milestones_met` of `milestones_total`: milestones done.

    Only indicators with a pace are averaged (README "Each kind of target"): counts
    with a floor and levels or climbing rates paced from a baseline. Ceilings (`<=`,
    `<`) are left out: their completion measures how much of a limit is used, not
    progress; so are ranks, equality, levels without a baseline, rates, growth
    targets and figures not yet due (they have no expected share), so that a stock's
    or a rank's figure never inflates the mean. Monitored and qualitative indicators
    have no target and are left out too. With none to average, completion and
    expected are None; `measured` says how many were averaged.
    """

    completion: Decimal | None
    expected: Decimal | None
    measured: int
    milestones_met: int
    milestones_total: int

    @classmethod
    def of(cls, standings):
        return cls.of_parts(*_progress_parts(standings))

    @classmethod
    def of_parts(cls, measured, milestones):
        """From `_progress_parts` (a group's, or several groups' joined in order)."""
        completion = expected = None
        if measured:
            # Decimal throughout: with nothing reported yet the sum is Decimal 0, not int
            # 0 (whose division would give a float that no Decimal can be taken from).
            completion = sum((min(s.completion or ZERO, ONE) for s in measured), ZERO) / len(
                measured
            )
            expected = sum(s.expected for s in measured) / len(measured)
        return cls(
            completion=completion,
            expected=expected,
            measured=len(measured),
            milestones_met=sum(1 for s in milestones if s.status == Status.MET),
            milestones_total=len(milestones),
        )

    @property
    def gap(self):
        """Completion minus expected: below zero, the group is behind its pace."""
        if self.completion is None:
            return None
        return self.completion - self.expected

    @property
    def averaged_text(self):
        """What the mean is of, said beside it: "mean of 4 indicators with a pace"."""
        if self.completion is None:
            return ""
        return ngettext(
            "mean of %(n)s indicator with a pace (a count or a level from its baseline)",
            "mean of %(n)s indicators with a pace (counts and levels from their baseline)",
            self.measured,
        ) % {"n": self.measured}

    @property
    def behind_pace(self):
        return self.gap is not None and self.gap < 0


def _progress_parts(standings):
    """The standings `Progress` averages (see its docstring) and the milestones."""
    measured = [
        s
        for s in standings
        if s.indicator.has_target and s.indicator.higher_is_better and s.expected is not None
    ]
    return measured, [s for s in standings if s.indicator.is_milestone]


# Statuses that put an indicator on the attention list, worst first.
ATTENTION_STATUSES = (Status.BEHIND, Status.AT_RISK, Status.NOT_REPORTED)
# The first screen lists this many of the attention list and of the changes; the
# rest are counted, and the table below filters by status (a province's plan can
# have thousands; the 2024 plan has 7 and 6).
FIRST_SCREEN_ITEMS = 10


@dataclass(frozen=True)
class Worst:
    """A group's worst status and how many of its indicators have it.

    One rule colours and words every pillar card and summary: the worst status
    among its indicators (滞后, then 预警, 未报送, 正常, 达成). Completion against
    the pace is said in words beside it, never in colour, so a card cannot look
    green while it holds an indicator behind.
    """

    status: str
    count: int

    @property
    def label(self):
        return Status(self.status).label

    @property
    def needs_attention(self):
        return self.status in ATTENTION_STATUSES


def _worst(standings):
    rated = [s for s in standings if s.status]
    if not rated:
        return None
    worst = min(rated, key=lambda s: s.severity).status
    return Worst(status=worst, count=sum(1 for s in rated if s.status == worst))


@dataclass
class PillarOverview:
    """A pillar's standings and their aggregates, each computed once and kept with it:
    after a change, `PlanOverview.with_standings` reuses the pillars it did not touch
    as they are, so only the changed indicators' pillar is counted again, and the
    plan's figures are summed from its pillars'."""

    pillar: object
    standings: list = field(default_factory=list)
    # Indicator key -> its `StatusChange` since the quarter before, for those whose
    # status changed: computed as each standing is added (`add`), while its indicator's
    # reports are at hand, so a kept standing needs no more than its quarter's.
    changed: dict = field(default_factory=dict, repr=False)

    def add(self, standing):
        """Add `standing` (in plan order) with its change since the quarter before; then
        its indicator's reports are let go (views/fragments.py keeps overviews: a
        20,000-indicator plan would hold 80,000 reports where 20,000 are read)."""
        self.standings.append(standing)
        change = status_change(standing)
        if change is not None:
            self.changed[standing.indicator.pk] = change
        standing.indicator.let_go_of_reports()

    @cached_property
    def screen_counts(self):
        """The status counts the pages show: see `_screen_counts`."""
        return _screen_counts(self.status_counts, len(self.outstanding))

    @cached_property
    def status_counts(self):
        return _count_statuses(self.standings)

    @cached_property
    def due(self):
        """The standings that report for the quarter (`_due`)."""
        return _due(self.standings)

    @cached_property
    def outstanding(self):
        """未报送: see `_outstanding`."""
        return _outstanding(self.due)

    @cached_property
    def worst(self):
        """The pillar's worst status (see `Worst`), or None without any status."""
        return _worst(self.standings)

    @cached_property
    def progress_parts(self):
        return _progress_parts(self.standings)

    @cached_property
    def progress(self):
        return Progress.of_parts(*self.progress_parts)

    @cached_property
    def has_cooperating(self):
        return any(s.indicator.cooperating for s in self.standings)

    @cached_property
    def to_confirm(self):
        return [s.indicator for s in self.standings if s.indicator.target_to_confirm]

    @cached_property
    def has_tasks(self):
        """Whether any of its indicators belongs to a numbered task (the table's column)."""
        return any(s.indicator.task_id for s in self.standings)

    @cached_property
    def attention(self):
        """(sort key, standing) of those needing attention, sorted; see
        `PlanOverview.attention`."""
        listed = [
            ((s.severity, s.pace_gap is None, s.pace_gap or 0, n), s)
            for n, s in enumerate(self.standings)
            if s.status in ATTENTION_STATUSES
        ]
        listed.sort(key=lambda item: item[0])
        return listed

    @cached_property
    def changes(self):
        """Its indicators whose status changed since the quarter before, in plan order
        (see `PlanOverview.changes`)."""
        return [
            self.changed[s.indicator.pk] for s in self.standings if s.indicator.pk in self.changed
        ]

    def standings_of(self, indicators):
        """The standings of `indicators`, a filtered queryset of this pillar's; see
        `PlanOverview.standings_of`."""
        return _standings_of(self.standings, indicators)


@dataclass
class PlanOverview:
    plan: object
    quarter: int
    goals: list
    focuses: list
    pillars: list  # of PillarOverview, in plan order

    @property
    def standings(self):
        return [s for p in self.pillars for s in p.standings]

    @cached_property
    def has_cooperating(self):
        """Whether any indicator names a cooperating unit (no query: the units are
        prefetched with the standings)."""
        return any(p.has_cooperating for p in self.pillars)

    @cached_property
    def has_tasks(self):
        """Whether any indicator belongs to a numbered task (see `PillarOverview`)."""
        return any(p.has_tasks for p in self.pillars)

    @property
    def elapsed_share(self):
        """Share of the year gone by the end of the as-of quarter (时间进度)."""
        return self.quarter / 4

    @cached_property
    def status_counts(self):
        """Summed from the pillars' (each counted once, `PillarOverview`)."""
        return _sum_counts(p.status_counts for p in self.pillars)

    @cached_property
    def progress(self):
        """The whole plan's completion against expected (see `Progress`), from the
        pillars' parts joined in plan order: the same sums, in the same order, as
        over the plan's standings."""
        measured = [s for p in self.pillars for s in p.progress_parts[0]]
        milestones = [s for p in self.pillars for s in p.progress_parts[1]]
        return Progress.of_parts(measured, milestones)

    def _attention_merged(self):
        """The pillars' attention lists merged (see `attention`), lazily."""
        return heapq.merge(
            *(
                [((*key[:3], n, key[3]), s) for key, s in p.attention]
                for n, p in enumerate(self.pillars)
            ),
            key=lambda item: item[0],
        )

    @cached_property
    def attention(self):
        """需关注: indicators behind, at risk (milestones past due are behind) and not
        reported, worst first; within a status, furthest behind the pace first, then
        in plan order. No query: merged from the pillars' lists, each sorted once
        (pillars follow each other in plan order, so (pillar, place in it) is the
        place in the plan)."""
        return [s for _key, s in self._attention_merged()]

    @cached_property
    def attention_first(self):
        """The first `FIRST_SCREEN_ITEMS` of `attention`, without sorting the rest."""
        if "attention" in self.__dict__:
            return self.attention[:FIRST_SCREEN_ITEMS]
        merged = self._attention_merged()
        return [s for _key, s in itertools.islice(merged, FIRST_SCREEN_ITEMS)]

    @property
    def attention_more(self):
        """How many more need attention than the first screen lists, by status."""
        rest = Counter(s.status for p in self.pillars for _key, s in p.attention)
        rest.subtract(s.status for s in self.attention_first)
        return [(status, rest[status.value]) for status in ATTENTION_STATUSES if rest[status.value]]

    @property
    def changes_first(self):
        return self.changes[:FIRST_SCREEN_ITEMS]

    @property
    def changes_more(self):
        return max(0, len(self.changes) - FIRST_SCREEN_ITEMS)

    @cached_property
    def changes(self):
        """Indicators whose status changed since the quarter before, as `StatusChange`s
        in plan order; empty as of Q1. No query: each indicator's standing of the
        quarter before was computed with its own (`PillarOverview.add`), and the
        pillars carry theirs over a change (`with_standings`)."""
        return [change for p in self.pillars for change in p.changes]

    @cached_property
    def outstanding(self):
        """未报送: see `_outstanding` (the pillars', in plan order)."""
        return [s for p in self.pillars for s in p.outstanding]

    @cached_property
    def due_to_report(self):
        """How many indicators report for the quarter (`_due`)."""
        return sum(len(p.due) for p in self.pillars)

    @cached_property
    def screen_counts(self):
        """The status counts the pages show: see `_screen_counts`."""
        return _screen_counts(self.status_counts, len(self.outstanding))

    @cached_property
    def milestones(self):
        """Milestones: done, due by the quarter (and not done), and in all."""
        milestones = [s for p in self.pillars for s in p.progress_parts[1]]
        return Milestones(
            done=sum(1 for s in milestones if s.status == Status.MET),
            overdue=sum(1 for s in milestones if s.status == Status.BEHIND),
            due=sum(1 for s in milestones if s.indicator.due_quarter <= self.quarter),
            total=len(milestones),
        )

    @cached_property
    def worst(self):
        """The worst of the pillars' worst (`Worst`), with its count summed."""
        worsts = [p.worst for p in self.pillars if p.worst is not None]
        if not worsts:
            return None
        status = min(worsts, key=lambda w: severity(w.status)).status
        return Worst(status=status, count=sum(w.count for w in worsts if w.status == status))

    @property
    def to_confirm(self):
        """Indicators whose target (copied from last year's plan) is still to be confirmed."""
        return [i for p in self.pillars for i in p.to_confirm]

    def pillar(self, pillar):
        """The overview of one of the plan's pillars (the same standings; no query)."""
        return next(p for p in self.pillars if p.pillar.pk == pillar.pk)

    def subset(self, indicators):
        """This overview restricted to `indicators` (a filtered queryset of the plan's).

        The same standings, regrouped: pillars keep only those indicators and a
        pillar left with none is dropped, so a filtered export or briefing counts
        with `Progress` and `status_counts` exactly as the dashboard does. One
        query (their keys); unfiltered, the figures are the whole plan's.
        """
        keys = set(indicators.values_list("pk", flat=True))
        pillars = [
            PillarOverview(pillar=p.pillar, standings=kept, changed=p.changed)
            for p in self.pillars
            if (kept := [s for s in p.standings if s.indicator.pk in keys])
        ]
        return PlanOverview(
            plan=self.plan,
            quarter=self.quarter,
            goals=self.goals,
            focuses=self.focuses,
            pillars=pillars,
        )

    def with_standings(self, standings, changed):
        """This overview with the standings of the indicators `changed` (keys) replaced by
        `standings` (their new ones, those still in the plan), or None when the plan's
        shape changed (an indicator added, removed, moved to another pillar or place):
        then the whole overview is computed again. Only the pillars touched get new
        aggregates; the others are reused as they are, with theirs. No query."""
        new = {s.indicator.pk: s for s in standings}
        touched = {self._pillar_of[pk] for pk in changed if pk in self._pillar_of}
        pillars, found = [], set()
        for n, pillar in enumerate(self.pillars):
            kept = pillar.standings
            if n not in touched:
                pillars.append(pillar)
                continue
            replaced, carried = [], {}
            for old in kept:
                standing = new.get(old.indicator.pk, old)
                if old.indicator.pk in changed:
                    if not _same_place(old.indicator, standing.indicator, new):
                        return None
                    found.add(old.indicator.pk)
                    change = status_change(standing)
                    standing.indicator.let_go_of_reports()
                else:
                    change = pillar.changed.get(old.indicator.pk)
                replaced.append(standing)
                if change is not None:
                    carried[standing.indicator.pk] = change
            pillars.append(
                PillarOverview(pillar=pillar.pillar, standings=replaced, changed=carried)
            )
        if found != set(new):
            return None  # an indicator new to the plan, or moved into it
        overview = PlanOverview(
            plan=self.plan,
            quarter=self.quarter,
            goals=self.goals,
            focuses=self.focuses,
            pillars=pillars,
        )
        overview.__dict__["_pillar_of"] = self._pillar_of  # the same shape
        return overview

    @cached_property
    def _pillar_of(self):
        """Indicator key -> the place of its pillar in `pillars`."""
        return {s.indicator.pk: n for n, p in enumerate(self.pillars) for s in p.standings}

    def standings_of(self, indicators):
        """The standings of `indicators`, a filtered queryset of this plan's, in plan order.

        One query (their keys): the standings themselves were computed with the
        overview, so a filtered table costs no second pass over the reports.
        """
        return _standings_of(self.standings, indicators)


@dataclass(frozen=True, slots=True)
class StatusBefore:
    """What the list of changes shows of the quarter before: its status alone. A whole
    standing kept for it held about 5 MB at 20,000 indicators, in every worker."""

    status: str | None

    @property
    def status_label(self):
        return Status(self.status).label if self.status else ""


@dataclass(frozen=True)
class StatusChange:
    """An indicator's status as of the quarter before (`before`: a `StatusBefore`) and
    now (`standing`)."""

    standing: object
    before: StatusBefore


def status_change(standing):
    """`standing`'s change of status since the quarter before (a `StatusChange`), or None:
    unchanged, or as of Q1. Computed from its indicator's reports, prefetched with it."""
    if standing.quarter == 1:
        return None
    before = standing.indicator.standing(standing.quarter - 1).status
    if before == standing.status:
        return None
    return StatusChange(standing=standing, before=StatusBefore(before))


@dataclass(frozen=True)
class Milestones:
    done: int
    overdue: int  # due by the quarter and not done (their status is behind)
    due: int  # due by the end of the quarter
    total: int


def _due(standings):
    """The indicators that report for their standing's quarter: all but a milestone
    done in an earlier quarter, which has nothing left to report, and a figure
    published later in the year (half-yearly, annual: not yet due)."""
    return [s for s in standings if not s.done_before and s.quarter in s.indicator.due_quarters()]


def _outstanding(due):
    """未报送, the one meaning the pages give it: an indicator that reports for the
    quarter (`due`, from `_due`) without a counted (submitted or approved) report for
    it, whether it has a status or not (a qualitative indicator owes its report as
    much)."""
    return [s for s in due if not (s.report and s.report.counts)]


def _screen_counts(status_counts, outstanding):
    """The status counts beside the "reports outstanding" figure: 未报送 counted as
    `_outstanding` (qualitative indicators without their report included; `outstanding`
    is their number), so the page gives one figure for it; the other statuses as
    `_count_statuses` (`status_counts`)."""
    return [
        (status, outstanding if status == Status.NOT_REPORTED else n) for status, n in status_counts
    ]


def _count_statuses(standings):
    counts = Counter(s.status for s in standings if s.status)
    return [(status, counts.get(status.value, 0)) for status in Status]


def _sum_counts(counts):
    """Status counts (`_count_statuses`) of several groups added up."""
    total = Counter()
    for group in counts:
        total.update(dict(group))
    return [(status, total.get(status, 0)) for status in Status]


def _standings_of(standings, indicators):
    keys = set(indicators.values_list("pk", flat=True))
    return [s for s in standings if s.indicator.pk in keys]


def _same_place(old, new, fresh):
    """Whether an indicator computed again (`new`, or absent from `fresh`: removed from
    the plan) still sits where `old` did: same pillar, same place in the plan's order
    (Indicator.Meta.ordering)."""
    if old.pk not in fresh:
        return False
    return (old.pillar_id, old.order, old.code) == (new.pillar_id, new.order, new.code)
