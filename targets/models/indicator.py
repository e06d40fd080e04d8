"""Indicators: what the plan promises, with its target and its quarterly pacing."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Count, Prefetch, Q
from django.urls import reverse
from django.utils.translation import get_language, gettext, pgettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from accounts.models import BilingualNameMixin

from ..calendar import quarter_end
from ..rules import may_contribute
from .plan import Plan, PlanElement
from .recorded import RecordedSaveMixin
from .report import QuarterlyReport
from .revision import TargetRevision
from .standing import TargetInForce, compute_standing, done_before, target_in_force
from .units import IndicatorUnit, UnitsMixin
from .wording import figure_text, target_display, unit_for

# Units that count whole things: a figure in one of them is never a fraction
# (3.5 次 is a typo). `Indicator.whole_number` is always on for them.
WHOLE_UNITS = frozenset("次家人户个项件名所支场篇台套")


# The short labels of the definition fields, for the page, the workbook and the briefing.
DEFINITION_LABELS = {
    "definition": _("Definition"),
    "method": _("Method of computation"),
    "data_source": _("Data source"),
    "published_on": _("Usual publication date"),
    "data_contact": _("Responsible for the data"),
}


class LedgerDisagrees(ValidationError):
    """An indicator cannot count its figures from its ledger while a report's figure
    differs from the number of its quarter's entries (nothing would say which is right)."""

    def __init__(self, indicator, differences):
        self.differences = differences
        parts = [
            gettext("Q%(q)s: the report says %(figure)s, the ledger has %(count)s")
            % {"q": q, "figure": figure_text(value) if value is not None else "—", "count": n}
            for q, value, n in differences
        ]
        super().__init__(
            gettext(
                "%(code)s cannot count its figures from its ledger yet: %(parts)s. Enter "
                "the missing items in the ledger (kept beside the figure) until every "
                "quarter agrees, then switch."
            )
            % {
                "code": indicator.code,
                "parts": pgettext("between the parts of a sentence", "; ").join(parts),
            }
        )


class TargetLocked(Exception):
    """The target of an active plan changes only through a revision; nothing of a
    closed plan changes."""


# The kinds measured against a target (the database's constraints name them).
MEASURED_KINDS = ["count", "level", "rate", "growth"]


