"""The admin site: administrators only, and a clear 403 for everyone else signed in."""

from django.contrib import admin
from django.core.exceptions import PermissionDenied


class KpiAdminSite(admin.AdminSite):
    def admin_view(self, view, cacheable=False):
        inner = super().admin_view(view, cacheable)

        def guarded(request, *args, **kwargs):
            # Django would send a signed-in non-admin to the admin login page; say no
            # plainly instead, so a direct admin URL never looks like a way in.
            if request.user.is_authenticated and not self.has_permission(request):
                raise PermissionDenied
            return inner(request, *args, **kwargs)

        guarded.__wrapped__ = inner
        return guarded

    def login(self, request, extra_context=None):
        if request.user.is_authenticated and not self.has_permission(request):
            raise PermissionDenied
        return super().login(request, extra_context)
