from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from .models import Section, User


@admin.register(Section)
class SectionAdmin(admin.ModelAdmin):
    list_display = ["code", "name_zh", "name_en", "is_illustrative"]
    search_fields = ["code", "name_zh", "name_en"]


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    # Who came from where: a local account or single sign-on (accounts/sso.py).
    list_display = [
        "username",
        "get_full_name",
        "role",
        "section",
        "source",
        "is_active",
        "last_login",
    ]
    list_filter = ["source", "role", "section", "is_active", "is_superuser"]
    list_select_related = ["section"]
    fieldsets = (
        *DjangoUserAdmin.fieldsets,
        (_("Bureau"), {"fields": ("role", "section", "source")}),
    )
    readonly_fields = ["source"]
    add_fieldsets = (
        *DjangoUserAdmin.add_fieldsets,
        (_("Bureau"), {"fields": ("role", "section")}),
    )