class IndicatorQuerySet(models.QuerySet):
    def with_revisions(self):
        """The target revisions too (one query), so each standing can pick the target
        in force at its quarter's end without a query per indicator."""
        return self.prefetch_related(
            Prefetch(
                "revisions",
                queryset=TargetRevision.objects.select_related("revised_by"),
                to_attr="prefetched_revisions",
            )
        )

    def for_standings(self):
        """Everything the status rule needs: `with_reports` and `with_revisions`
        (four queries whatever the size)."""
        return self.with_reports().with_revisions()

    def with_reports(self):
        """Everything the status rule needs, in three queries whatever the size:
        the indicators (joined with plan, pillar and task), their lead and
        cooperating units (`with_units`) and their reports.
        """
        return (
            self.select_related("plan", "pillar", "task")
            .with_units()
            .prefetch_related(
                Prefetch(
                    "reports",
                    queryset=QuarterlyReport.objects.order_by("quarter"),
                    to_attr="prefetched_reports",
                )
            )
        )

    def with_units(self):
        """Their lead and cooperating sections too, in one query whatever the number."""
        return self.prefetch_related(
            Prefetch(
                "units",
                queryset=IndicatorUnit.objects.select_related("section").order_by(
                    "role", "order", "pk"
                ),
                to_attr="prefetched_units",
            )
        )

    def led_by(self, section):
        """The indicators `section` leads (one of their lead units)."""
        return self.filter(units__section=section, units__role=IndicatorUnit.Role.LEAD).distinct()

    def editable_by(self, user):
        """The indicators `user` may report on.

        Asks the permission in targets/rules.py for each indicator (two light
        queries: the indicators and their units), so the rule is written once, for
        lists and single pages alike.
        """
        return self.allowed_to(user, "targets.edit_report")[0]

    def allowed_to(self, user, *permissions):
        """One queryset per permission (on an indicator, targets/rules.py): those of
        these indicators `user` has it on. Two light queries for all of them."""

        def allowed(permission, indicator):
            if permission == "targets.contribute":  # a section's, never a superuser's
                return may_contribute(user, indicator)
            return user.has_perm(permission, indicator)

        indicators = list(self.only("pk").with_units())
        return tuple(
            self.filter(pk__in=[i.pk for i in indicators if allowed(permission, i)])
            for permission in permissions
        )

    def contributable_by(self, user):
        """The indicators whose cooperating units include `user`'s section: those
        they may add a contribution to (targets.contribute in targets/rules.py)."""
        return self.allowed_to(user, "targets.contribute")[0]

    def by_first_lead(self):
        """Annotated with `first_lead_code`: the code of the first lead unit (None
        without any), for lists grouped by lead units."""
        first = IndicatorUnit.objects.filter(
            indicator=models.OuterRef("pk"), role=IndicatorUnit.Role.LEAD
        ).order_by("order", "pk")
        return self.annotate(first_lead_code=models.Subquery(first.values("section__code")[:1]))

    def standings(self, quarter, *, elements=None):
        """Evaluate and return one `Standing` per indicator as of `quarter`.

        Pages and exports build on this so they all apply the same rule; it runs
        the queries of `for_standings` (plus none per indicator).

        `elements`: the plan's elements, already read, when this is `plan.indicators`
        (`Plan.overview`): the indicators' pillar and task are then these, and their
        plan the one the related manager sets, instead of a copy joined to each row:
        a 20,000-indicator plan would otherwise build 40,000 more instances, and a
        worker's memory stays as large as its largest moment.
        """
        return list(_standings(self._for_standings(elements), quarter, elements))

    def each_standing(self, quarter, *, elements=None):
        """`standings`, one at a time, the indicators read `STANDINGS_CHUNK` at a time
        with their units, reports and revisions (the same queries for a plan of fewer).

        For a caller that keeps less than each standing holds (`Plan.overview` lets
        each indicator's reports go): it then never holds a large plan's reports all
        at once, only a chunk's, and what it lets go is reused by the next chunk
        rather than left as holes among what it keeps."""
        indicators = self._for_standings(elements).iterator(chunk_size=STANDINGS_CHUNK)
        return _standings(indicators, quarter, elements)

    def _for_standings(self, elements):
        indicators = self.for_standings()
        return indicators.select_related(None) if elements is not None else indicators


# Indicators read at once by `each_standing` (and their reports, four each at most).
STANDINGS_CHUNK = 1000


def _standings(indicators, quarter, elements):
    """Each of `indicators`' standing as of `quarter` (see `standings`)."""
    shared = {e.pk: e for e in elements or ()}
    for indicator in _share_related(indicators):
        if elements is not None:
            indicator.pillar = shared[indicator.pillar_id]
            indicator.task = shared[indicator.task_id] if indicator.task_id else None
        yield indicator.standing(quarter)


def _share_related(indicators):
    """`indicators` with one instance of each plan, pillar, task and section they
    point to, instead of one per row (what `select_related` builds): a kept plan of
    20,000 indicators otherwise holds 20,000 copies of its own plan and pillars
    (about 40 MB per process). The same rows, so nothing drawn from them changes."""
    shared = {}

    def one(obj):
        if obj is None:
            return None
        return shared.setdefault((type(obj), obj.pk), obj)

    for indicator in indicators:
        cache = indicator._state.fields_cache
        for name in ("plan", "pillar", "task"):
            if name in cache:
                cache[name] = one(cache[name])
        for unit in getattr(indicator, "prefetched_units", ()):
            if "section" in unit._state.fields_cache:
                unit._state.fields_cache["section"] = one(unit._state.fields_cache["section"])
        yield indicator


class IndicatorManager(models.Manager.from_queryset(IndicatorQuerySet)):
    def get_by_natural_key(self, year, code):
        return self.get(plan__year=year, code=code)


