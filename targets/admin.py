"""Django admin: administrators set up a year's plan, its indicators and who leads each.

A plan's state changes on its set-up page in the application (open, close, reopen,
with who and why); here a draft's structure and targets are edited. Once a plan is
open, its targets change only by a revision (the indicator's page), and a closed
plan is read only.
"""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    ApprovalStep,
    BaselineResult,
    Indicator,
    IndicatorUnit,
    Plan,
    PlanElement,
    QuarterlyReport,
    ReportingPeriod,
    TargetRevision,
)


def _closed(plan):
    return plan is not None and plan.is_closed


class PlanElementInline(admin.TabularInline):
    model = PlanElement
    extra = 0

    def has_change_permission(self, request, obj=None):
        return not _closed(obj) and super().has_change_permission(request, obj)

    def has_add_permission(self, request, obj=None):
        return not _closed(obj) and super().has_add_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not _closed(obj) and super().has_delete_permission(request, obj)


class BaselineResultInline(PlanElementInline):
    model = BaselineResult


class ApprovalStepInline(PlanElementInline):
    """The plan's approval chain (also set on its setup page, which refuses a change
    while reports wait partway through it: `approval.replace_chain`)."""

    model = ApprovalStep
    fields = ["order", "name_zh", "name_en", "role", "group", "own_section_only"]
    ordering = ["order", "pk"]

    def _in_use(self, obj):
        # Reports waiting past the first step would be stranded by a changed chain.
        return (
            obj is not None
            and QuarterlyReport.objects.filter(
                indicator__plan=obj, state=QuarterlyReport.State.SUBMITTED, step__gt=0
            ).exists()
        )

    def has_change_permission(self, request, obj=None):
        return not self._in_use(obj) and super().has_change_permission(request, obj)

    def has_add_permission(self, request, obj=None):
        return not self._in_use(obj) and super().has_add_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not self._in_use(obj) and super().has_delete_permission(request, obj)


@admin.register(Plan)
class PlanAdmin(SimpleHistoryAdmin):
    list_display = ["year", "name_zh", "name_en", "state", "continues"]
    list_select_related = ["continues"]
    readonly_fields = ["state", "continues"]
    inlines = [PlanElementInline, BaselineResultInline, ApprovalStepInline]

    def has_change_permission(self, request, obj=None):
        return not _closed(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        # A draft is deleted on its set-up page (its indicators first); an open or
        # closed plan holds reports and is kept.
        return False


@admin.register(PlanElement)
class PlanElementAdmin(admin.ModelAdmin):
    list_display = ["code", "level", "name_zh", "plan"]
    list_filter = ["plan", "level"]
    list_select_related = ["plan"]

    def has_change_permission(self, request, obj=None):
        return not _closed(obj and obj.plan) and super().has_change_permission(request, obj)


@admin.action(description=_("Confirm the targets as they are"))
def confirm_targets(modeladmin, request, queryset):
    """Confirm the copied targets of the selected indicators of draft plans."""
    confirmed = 0
    for indicator in queryset.filter(plan__state=Plan.State.DRAFT, target_to_confirm=True):
        indicator.target_to_confirm = False
        indicator.save_by(
            request.user, "目标已确认 / target confirmed", update_fields=["target_to_confirm"]
        )
        confirmed += 1
    modeladmin.message_user(
        request,
        ngettext("%(n)s target confirmed.", "%(n)s targets confirmed.", confirmed)
        % {"n": confirmed},
        messages.SUCCESS,
    )


class IndicatorUnitInline(admin.TabularInline):
    """Its lead and cooperating sections (牵头单位 / 配合单位), in the plan's order."""

    model = IndicatorUnit
    extra = 1
    fields = ["role", "section", "order"]

    def has_change_permission(self, request, obj=None):
        return not _closed(obj and obj.plan) and super().has_change_permission(request, obj)

    def has_add_permission(self, request, obj=None):
        return not _closed(obj and obj.plan) and super().has_add_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not _closed(obj and obj.plan) and super().has_delete_permission(request, obj)


@admin.register(Indicator)
class IndicatorAdmin(SimpleHistoryAdmin):
    list_display = [
        "code",
        "name_zh",
        "kind",
        "comparison",
        "target",
        "target_to_confirm",
        "unit",
        "lead_names",
        "ledger",
    ]
    list_filter = ["plan", "pillar", "kind", "units__section", "ledger", "target_to_confirm"]
    list_select_related = ["plan", "pillar"]
    inlines = [IndicatorUnitInline]
    search_fields = ["code", "name_zh", "name_en"]
    raw_id_fields = ["continues"]
    actions = [confirm_targets]
    fieldsets = [
        (None, {"fields": ["plan", "pillar", "task", "code", "name_zh", "name_en", "order"]}),
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
                    "target_to_confirm",
                    "last_year_value",
                    "last_year_quarter",
                    "ledger",
                ]
            },
        ),
        (None, {"fields": ["pace_q1", "pace_q2", "pace_q3", "pace_q4", "due_quarter"]}),
        (None, {"fields": ["continues"]}),
        (
            _("Definition and source"),
            {
                "fields": [
                    "definition",
                    "method",
                    "data_source",
                    "frequency",
                    "published_on",
                    "data_contact",
                ]
            },
        ),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).with_units()  # the list's lead units

    @admin.display(description=_("lead units"))
    def lead_names(self, obj):
        return obj.lead_names

    def get_readonly_fields(self, request, obj=None):
        readonly = ["last_year_quarter"]
        if obj is not None and not obj.plan.is_draft:
            # An open plan's target changes by a revision, which keeps the original.
            readonly += ["plan", "kind", "measure", "comparison", "target", "target_to_confirm"]
        return readonly

    def has_change_permission(self, request, obj=None):
        return not _closed(obj and obj.plan) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return (obj is None or obj.plan.is_draft) and super().has_delete_permission(request, obj)

    def save_model(self, request, obj, form, change):
        if obj.plan.is_draft and "target" in form.changed_data:
            obj.target_to_confirm = False  # a target entered for the new year is confirmed
        if "last_year_value" in form.changed_data:
            obj.last_year_quarter = None  # entered by hand now, not computed
        obj._history_user = request.user
        obj._change_reason = "管理后台 / administration"
        super().save_model(request, obj, form, change)


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
    list_filter = ["indicator__plan", "quarter", "state", "indicator__units__section"]
    list_select_related = ["indicator", "indicator__plan"]
    search_fields = ["indicator__code", "indicator__name_zh"]


@admin.register(ReportingPeriod)
class ReportingPeriodAdmin(ReadOnlyAdmin):
    """Read-only: quarters are closed and reopened (with a reason) on the Quarters page."""

    list_display = ["plan", "quarter", "is_closed", "changed_by", "changed_at", "reason"]
    list_filter = ["plan", "is_closed"]


@admin.register(TargetRevision)
class TargetRevisionAdmin(admin.ModelAdmin):
    """Read-only: a target is revised on its indicator's page, where the rules apply
    (an active plan, a date after every closed quarter, a reason); a revision is never
    edited or deleted, a correction is another revision."""

    list_display = ["indicator", "target", "effective_from", "reason", "revised_by", "revised_at"]
    list_filter = ["indicator__plan"]
    list_select_related = ["indicator", "revised_by"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
