"""A year's plan and its 1-2-6 structure."""

import datetime

from django.conf import settings
from django.db import connection, models, transaction
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext, pgettext_lazy
from simple_history.models import HistoricalRecords

from accounts.models import BilingualNameMixin

from .. import calendar, clock
from .overview import PillarOverview, PlanOverview
from .recorded import RecordedSaveMixin

QUARTERS = calendar.QUARTERS


class QuarterNotEnded(Exception):
    """A quarter that has not ended cannot be closed (nor be an as-of quarter)."""

    def __init__(self, plan, quarter):
        super().__init__(f"Q{quarter} {plan.year} has not ended.")
        self.plan, self.quarter = plan, quarter


class PlanStateError(Exception):
    """A plan cannot move to the state asked for; the message says why, in words."""


class PlanQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The plans `user` may see: a draft only for those who may see drafts
        (`targets.view_draft_plans` in targets/rules.py: administrators, reviewers)."""
        if user.has_perm("targets.view_draft_plans"):
            return self
        return self.exclude(state=Plan.State.DRAFT)


def current_plan(plans, today):
    """Of `plans` (those a user may see), the one the navigation and "my reports" open.

    The latest active plan whose year has begun by `today` (a plan opened ahead of its
    year does not take over while last year's reports are still due), else the latest
    active one, else the latest closed one. Never a draft: a draft is reached from
    the plans page only, so nobody lands on one by accident. None without any. No query
    beyond reading `plans`.
    """
    plans = sorted(plans, key=lambda p: p.year, reverse=True)
    active = [p for p in plans if p.state == Plan.State.ACTIVE]
    begun = [p for p in active if p.year <= today.year]
    closed = [p for p in plans if p.state == Plan.State.CLOSED]
    return next(iter(begun or active or closed), None)


class PlanManager(models.Manager.from_queryset(PlanQuerySet)):
    def get_by_natural_key(self, year):
        return self.get(year=year)

    def lock_for_writing(self, **where):
        """Lock the plan's row until the transaction ends (PostgreSQL; on SQLite the
        IMMEDIATE transaction holds the database's one write lock already).

        Saving a report and closing a quarter both take this lock first, so they
        happen one after the other, never interleaved. `where`: `pk=…` or
        `indicator=…` (the plan of that indicator). One query.
        """
        if not connection.features.has_select_for_update:
            return
        if "indicator" in where:
            where = {"indicators": where.pop("indicator")}
        list(self.select_for_update(of=("self",)).filter(**where).values_list("pk"))


class Plan(RecordedSaveMixin, BilingualNameMixin, models.Model):
    """One year's action plan (e.g. 2024 "126").

    Its life: a **draft** (structure and targets are set up; only administrators and
    reviewers see it; nobody reports), **active** (reporting is open; a target changes
    only by a revision that keeps the original), **closed** (read only, kept for
    comparison). Every change of state is kept with who, when and why.
    """

    class State(models.TextChoices):
        DRAFT = "draft", pgettext_lazy("plan state", "Draft")
        ACTIVE = "active", pgettext_lazy("plan state", "Active")
        CLOSED = "closed", pgettext_lazy("plan state", "Closed")

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    name_zh = models.CharField(_("name (Chinese)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    source = models.TextField(_("source"), blank=True, help_text=_("Where the plan comes from."))
    state = models.CharField(_("state"), max_length=6, choices=State, default=State.DRAFT)
    continues = models.ForeignKey(
        "self",
        verbose_name=_("made from"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="continued_by",
        help_text=_("The plan of an earlier year this one was started from."),
    )
    # Started from the year before by its rollover (rollover.py), not loaded from a
    # spreadsheet that continues it: only such a plan says "made from the 2024 plan".
    carried_over = models.BooleanField(
        _("carried over"),
        default=False,
        help_text=_("Made from the plan it continues by starting next year's plan."),
    )

    class Narratives(models.TextChoices):
        """Which narrative parts a report needs before it is submitted (a draft may
        stay empty). The parts are QuarterlyReport's `progress`, `problems` and
        `next_steps`."""

        NONE = "none", _("Not required: a figure alone may be submitted")
        PROGRESS = "progress", _("Progress (进展情况)")
        ALL = "all", _("All three: progress, problems and next steps")

    narratives_required = models.CharField(
        _("narratives required to submit"),
        max_length=8,
        choices=Narratives,
        default=Narratives.PROGRESS,
        help_text=_("A report cannot be submitted without them; a draft may stay empty."),
    )

    history = HistoricalRecords(history_change_reason_field=models.TextField(null=True))
    objects = PlanManager()

    class Meta:
        ordering = ["-year"]
        verbose_name = _("plan")
        verbose_name_plural = _("plans")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(state__in=["draft", "active", "closed"]),
                name="plan_state_known",
            ),
            models.CheckConstraint(
                condition=models.Q(narratives_required__in=["none", "progress", "all"]),
                name="plan_narratives_required_known",
            ),
            models.CheckConstraint(
                condition=models.Q(year__gte=2000, year__lte=2100),
                name="plan_year_2000_to_2100",
                violation_error_message=_("The year must be between 2000 and 2100."),
            ),
        ]

    def __str__(self):
        return f"{self.year} {self.name}"

    def get_absolute_url(self):
        return reverse("targets:plan", kwargs={"year": self.year})

    def natural_key(self):
        return (self.year,)

    # --- its life: draft, active, closed ------------------------------------------

    @property
    def is_draft(self):
        return self.state == self.State.DRAFT

    @property
    def is_active(self):
        return self.state == self.State.ACTIVE

    @property
    def is_closed(self):
        return self.state == self.State.CLOSED

    def refusal_to_report(self):
        """Why nobody reports on this plan now, or "" (an active plan takes reports)."""
        if self.is_closed:
            return _("The %(year)s plan is closed: its reports can no longer change.") % {
                "year": self.year
            }
        if self.is_draft:
            return _(
                "The %(year)s plan is a draft: reporting opens when an administrator opens it."
            ) % {"year": self.year}
        return ""

    def refusal_to_revise(self):
        """Why this plan's targets cannot be revised, or "" (an active plan's can)."""
        if self.is_closed:
            return _("The %(year)s plan is closed: its targets can no longer change.") % {
                "year": self.year
            }
        if self.is_draft:
            return _(
                "The %(year)s plan is a draft: set its targets directly (Administration), "
                "no revision is needed."
            ) % {"year": self.year}
        return ""

    def final_quarter(self, today):
        """The quarter of the plan's final (closed) or current (active) standing."""
        return 4 if self.is_closed else self.default_quarter(today)

    @property
    def required_narratives(self):
        """The names of the narrative fields a report needs to be submitted."""
        return {
            self.Narratives.NONE: (),
            self.Narratives.PROGRESS: ("progress",),
            self.Narratives.ALL: ("progress", "problems", "next_steps"),
        }[self.narratives_required]

    def set_narratives_required(self, value, *, by):
        """Change which narratives a report needs to be submitted (kept in the plan's
        history); a closed plan is read only."""
        if self.is_closed:
            raise PlanStateError(_("A closed plan is read only."))
        self.narratives_required = value
        self.save_by(
            by,
            f"报送必填说明 / narratives required: {value}",
            update_fields=["narratives_required"],
        )

    def targets_to_confirm(self):
        """The indicators whose target was copied from last year and is not confirmed."""
        return self.indicators.filter(target_to_confirm=True).order_by("order", "code")

    def open_for_reporting(self, *, by):
        """Draft → active. Refused while a target is still to be confirmed."""
        if not self.is_draft:
            raise PlanStateError(_("Only a draft can be opened for reporting."))
        pending = list(self.targets_to_confirm().values_list("code", flat=True))
        if pending:
            raise PlanStateError(
                _("Confirm these targets first (copied from last year): %(codes)s.")
                % {"codes": ", ".join(pending)}
            )
        if not self.indicators.exists():
            raise PlanStateError(_("A plan without indicators cannot be opened."))
        self._set_state(self.State.ACTIVE, by=by, reason=_("opened for reporting"))

    def close(self, *, by, reason="", today=None):
        """Active → closed: reports and targets become read only. Only once its last
        quarter has ended (a year closed early would lock out Q4's reports)."""
        if not self.is_active:
            raise PlanStateError(_("Only an active plan can be closed."))
        if not self.has_ended(4, today or clock.today()):
            raise PlanStateError(
                _("The %(year)s plan cannot be closed before its year has ended (%(end)s).")
                % {"year": self.year, "end": self.quarter_end(4).isoformat()}
            )
        self._set_state(self.State.CLOSED, by=by, reason=reason.strip() or _("closed"))

    def reopen(self, *, by, reason):
        """Closed → active again; the reason is required and kept in the history."""
        if not self.is_closed:
            raise PlanStateError(_("Only a closed plan can be reopened."))
        if not reason.strip():
            raise ValueError("Reopening a plan needs a reason.")
        self._set_state(self.State.ACTIVE, by=by, reason=reason)

    @transaction.atomic
    def _set_state(self, state, *, by, reason):
        # Waits for a report or a revision being saved (they take the same lock).
        Plan.objects.lock_for_writing(pk=self.pk)
        self.state = state
        self.save_by(by, str(reason), update_fields=["state"])

    @transaction.atomic
    def delete_draft(self):
        """Delete a draft and everything in it (a rollover or an upload to do again).
        Its indicators go first: they protect their pillars."""
        if not self.is_draft:
            raise PlanStateError(_("Only a draft can be deleted."))
        self.indicators.all().delete()
        self.delete()

    def quarter_start(self, quarter):
        return calendar.quarter_start(self.year, quarter)

    def approval_chain(self):
        """The plan's approval steps in order (targets/models/approval.py; none: one
        step, the reviewers'), loaded once per plan object."""
        cached = getattr(self, "_approval_chain", None)
        if cached is None:
            cached = list(self.approval_steps.select_related("group").order_by("order", "pk"))
            self._approval_chain = cached
        return cached

    def quarter_end(self, quarter):
        """Last day of `quarter` in the plan's year."""
        return calendar.quarter_end(self.year, quarter)

    def report_due(self, quarter):
        """Reports are due a fixed number of days after the quarter ends."""
        return self.quarter_end(quarter) + datetime.timedelta(days=settings.KPI_REPORT_DUE_DAYS)

    def is_future(self, quarter, today):
        """A quarter that has not begun by `today` cannot be reported yet."""
        return self.quarter_start(quarter) > today

    def has_ended(self, quarter, today):
        """Whether `quarter` is over by `today` (its last day has passed)."""
        return self.quarter_end(quarter) < today

    def ended_quarters(self, today):
        """The quarters over by `today`, in order: the only ones a dashboard is "as of"."""
        return [q for q in QUARTERS if self.has_ended(q, today)]

    def reporting_quarter(self, today):
        """The quarter staff report on as of `today`: the latest one that has ended.

        Before the first quarter has ended it is Q1 (already open); after the
        plan's year it is Q4.
        """
        ended = self.ended_quarters(today)
        return ended[-1] if ended else 1

    def as_of_quarters(self, today):
        """The quarters a dashboard may be shown as of, on `today`.

        Only ended quarters: a quarter still running (or not begun) would show its
        figures as if the year stopped there ("100 % of the year gone", everything
        behind), and one early submission would move everyone's view to it. Before
        the first quarter ends there is nothing else to show, so Q1 alone, marked as
        still running on the pages.
        """
        return self.ended_quarters(today) or [1]

    def default_quarter(self, today):
        """The as-of quarter of a dashboard without `?quarter=`: the latest ended one.

        The same quarter staff report on (`reporting_quarter`), whatever anyone has
        submitted early; no query.
        """
        return self.as_of_quarters(today)[-1]

    def closed_quarters(self):
        """The set of closed quarters (one query)."""
        return set(self.periods.filter(is_closed=True).values_list("quarter", flat=True))

    def is_quarter_closed(self, quarter):
        return self.periods.filter(quarter=quarter, is_closed=True).exists()

    def close_quarter(self, quarter, *, by, reason="", today=None):
        """Close `quarter`: its reports can no longer change by any route.

        Only an ended quarter can be closed: closing one still running would lock
        out the figures still to come. Raises QuarterNotEnded otherwise.
        """
        if not self.has_ended(quarter, today or clock.today()):
            raise QuarterNotEnded(self, quarter)
        self._set_quarter_closed(quarter, True, by=by, reason=reason)

    def reopen_quarter(self, quarter, *, by, reason):
        """Reopen a closed quarter; the reason is required and kept in the history."""
        if not reason.strip():
            raise ValueError("Reopening a quarter needs a reason.")
        self._set_quarter_closed(quarter, False, by=by, reason=reason)

    @transaction.atomic
    def _set_quarter_closed(self, quarter, closed, *, by, reason):
        # Waits for a report being saved right now (see QuarterlyReport._write_checked).
        Plan.objects.lock_for_writing(pk=self.pk)
        # Created with its state at once: one history row, never an "open" row
        # before the first close (which the log showed as a reopening).
        # Through the related manager: a period is the plan's, the plan imports none.
        period = self.periods.filter(quarter=quarter).first()
        if (period.is_closed if period else False) == closed:
            return  # closed twice (a second click, another tab): nothing happened, no log
        period = period or self.periods.model(plan=self, quarter=quarter)
        period.is_closed = closed
        period.changed_by = by
        period.reason = reason
        period.save_by(by, reason)

    def overview(self, quarter):
        """The plan's structure with each indicator's standing as of `quarter`.

        Five queries up to `STANDINGS_CHUNK` indicators: the plan's elements, its
        indicators, their units, reports and target revisions; three more for each
        further chunk (`each_standing`). Each standing keeps its own quarter's report,
        not its indicator's others (`PillarOverview.add`): views/fragments.py keeps it.
        """
        elements = list(self.elements.all())
        by_level = {level: [e for e in elements if e.level == level] for level in PlanElement.Level}
        pillars = {e.pk: PillarOverview(pillar=e) for e in by_level[PlanElement.Level.PILLAR]}
        for standing in self.indicators.all().each_standing(quarter, elements=elements):
            pillars[standing.indicator.pillar_id].add(standing)
        return PlanOverview(
            plan=self,
            quarter=quarter,
            goals=by_level[PlanElement.Level.GOAL],
            focuses=by_level[PlanElement.Level.FOCUS],
            pillars=list(pillars.values()),
        )


