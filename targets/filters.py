"""The indicator filters shared by the dashboard tables and the exports.

Pillar, lead and cooperating units and kind are columns; status is computed by the status rule,
so filtering by it reads the standings a page already has (its overview), or else
evaluates those of what the other filters left (four more queries, however many
indicators).
"""

import django_filters
from django.utils.translation import gettext_lazy as _
from django_filters.constants import EMPTY_VALUES

from accounts.models import Section

from .models import Indicator, IndicatorUnit, PlanElement, QuarterlyReport, Status
from .models.review import with_evidence
from .rules import indicators_led_by


class IndicatorFilter(django_filters.FilterSet):
    pillar = django_filters.ModelChoiceFilter(
        label=_("Pillar"),
        field_name="pillar",
        to_field_name="code",
        queryset=PlanElement.objects.none(),
        empty_label=_("All"),
    )
    # One of its lead units (牵头单位), or of its cooperating units (配合单位).
    lead_section = django_filters.ModelChoiceFilter(
        label=_("Lead unit"),
        to_field_name="code",
        queryset=Section.objects.all(),
        method="filter_unit",
        empty_label=_("All"),
    )
    cooperating_section = django_filters.ModelChoiceFilter(
        label=_("Cooperating unit"),
        to_field_name="code",
        queryset=Section.objects.all(),
        method="filter_unit",
        empty_label=_("All"),
    )
    kind = django_filters.ChoiceFilter(
        label=_("Kind"), choices=Indicator.Kind.choices, empty_label=_("All")
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=Status.choices, method="filter_status", empty_label=_("All")
    )

    class Meta:
        model = Indicator
        fields = ["pillar", "lead_section", "cooperating_section", "kind", "status"]

    def __init__(
        self, data=None, queryset=None, *, plan, quarter, cooperating=True, overview=None, **kwargs
    ):
        """`cooperating`: False where the plan names no cooperating unit (a page knows
        from its standings), so its form keeps the filters it had (the 2024 plan).
        `overview`: the plan's standings as of `quarter` where the page has them
        (`PlanOverview`), which the status filter then reads instead of computing
        every indicator's standing again."""
        self.plan = plan
        self.quarter = quarter
        self.overview = overview
        super().__init__(data, queryset, **kwargs)
        self.filters["pillar"].queryset = plan.elements.filter(level=PlanElement.Level.PILLAR)
        if not cooperating:
            del self.filters["cooperating_section"]

    def filters_nothing(self):
        """Whether the request asks for no filter (a valid form, every field empty):
        then `qs` is the queryset as given, and a page can list what it already has
        without asking the database which keys are left."""
        return self.form.is_valid() and all(
            value in EMPTY_VALUES for value in self.form.cleaned_data.values()
        )

    def applied(self):
        """The filters in force, as (label, value) pairs in the active language, for
        the title block of a download ("Pillar", "P3 效能提升"). Call after `is_valid()`.
        """
        data = self.form.cleaned_data
        described = {
            "pillar": lambda p: f"{p.code} {p.short_name}",
            "lead_section": lambda s: s.name,
            "cooperating_section": lambda s: s.name,
            "kind": lambda k: Indicator.Kind(k).label,
            "status": lambda s: Status(s).label,
        }
        return [
            (str(self.filters[key].label), str(describe(data[key])))
            for key, describe in described.items()
            if key in self.filters and data.get(key)
        ]

    def file_name_part(self):
        """The filters in force as part of a file name, by their codes ("P3-at_risk"),
        so a filtered download is never taken for the full one. Call after `is_valid()`.
        """
        data = self.form.cleaned_data
        codes = {
            "pillar": lambda p: p.code,
            "lead_section": lambda s: s.code,
            "cooperating_section": lambda s: s.code,
            "kind": str,
            "status": str,
        }
        return "-".join(
            codes[key](data[key]) for key in codes if key in self.filters and data.get(key)
        )

    def filter_unit(self, queryset, name, value):
        """A subquery, so an indicator with several units is listed once."""
        role = IndicatorUnit.Role.LEAD if name == "lead_section" else IndicatorUnit.Role.COOPERATING
        units = IndicatorUnit.objects.filter(section=value, role=role)
        return queryset.filter(pk__in=units.values("indicator_id"))

    def filter_status(self, queryset, name, value):
        if self.overview is not None:
            standings = self.overview.standings  # the whole plan's; the filter intersects
        else:
            standings = queryset.standings(self.quarter)
        codes = [s.indicator.pk for s in standings if s.status == value]
        return queryset.filter(pk__in=codes)


