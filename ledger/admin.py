"""Admin: administrators keep the list of counties and districts; ledger entries and
their files are shown read-only, with their history — they change only with their
report (the report form), where its rules apply."""

from django.contrib import admin
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from targets.admin import ReadOnlyAdmin

from .models import Division, EvidenceFile, LedgerEntry


@admin.register(Division)
class DivisionAdmin(SimpleHistoryAdmin):
    list_display = ["name_zh", "name_en", "kind", "code", "order", "is_active"]
    list_editable = ["order", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name_zh", "name_en", "code"]

    def has_delete_permission(self, request, obj=None):
        # A place that items name stays (untick "offered" instead): PROTECT would refuse.
        if obj is not None and obj.entries.exists():
            return False
        return super().has_delete_permission(request, obj)


class EvidenceInline(admin.TabularInline):
    model = EvidenceFile
    extra = 0
    fields = ["download", "file_type", "size", "sha256", "uploaded_by", "uploaded_at"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description=_("file"))
    def download(self, evidence):
        indicator = evidence.entry.indicator
        return format_html(
            '<a href="{}">{}</a>', evidence.url(indicator.plan.year, indicator.code), evidence.name
        )


@admin.register(LedgerEntry)
class LedgerEntryAdmin(ReadOnlyAdmin):
    list_display = ["name", "indicator", "quarter", "date", "division", "document_number"]
    list_filter = ["indicator__plan", "quarter", "division", "indicator__units__section"]
    list_select_related = ["indicator", "indicator__plan", "division"]
    search_fields = ["name", "normalized_name", "document_number", "indicator__code"]
    inlines = [EvidenceInline]