class PlanElementManager(models.Manager):
    def get_by_natural_key(self, year, code):
        return self.get(plan__year=year, code=code)


class PlanElement(BilingualNameMixin, models.Model):
    """A node of the plan's structure: the overall goal, a focus or a pillar."""

    class Level(models.TextChoices):
        GOAL = "goal", _("Overall goal")
        FOCUS = "focus", _("Focus")
        PILLAR = "pillar", _("Pillar")
        # A numbered task of the plan ("第33项") carrying one or more indicators;
        # optional: the 2024 plan has none.
        TASK = "task", _("Task")

    plan = models.ForeignKey(
        Plan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="elements"
    )
    code = models.CharField(_("code"), max_length=10)
    level = models.CharField(_("level"), max_length=10, choices=Level)
    name_zh = models.CharField(_("name (Chinese)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    objects = PlanElementManager()

    class Meta:
        ordering = ["plan", "order", "code"]
        verbose_name = _("plan element")
        verbose_name_plural = _("plan elements")
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "code"], name="planelement_code_unique_in_plan"
            ),
        ]

    def __str__(self):
        return f"{self.code} {self.name}"

    def get_absolute_url(self):
        """A pillar's page; goals and focuses have none (they are shown on the plan's)."""
        if self.level != self.Level.PILLAR:
            return None
        return reverse("targets:pillar", kwargs={"year": self.plan.year, "code": self.code})

    def natural_key(self):
        return (self.plan.year, self.code)

    natural_key.dependencies = ["targets.plan"]

    @property
    def numbered(self):
        """A task as the plan numbers it: "第33项" / "Task 33"."""
        return pgettext("a task of the plan", "Task %(number)s") % {"number": self.code}

    @property
    def short_name(self):
        """The name before its " — " subtitle ("双链融合"), for chart labels and cards."""
        return self.name.split(" — ", 1)[0]

    def overview(self, quarter):
        """This pillar with its indicators' standings as of `quarter`: the queries of
        `IndicatorQuerySet.standings`, whatever its size."""
        overview = PillarOverview(pillar=self)
        for standing in self.indicators.standings(quarter):
            overview.add(standing)
        return overview


class BaselineResultManager(models.Manager):
    def get_by_natural_key(self, year, order):
        return self.get(plan__year=year, order=order)


class BaselineResult(BilingualNameMixin, models.Model):
    """A result of the year before the plan, as the source states it (e.g. "100 支 / 514 家").

    Kept as the source's text because several of them are pairs of figures; an
    indicator that matches one carries the number itself in `last_year_value`.
    """

    plan = models.ForeignKey(
        Plan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="baselines"
    )
    name_zh = models.CharField(_("name (Chinese)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    figure = models.CharField(_("figure"), max_length=100)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    objects = BaselineResultManager()

    class Meta:
        ordering = ["plan", "order"]
        verbose_name = _("result of the previous year")
        verbose_name_plural = _("results of the previous year")
        constraints = [
            models.UniqueConstraint(fields=["plan", "order"], name="baseline_order_unique_in_plan"),
        ]

    def __str__(self):
        return f"{self.name}: {self.figure}"

    def natural_key(self):
        return (self.plan.year, self.order)

    natural_key.dependencies = ["targets.plan"]
