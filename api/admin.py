"""API clients in the admin: register one, limit it, issue, rotate and revoke its
tokens (the token is shown once, on the page that issues it), and read its calls."""

import datetime

from django.conf import settings
from django.contrib import admin, messages
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .models import ApiCall, ApiClient, ApiToken


class TokenInline(admin.TabularInline):
    model = ApiToken
    fields = ["__str__", "issued_at", "issued_by", "expires_at", "revoked_at", "revoked_by"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None):
        return False


def _issued_page(request, issued, title):
    response = TemplateResponse(
        request,
        "api/admin/token_issued.html",
        {
            **admin.site.each_context(request),
            "title": title,
            "issued": issued,
            "opts": ApiClient._meta,
        },
    )
    response["Cache-Control"] = "no-store"  # the tokens in clear: never kept by a cache
    return response


@admin.action(description=_("Issue a new token (the others stay valid)"))
def issue_token(modeladmin, request, queryset):
    issued = [(client, *client.issue_token(by=request.user)) for client in queryset]
    return _issued_page(request, issued, _("Tokens issued"))


@admin.action(description=_("Rotate: issue a new token, the old ones expire after the grace time"))
def rotate_token(modeladmin, request, queryset):
    grace = datetime.timedelta(hours=settings.API_TOKEN_ROTATION_HOURS)
    issued = [(client, *client.issue_token(by=request.user, grace=grace)) for client in queryset]
    return _issued_page(request, issued, _("Tokens rotated"))


@admin.action(description=_("Revoke every token now"))
def revoke_tokens(modeladmin, request, queryset):
    count = sum(client.revoke_tokens(by=request.user) for client in queryset)
    modeladmin.message_user(
        request,
        ngettext("%(count)d token revoked.", "%(count)d tokens revoked.", count) % {"count": count},
        messages.SUCCESS,
    )


@admin.register(ApiClient)
class ApiClientAdmin(admin.ModelAdmin):
    list_display = ["name", "contact", "is_active", "rate", "may_download_files", "created_at"]
    list_filter = ["is_active"]
    search_fields = ["name", "contact"]
    filter_horizontal = ["plans", "sections"]
    inlines = [TokenInline]
    actions = [issue_token, rotate_token, revoke_tokens]


@admin.register(ApiCall)
class ApiCallAdmin(admin.ModelAdmin):
    """The call log: read only."""

    list_display = ["at", "client", "token", "method", "path", "status", "milliseconds"]
    list_filter = ["status", "client"]
    list_select_related = ["client", "token"]
    date_hierarchy = "at"
    search_fields = ["path"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
