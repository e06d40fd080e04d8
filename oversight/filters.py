"""The follow-up list's filters: state, owner section, due by, overdue."""

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import Section
from targets import clock

from .models import FollowUp


class FollowUpFilter(django_filters.FilterSet):
    state = django_filters.ChoiceFilter(
        label=_("State"), choices=FollowUp.State.choices, empty_label=_("Any")
    )
    owner_section = django_filters.ModelChoiceFilter(
        label=_("Owner section"), queryset=Section.objects.all(), empty_label=_("Any")
    )
    due_by = django_filters.DateFilter(
        label=_("Due by"),
        field_name="due_date",
        lookup_expr="lte",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    overdue = django_filters.BooleanFilter(
        label=_("Overdue only"), method="filter_overdue", widget=forms.CheckboxInput
    )

    class Meta:
        model = FollowUp
        fields = ["state", "owner_section", "due_by", "overdue"]

    def filter_overdue(self, queryset, name, value):
        return queryset.overdue(clock.today()) if value else queryset
