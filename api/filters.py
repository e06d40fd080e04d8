"""The filters of each list: plan year, quarter, pillar, section, state, by their codes.

The section filter goes through targets/rules.py (`indicators_led_by`), the one place
that says which indicators a section leads.
"""

import django_filters
from django.utils.translation import gettext_lazy as _

from accounts.models import Section
from ledger.models import LedgerEntry
from targets.models import Indicator, Plan, PlanElement, QuarterlyReport
from targets.rules import indicators_led_by

QUARTERS = [(q, f"Q{q}") for q in (1, 2, 3, 4)]


def section_filter(prefix=""):
    def filter_section(queryset, name, value):
        return queryset.filter(indicators_led_by(Section.objects.filter(code=value), prefix))

    return django_filters.CharFilter(label=_("Section"), method=filter_section)


class PlanFilter(django_filters.FilterSet):
    year = django_filters.NumberFilter(field_name="year")

    class Meta:
        model = Plan
        fields = ["year", "state"]


class ElementFilter(django_filters.FilterSet):
    year = django_filters.NumberFilter(field_name="plan__year")

    class Meta:
        model = PlanElement
        fields = ["year", "level"]


class IndicatorFilter(django_filters.FilterSet):
    year = django_filters.NumberFilter(field_name="plan__year")
    pillar = django_filters.CharFilter(field_name="pillar__code")
    section = section_filter()

    class Meta:
        model = Indicator
        fields = ["year", "pillar", "section", "kind", "code"]


class ReportFilter(django_filters.FilterSet):
    year = django_filters.NumberFilter(field_name="indicator__plan__year")
    quarter = django_filters.TypedChoiceFilter(choices=QUARTERS, coerce=int)
    pillar = django_filters.CharFilter(field_name="indicator__pillar__code")
    section = section_filter("indicator__")
    code = django_filters.CharFilter(field_name="indicator__code")
    state = django_filters.ChoiceFilter(
        choices=[(s.value, s.value) for s in QuarterlyReport.COUNTED_STATES]
    )

    class Meta:
        model = QuarterlyReport
        fields = ["year", "quarter", "pillar", "section", "code", "state"]


class LedgerEntryFilter(django_filters.FilterSet):
    year = django_filters.NumberFilter(field_name="indicator__plan__year")
    quarter = django_filters.TypedChoiceFilter(choices=QUARTERS, coerce=int)
    pillar = django_filters.CharFilter(field_name="indicator__pillar__code")
    section = section_filter("indicator__")
    code = django_filters.CharFilter(field_name="indicator__code")
    division = django_filters.CharFilter(field_name="division__code")

    class Meta:
        model = LedgerEntry
        fields = ["year", "quarter", "pillar", "section", "code", "division"]


class HistoryFilter(django_filters.FilterSet):
    year = django_filters.NumberFilter(field_name="indicator__plan__year")
    quarter = django_filters.TypedChoiceFilter(choices=QUARTERS, coerce=int)
    pillar = django_filters.CharFilter(field_name="indicator__pillar__code")
    section = section_filter("indicator__")
    code = django_filters.CharFilter(field_name="indicator__code")
    since = django_filters.IsoDateTimeFilter(field_name="history_date", lookup_expr="gte")

    class Meta:
        model = QuarterlyReport.history.model
        fields = ["year", "quarter", "pillar", "section", "code", "since"]