class PillarIndicatorFilter(IndicatorFilter):
    """The pillar page's filters: the pillar is in the URL, so it is not a choice."""

    def __init__(self, data=None, queryset=None, *, plan, quarter, **kwargs):
        super().__init__(data, queryset, plan=plan, quarter=quarter, **kwargs)
        del self.filters["pillar"]


class ReviewQueueFilter(django_filters.FilterSet):
    """The review queue's filters and its order, all in the URL (GET).

    Unit, pillar, step and evidence filter the reports in the database; status (the
    status if approved) is the status rule's and order may be too, so both are read
    from `cleaned()` and applied by `targets.models.review.ranked`.
    """

    lead_section = django_filters.ModelChoiceFilter(
        label=_("Lead unit"),
        to_field_name="code",
        queryset=Section.objects.all(),
        method="filter_lead",
        empty_label=_("All"),
    )
    pillar = django_filters.ModelChoiceFilter(
        label=_("Pillar"),
        field_name="indicator__pillar",
        to_field_name="code",
        queryset=PlanElement.objects.none(),
        empty_label=_("All"),
    )
    status = django_filters.ChoiceFilter(
        label=_("Status if approved"),
        choices=Status.choices,
        method="in_python",
        empty_label=_("All"),
    )
    step = django_filters.ChoiceFilter(
        label=_("Approval step"), choices=(), method="filter_step", empty_label=_("All")
    )
    evidence = django_filters.ChoiceFilter(
        label=_("Evidence"),
        choices=[
            ("complete", _("Every item has a file")),
            ("missing", _("An item has no file")),
        ],
        method="filter_evidence",
        empty_label=_("All"),
    )
    sort = django_filters.ChoiceFilter(
        label=_("Order"),
        choices=[
            ("waiting", _("Waiting longest first")),
            ("status", _("Status, worst first")),
            ("section", _("Lead unit")),
            ("code", _("Code")),
        ],
        method="in_python",
        empty_label=_("Plan order"),
    )

    class Meta:
        model = QuarterlyReport
        fields = ["lead_section", "pillar", "status", "step", "evidence", "sort"]

    def __init__(self, data=None, queryset=None, *, plan, **kwargs):
        super().__init__(data, queryset, **kwargs)
        self.filters["pillar"].queryset = plan.elements.filter(level=PlanElement.Level.PILLAR)
        self.filters["lead_section"].queryset = Section.objects.leading_in(plan)
        chain = plan.approval_chain()
        if len(chain) < 2:
            del self.filters["step"]  # a plan of one step: nothing to choose
        else:
            self.filters["step"].extra["choices"] = [
                (str(n), f"{n + 1}. {step.name}") for n, step in enumerate(chain)
            ]

    def cleaned(self, name):
        """A filter's value as the form cleaned it ("" when unset or invalid)."""
        if not self.is_valid():
            return ""
        return self.form.cleaned_data.get(name) or ""

    def in_python(self, queryset, name, value):
        return queryset

    def filter_lead(self, queryset, name, value):
        """A subquery, so a report of an indicator with several lead units is listed once."""
        return queryset.filter(indicators_led_by([value.pk], "indicator__"))

    def filter_step(self, queryset, name, value):
        return queryset.filter(step=int(value))

    def filter_evidence(self, queryset, name, value):
        return with_evidence(queryset, missing=value == "missing")