class Indicator(RecordedSaveMixin, BilingualNameMixin, UnitsMixin, models.Model):
    class Kind(models.TextChoices):
        COUNT = "count", _("Count (summed over the quarters)")
        LEVEL = "level", _("Level (latest figure counts)")
        MILESTONE = "milestone", _("Milestone")
        QUALITATIVE = "qualitative", _("Qualitative")
        MONITOR = "monitor", _("Monitored figure (no target)")
        RATE = "rate", _("Rate or ratio (compared directly)")
        GROWTH = "growth", _("Growth against a base figure (%)")

    class Comparison(models.TextChoices):
        AT_LEAST = ">=", _("at least")
        MORE_THAN = ">", _("more than")
        AT_MOST = "<=", _("at most")
        LESS_THAN = "<", _("less than")
        EQUAL = "=", _("equal to")

    class Measure(models.TextChoices):
        FLOW = "flow", _("Summed over the quarters")
        STOCK = "stock", _("Latest figure")

    class Ledger(models.TextChoices):
        NONE = "", _("No ledger")
        KEPT = "kept", _("Kept beside the figure (the figure is typed)")
        COUNTED = "counted", _("The figure is counted from the ledger")

    class Frequency(models.TextChoices):
        QUARTERLY = "", _("Every quarter")
        HALF_YEARLY = "half", _("Half-yearly (Q2 and Q4)")
        ANNUAL = "annual", _("Once a year (Q4)")

    class Trajectory(models.TextChoices):
        SET = "", _("Set for each year")
        STRAIGHT = "straight", _("Straight line from the baseline to the final-year target")

    class GrowthFrom(models.TextChoices):
        FIGURES = "", _("Computed from the figures and the base figure")
        RATE = "rate", _("Reported as a growth rate (%)")

    KINDS_WITH_TARGET = (Kind.COUNT, Kind.LEVEL, Kind.RATE, Kind.GROWTH)
    KINDS_WITH_FIGURE = (Kind.COUNT, Kind.LEVEL, Kind.MONITOR, Kind.RATE, Kind.GROWTH)
    # The quarters whose figure is due, by publication frequency.
    DUE_QUARTERS = {"": (1, 2, 3, 4), "half": (2, 4), "annual": (4,)}

    plan = models.ForeignKey(
        Plan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="indicators"
    )
    pillar = models.ForeignKey(
        PlanElement,
        verbose_name=_("pillar"),
        on_delete=models.PROTECT,
        related_name="indicators",
        limit_choices_to={"level": PlanElement.Level.PILLAR},
    )
    code = models.CharField(_("code"), max_length=20)
    name_zh = models.CharField(_("name (Chinese)"), max_length=300)
    name_en = models.CharField(_("name (English)"), max_length=300, blank=True)
    unit = models.CharField(_("unit"), max_length=20, blank=True)
    unit_en = models.CharField(
        _("unit (English)"),
        max_length=40,
        blank=True,
        help_text=_("Shown on English pages, e.g. institutions for 家; blank: the Chinese unit."),
    )
    whole_number = models.BooleanField(
        _("whole numbers only"),
        default=False,
        help_text=_(
            "Figures must be whole numbers. Always on for counting units "
            "(次, 家, 人, 户, 个, 项 …); tick it for any other unit that cannot be split."
        ),
    )
    decimal_places = models.PositiveSmallIntegerField(
        _("decimal places"),
        default=2,
        help_text=_(
            "How many decimals a figure that is not a whole number may have: 1 or 2 "
            "(243.6 件/万人 has one)."
        ),
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind)
    measure = models.CharField(
        _("how quarterly figures combine"),
        max_length=5,
        choices=Measure,
        blank=True,
        help_text=_("Count: summed; level: latest. Needed for a monitored figure."),
    )
    comparison = models.CharField(
        _("comparison"), max_length=2, choices=Comparison, blank=True, default=Comparison.AT_LEAST
    )
    target = models.DecimalField(
        _("annual target"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    last_year_value = models.DecimalField(
        _("last year's figure"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    # --- What the target means (README "How status is computed"): the figure a
    # level starts from, a growth's base, a final year's target, a stretch target,
    # how often the figure is published and a milestone's due date.
    baseline = models.DecimalField(
        _("baseline"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_(
            "The figure a level or a final-year target starts from (at the end of the "
            "baseline year). A level is paced from last year's figure, else from this."
        ),
    )
    baseline_year = models.PositiveSmallIntegerField(_("baseline year"), null=True, blank=True)
    climbs = models.BooleanField(
        _("a rate expected to climb over the year"),
        default=False,
        help_text=_("A rate paced from its baseline like a level; otherwise compared directly."),
    )
    growth_base = models.DecimalField(
        _("growth base figure"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("A growth target: the figure the growth is measured from."),
    )
    growth_from = models.CharField(
        _("growth measured from"), max_length=4, choices=GrowthFrom, blank=True, default=""
    )
    final_year = models.PositiveSmallIntegerField(
        _("final year"),
        null=True,
        blank=True,
        help_text=_("到2027年…: the year of the final target."),
    )
    final_target = models.DecimalField(
        _("final-year target"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    trajectory = models.CharField(
        _("this year's target"), max_length=8, choices=Trajectory, blank=True, default=""
    )
    stretch_target = models.DecimalField(
        _("stretch target (力争)"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("确保…力争…: the target is the floor that decides; this is shown beside."),
    )
    frequency = models.CharField(
        _("published"), max_length=6, choices=Frequency, blank=True, default=""
    )
    due_date = models.DateField(
        _("due date"),
        null=True,
        blank=True,
        help_text=_("A milestone due inside a quarter (6月底前): judged against this date."),
    )
    # Its lead and cooperating units: `units` (targets/models/units.py).
    # The numbered task of the plan it belongs to ("第33项"), where the plan has tasks.
    task = models.ForeignKey(
        PlanElement,
        verbose_name=_("task"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="task_indicators",
        limit_choices_to={"level": "task"},
    )
    # Share of the annual target expected by the end of each quarter, in percent.
    pace_q1 = models.DecimalField(
        _("expected by Q1 (%)"), max_digits=5, decimal_places=2, default=25
    )
    pace_q2 = models.DecimalField(
        _("expected by Q2 (%)"), max_digits=5, decimal_places=2, default=50
    )
    pace_q3 = models.DecimalField(
        _("expected by Q3 (%)"), max_digits=5, decimal_places=2, default=75
    )
    pace_q4 = models.DecimalField(
        _("expected by Q4 (%)"), max_digits=5, decimal_places=2, default=100
    )
    due_quarter = models.PositiveSmallIntegerField(
        _("due quarter"), null=True, blank=True, help_text=_("For a milestone: when it is due.")
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    ledger = models.CharField(
        _("ledger (台账)"),
        max_length=8,
        choices=Ledger,
        blank=True,
        default=Ledger.NONE,
        help_text=_(
            "The named items behind the figure (the ledger app). Counted: a quarter's "
            "figure is the number of items dated in it (sums over the quarters only); "
            "switching to it is refused while a report's figure differs from its count."
        ),
    )
    # Across years: the indicator of the previous year's plan this one continues
    # (codes may change), and where last year's figure came from.
    continues = models.ForeignKey(
        "self",
        verbose_name=_("continues"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="continued_by",
        help_text=_("The indicator of an earlier year's plan this one carries on."),
    )
    last_year_quarter = models.PositiveSmallIntegerField(
        _("last year's figure computed as of"),
        null=True,
        blank=True,
        help_text=_(
            "Set when last year's figure was computed from the previous plan's reports: "
            "the quarter it counts up to (4: the year end). Empty: entered by hand."
        ),
    )
    target_to_confirm = models.BooleanField(
        _("target to be confirmed"),
        default=False,
        help_text=_("Copied from last year's plan; the plan opens only once it is confirmed."),
    )
    # --- Definition and source (口径说明): what the figure measures, how it is
    # computed, who publishes it and when, who answers for it. Free text in the
    # plan's own words (sources vary too much for a list: 市统计局, a department's
    # register, the ledger); the publication frequency is `frequency` above.
    definition = models.TextField(
        _("definition (统计口径)"),
        blank=True,
        help_text=_("What the figure counts and what it leaves out."),
    )
    method = models.TextField(
        _("method of computation (计算方法)"),
        blank=True,
        help_text=_("How the figure is computed, e.g. a formula or a sum of registers."),
    )
    data_source = models.CharField(
        _("data source (数据来源)"),
        max_length=200,
        blank=True,
        help_text=_(
            "Who publishes the figure: the statistics bureau, a department's register, the ledger …"
        ),
    )
    published_on = models.CharField(
        _("usual publication date"),
        max_length=40,
        blank=True,
        help_text=_("When the figure is usually published, e.g. 次年3月."),
    )
    data_contact = models.CharField(
        _("responsible for the data"),
        max_length=200,
        blank=True,
        help_text=_("A name and a way to reach them (not necessarily a user)."),
    )

    history = HistoricalRecords(history_change_reason_field=models.TextField(null=True))
    objects = IndicatorManager()

    class Meta:
        ordering = ["plan", "order", "code"]
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "code"],
                name="indicator_code_unique_in_plan",
                violation_error_message=_("Another indicator of this plan has this code."),
            ),
            # Counts and levels are measured against a target with a comparison;
            # the other kinds have neither.
            models.CheckConstraint(
                condition=(
                    Q(
                        kind__in=MEASURED_KINDS,
                        target__isnull=False,
                        comparison__in=[">=", ">", "<=", "<", "="],
                    )
                    | (~Q(kind__in=MEASURED_KINDS) & Q(target__isnull=True, comparison=""))
                ),
                name="indicator_target_iff_measured_kind",
                violation_error_code="indicator_target_iff_measured_kind",
                violation_error_message=_(
                    "A count or a level needs a comparison and a target, and so does a rate "
                    "or a growth; a milestone, a qualitative or a monitored indicator has "
                    "neither."
                ),
            ),
            models.CheckConstraint(
                condition=Q(target__isnull=True) | Q(target__gte=0),
                name="indicator_target_not_negative",
                violation_error_code="indicator_target_not_negative",
                violation_error_message=_("A target cannot be negative."),
            ),
            # A count sums its quarters, a level keeps the latest; a monitored figure
            # says which; milestones and qualitative indicators have no figure.
            models.CheckConstraint(
                condition=(
                    Q(kind="count", measure="flow")
                    | Q(kind__in=["level", "rate", "growth"], measure="stock")
                    | Q(kind="monitor", measure__in=["flow", "stock"])
                    | Q(kind__in=["milestone", "qualitative"], measure="")
                ),
                name="indicator_measure_fits_kind",
                violation_error_code="indicator_measure_fits_kind",
                violation_error_message=_(
                    "A monitored figure says how its quarterly figures combine: summed "
                    "or the latest."
                ),
            ),
            models.CheckConstraint(
                condition=(
                    Q(pace_q1__gte=0)
                    & Q(pace_q1__lte=models.F("pace_q2"))
                    & Q(pace_q2__lte=models.F("pace_q3"))
                    & Q(pace_q3__lte=models.F("pace_q4"))
                    & Q(pace_q4__lte=100)
                ),
                name="indicator_pacing_rises_within_100",
                violation_error_code="indicator_pacing_rises_within_100",
                violation_error_message=_(
                    "The pacing (in per cent) must not fall from one quarter to the next "
                    "and must stay between 0 and 100."
                ),
            ),
            # Only a figure summed over the quarters can be a count of dated items.
            models.CheckConstraint(
                condition=~Q(ledger="counted") | Q(measure="flow"),
                name="indicator_counted_ledger_sums",
            ),
            models.CheckConstraint(
                condition=(
                    Q(kind="milestone", due_quarter__gte=1, due_quarter__lte=4)
                    | (~Q(kind="milestone") & Q(due_quarter__isnull=True))
                ),
                name="indicator_due_quarter_for_milestones",
                violation_error_code="indicator_due_quarter_for_milestones",
                violation_error_message=_(
                    "A milestone is due in a quarter from 1 to 4; other kinds have no due quarter."
                ),
            ),
            models.CheckConstraint(
                condition=Q(last_year_quarter__isnull=True)
                | Q(
                    last_year_quarter__gte=1,
                    last_year_quarter__lte=4,
                    last_year_value__isnull=False,
                ),
                name="indicator_last_year_quarter_with_figure",
                violation_error_code="indicator_last_year_quarter_with_figure",
                violation_error_message=_(
                    "A computed last-year figure names the quarter (1 to 4) it counts up to."
                ),
            ),
            models.CheckConstraint(
                condition=Q(target_to_confirm=False) | Q(kind__in=MEASURED_KINDS),
                name="indicator_only_a_target_to_confirm",
                violation_error_code="indicator_only_a_target_to_confirm",
                violation_error_message=_("Only a count or a level has a target to confirm."),
            ),
            models.CheckConstraint(
                condition=Q(decimal_places__gte=1, decimal_places__lte=2),
                name="indicator_decimal_places_1_or_2",
                violation_error_code="indicator_decimal_places_1_or_2",
                violation_error_message=_(
                    "A figure has 1 or 2 decimal places; tick whole numbers for none."
                ),
            ),
            models.CheckConstraint(
                condition=Q(final_year__isnull=True, final_target__isnull=True)
                | Q(final_year__isnull=False, final_target__isnull=False),
                name="indicator_final_year_with_target",
                violation_error_code="indicator_final_year_with_target",
                violation_error_message=_("A final year and its target go together."),
            ),
            models.CheckConstraint(
                condition=~Q(trajectory="straight")
                | Q(
                    final_year__isnull=False,
                    baseline__isnull=False,
                    baseline_year__isnull=False,
                    baseline_year__lt=models.F("final_year"),
                ),
                name="indicator_straight_trajectory_has_ends",
                violation_error_code="indicator_straight_trajectory_has_ends",
                violation_error_message=_(
                    "A target derived on a straight line needs a baseline, its year and a "
                    "later final year with its target."
                ),
            ),
            models.CheckConstraint(
                condition=~Q(kind="growth", growth_from="") | Q(growth_base__gt=0),
                name="indicator_growth_has_base",
                violation_error_code="indicator_growth_has_base",
                violation_error_message=_(
                    "A growth computed from the figures needs a base figure above zero."
                ),
            ),
        ]

    def __str__(self):
        return f"{self.code} {self.name}"

    def save(self, *args, **kwargs):
        self.normalise()
        self._refuse_locked_change(kwargs.get("update_fields"))
        if self.counts_from_ledger:
            self._refuse_counting_unless_figures_agree()
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("targets:indicator", kwargs={"year": self.plan.year, "code": self.code})

    def normalise(self):
        """What follows from the kind and the unit, set before saving or validating."""
        # The measure follows from the kind except for monitored figures.
        if self.kind == self.Kind.COUNT:
            self.measure = self.Measure.FLOW
        elif self.kind in (self.Kind.LEVEL, self.Kind.RATE, self.Kind.GROWTH):
            self.measure = self.Measure.STOCK
        elif self.kind in (self.Kind.MILESTONE, self.Kind.QUALITATIVE):
            self.measure = ""
        if not self.has_target:
            self.comparison = ""
        if self.unit in WHOLE_UNITS:
            self.whole_number = True
        if self.counts_from_ledger:
            self.whole_number = True  # a number of items
        if self.due_date is not None and self.kind == self.Kind.MILESTONE:
            self.due_quarter = (self.due_date.month - 1) // 3 + 1
        if self.trajectory == self.Trajectory.STRAIGHT and self.has_target:
            try:
                year = self.plan.year  # an unsaved plan too (a plan from a spreadsheet)
            except Plan.DoesNotExist:
                year = None
            derived = self.derived_target(year) if year else None
            if derived is not None:
                self.target = derived

    def _refuse_locked_change(self, update_fields):
        """The last line of defence, whatever route saves the indicator: an active
        plan's target changes only by a revision (targets/models/revision.py), and
        nothing of a closed plan changes. One query."""
        if self.pk is None:
            return
        stored = (
            Indicator.objects.filter(pk=self.pk)
            .values("target", "comparison", "plan__state")
            .first()
        )
        if stored is None or stored["plan__state"] == Plan.State.DRAFT:
            return
        if stored["plan__state"] == Plan.State.CLOSED:
            raise TargetLocked(f"{self.code}: the plan is closed (read only).")
        touched = update_fields is None or {"target", "comparison"} & set(update_fields)
        changed = (stored["target"], stored["comparison"]) != (self.target, self.comparison)
        if touched and changed:
            raise TargetLocked(f"{self.code}: the target of an open plan changes by a revision.")

    # The fields of the definition panel (口径说明), in the order it lists them.
    DEFINITION_FIELDS = ("definition", "method", "data_source", "published_on", "data_contact")

    @property
    def definition_rows(self):
        """(label, text) of each definition field given, with the publication frequency
        after the source; empty when none is given (the panel then says so)."""
        rows = []
        for name in self.DEFINITION_FIELDS:
            value = getattr(self, name)
            if name == "published_on":
                rows.append((_("Published"), self.get_frequency_display()))
            if value:
                rows.append((DEFINITION_LABELS[name], value))
        return rows if any(getattr(self, n) for n in self.DEFINITION_FIELDS) else []

    @property
    def history_url(self):
        """The page with every change of this indicator's reports."""
        return reverse(
            "targets:indicator_history", kwargs={"year": self.plan.year, "code": self.code}
        )

    def natural_key(self):
        return (self.plan.year, self.code)

    natural_key.dependencies = ["targets.plan", "targets.planelement"]

    @property
    def target_display(self):
        """The plan's own (original) target as leaders read it: "≥ 10", "> 100". Pages
        show a standing's target instead: the one in force as of their quarter."""
        return target_display(self.comparison, self.target)

    @property
    def target_with_unit(self):
        """The target with its unit: "≥ 10 家", "> 100 people"."""
        if not self.has_target:
            return ""
        return f"{self.target_display} {unit_for(self.unit_display, self.target)}".strip()

    @property
    def last_year_note(self):
        """Where last year's figure comes from, when it was computed (not entered)."""
        if self.last_year_quarter is None:
            return ""
        if self.last_year_quarter == 4:
            return _("computed from last year's reports: the year's figure")
        return _("computed from last year's reports up to Q%(quarter)s") % {
            "quarter": self.last_year_quarter
        }

    @property
    def unit_display(self):
        """The unit in the active language: `unit_en` on English pages when it is set."""
        if (get_language() or "").startswith("en") and self.unit_en:
            return self.unit_en
        return self.unit

    def with_unit(self, value):
        """A figure with its unit, as every page writes it: "7 家", "7 institutions"."""
        return f"{figure_text(value)} {unit_for(self.unit_display, value)}".strip()

    @property
    def figure_may_be_negative(self):
        """A growth reported as a rate may be a fall (-2.5 %); every other figure counts
        or measures something and is never below zero."""
        return self.kind == self.Kind.GROWTH and self.growth_from == self.GrowthFrom.RATE

    @property
    def has_target(self):
        return self.kind in self.KINDS_WITH_TARGET

    @property
    def has_figure(self):
        return self.kind in self.KINDS_WITH_FIGURE

    @property
    def is_milestone(self):
        return self.kind == self.Kind.MILESTONE

    @property
    def higher_is_better(self):
        return self.comparison in (self.Comparison.AT_LEAST, self.Comparison.MORE_THAN)

    @property
    def figure_places(self):
        """How many decimals a figure may have: 0 for whole numbers, else the precision."""
        return 0 if self.whole_number else self.decimal_places

    @property
    def pacing_start(self):
        """The figure a level's year starts from: last year's figure, else the baseline."""
        return self.last_year_value if self.last_year_value is not None else self.baseline

    @property
    def measured_in_percent(self):
        """Whether the figure compared with the target is a percentage (a growth, or a
        rate in %): its differences are percentage points (百分点), not per cent."""
        return self.kind == self.Kind.GROWTH or self.unit.strip() in ("%", "％")

    def due_quarters(self):
        """The quarters whose figure is due (publication frequency): all four, Q2 and
        Q4, or Q4 alone. A milestone's due date does not change when it is reported."""
        return self.DUE_QUARTERS[self.frequency]

    def derived_target(self, year):
        """This year's target on a straight line from the baseline (at the end of the
        baseline year) to the final-year target, or None when it is set by hand.
        Rounded to the indicator's decimals; the final target from the final year on."""
        if self.trajectory != self.Trajectory.STRAIGHT or None in (
            self.baseline,
            self.baseline_year,
            self.final_year,
            self.final_target,
        ):
            return None
        if self.final_year <= self.baseline_year:
            return None
        step = min(max(year - self.baseline_year, 0), self.final_year - self.baseline_year)
        share = Decimal(step) / Decimal(self.final_year - self.baseline_year)
        value = self.baseline + (self.final_target - self.baseline) * share
        return value.quantize(Decimal(1).scaleb(-self.figure_places))

    def expected_share(self, quarter):
        """Share of the annual target expected by the end of `quarter`, as a fraction."""
        return getattr(self, f"pace_q{quarter}") / Decimal(100)

    def reports_list(self):
        """Reports ordered by quarter; uses the prefetch of `with_reports` when present."""
        if hasattr(self, "prefetched_reports"):
            return self.prefetched_reports
        return list(self.reports.order_by("quarter"))

    def let_go_of_reports(self):
        """Drop the reports prefetched with it (`with_reports`), once what needs them is
        computed: a kept standing keeps only its own quarter's (views/fragments.py).
        Asked for again, they are read again."""
        self.__dict__.pop("prefetched_reports", None)

    def reports_readable_by(self, user):
        """`reports_list()` without what `user` may not read (targets.read_report)."""
        return [r for r in self.reports_list() if user.has_perm("targets.read_report", r)]

    def report_for(self, quarter):
        """This indicator's report for `quarter` (any state), or None."""
        return next((r for r in self.reports_list() if r.quarter == quarter), None)

    def done_before(self, quarter):
        """The quarter since which this milestone has been done, if before `quarter`
        (see standing.done_before)."""
        return done_before(self.reports_list(), quarter)

    def revisions_list(self):
        """Its target revisions; uses the prefetch of `with_revisions` when present."""
        if hasattr(self, "prefetched_revisions"):
            return self.prefetched_revisions
        return list(self.revisions.select_related("revised_by"))

    def target_in_force_on(self, day):
        """The target in force on `day` (a `TargetInForce`): see standing.target_in_force."""
        revisions = self.revisions_list() if self.has_target else []
        return target_in_force(self.target, revisions, day)

    def target_in_force(self, quarter):
        """The target in force at the end of `quarter` of the plan's year."""
        if not self.has_target or not self.revisions_list():
            return TargetInForce(target=self.target, original=self.target)
        return self.target_in_force_on(quarter_end(self.plan.year, quarter))

    def standing(self, quarter):
        """How this indicator stands as of the end of `quarter` (see standing.py),
        measured against the target in force on that quarter's last day."""
        return compute_standing(
            self, self.reports_list(), quarter, in_force=self.target_in_force(quarter)
        )

    def clean(self):
        super().clean()
        if self.counts_from_ledger:
            if self.kind not in (self.Kind.COUNT, self.Kind.MONITOR) or (
                self.kind == self.Kind.MONITOR and self.measure != self.Measure.FLOW
            ):
                raise ValidationError(
                    {"ledger": _("Only a figure summed over the quarters can be counted.")}
                )
            try:
                self._refuse_counting_unless_figures_agree()
            except LedgerDisagrees as refusal:
                raise ValidationError({"ledger": refusal.messages}) from None

    # --- the ledger (台账): the named items behind the figure (the ledger app) ---

    @property
    def keeps_ledger(self):
        return self.ledger != self.Ledger.NONE

    @property
    def counts_from_ledger(self):
        """A quarter's figure is the number of its ledger entries dated in that quarter."""
        return self.ledger == self.Ledger.COUNTED

    def ledger_count(self, quarter):
        """The number of ledger entries dated in `quarter` (one query)."""
        return self.ledger_entries.filter(quarter=quarter).count()

    def ledger_disagreements(self):
        """(quarter, reported figure, number of entries) of each report whose figure is not
        its quarter's count: switching to a counted ledger would change it. Two queries."""
        counts = dict(
            self.ledger_entries.values("quarter")
            .annotate(n=Count("pk"))
            .values_list("quarter", "n")
        )
        return [
            (quarter, value, counts.get(quarter, 0))
            for quarter, value in self.reports.order_by("quarter").values_list("quarter", "value")
            if (value or 0) != counts.get(quarter, 0)
        ]

    def _refuse_counting_unless_figures_agree(self):
        """Switching an indicator with reports to "counted" must not change a figure."""
        if self.pk is None:
            return
        stored = Indicator.objects.filter(pk=self.pk).values_list("ledger", flat=True).first()
        if stored == self.Ledger.COUNTED:
            return
        differences = self.ledger_disagreements()
        if differences:
            raise LedgerDisagrees(self, differences)

    def revise_target(self, *, target, effective_from, reason, by):
        """Record a revision of this indicator's target (the original is kept).

        Validated by the model (targets/models/revision.py): an active plan, a date in
        its year after every closed quarter, a reason, a different target. Raises
        ValidationError with the messages by field.
        """
        revision = TargetRevision(
            indicator=self, target=target, effective_from=effective_from, reason=reason
        )
        return revision.save_checked(by=by)
