from django.conf import settings
from django.contrib import admin
from django.templatetags.static import static
from django.urls import include, path
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _
from django.views.generic import RedirectView

admin.site.site_header = settings.ADMIN_SITE_HEADER
admin.site.site_title = _("kpitracker")

urlpatterns = [
    # Browsers ask for /favicon.ico on every page, the admin's included. Lazy: the
    # hashed static name is only known once collectstatic has run.
    path("favicon.ico", RedirectView.as_view(url=lazy(static, str)("favicon.svg"))),
    path("accounts/", include("django.contrib.auth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("", include("targets.urls")),
]
