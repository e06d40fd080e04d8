"""Django admin: administrators set up a year's plan, its indicators and who leads each."""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    BaselineResult,
    Indicator,
    Plan,
    PlanElement,
    QuarterlyReport,
    ReportingPeriod,
)


class PlanElementInline(admin.TabularInline):
    model = PlanElement
    extra = 0


class BaselineResultInline(admin.TabularInline):
    model = BaselineResult
    extra = 0


@admin.register(Plan)
class PlanAdmin(admin.ModelAdmin):
    list_display = ["year", "name_zh", "name_en"]
    inlines = [PlanElementInline, BaselineResultInline]


@admin.register(PlanElement)
class PlanElementAdmin(admin.ModelAdmin):
    list_display = ["code", "level", "name_zh", "plan"]
    list_filter = ["plan", "level"]
    list_select_related = ["plan"]


@admin.register(Indicator)
class IndicatorAdmin(SimpleHistoryAdmin):
    list_display = [
        "code",
        "name_zh",
        "kind",
        "comparison",
        "target",
        "unit",
        "lead_section",
        "ledger",
    ]
    list_filter = ["plan", "pillar", "kind", "lead_section", "ledger"]
    list_select_related = ["plan", "pillar", "lead_section"]
    list_editable = ["lead_section"]
    search_fields = ["code", "name_zh", "name_en"]
    fieldsets = [
        (None, {"fields": ["plan", "pillar", "code", "name_zh", "name_en", "order"]}),
        (
            None,
            {
                "fields": [
                    "kind",
                    "measure",
                    "unit",
                    "unit_en",
                    "whole_number",
                    "comparison",
                    "target",
                    "last_year_value",
                    "lead_section",
                    "ledger",
                ]
            },
        ),
        (None, {"fields": ["pace_q1", "pace_q2", "pace_q3", "pace_q4", "due_quarter"]}),
    ]


class ReadOnlyAdmin(SimpleHistoryAdmin):
    """Shows rows and their history; changes go through the app, where its rules apply."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        # simple-history's page of an old version saves whatever is posted to it,
        # even with revert disabled: only let it show.
        if request.method == "POST":
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)


@admin.register(QuarterlyReport)
class QuarterlyReportAdmin(ReadOnlyAdmin):
    """Read-only: reports change only through the report form and review, where the
    workflow (reasons, locking, closed quarters) applies."""

    list_display = ["indicator", "quarter", "value", "milestone_state", "state", "updated_at"]
    list_filter = ["indicator__plan", "quarter", "state", "indicator__lead_section"]
    list_select_related = ["indicator", "indicator__plan"]
    search_fields = ["indicator__code", "indicator__name_zh"]


@admin.register(ReportingPeriod)
class ReportingPeriodAdmin(ReadOnlyAdmin):
    """Read-only: quarters are closed and reopened (with a reason) on the Quarters page."""

    list_display = ["plan", "quarter", "is_closed", "changed_by", "changed_at", "reason"]
    list_filter = ["plan", "is_closed"]
