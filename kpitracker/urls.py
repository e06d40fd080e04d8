from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.templatetags.static import static
from django.urls import include, path
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _
from django.views.generic import RedirectView
from django_cas_ng import views as cas_views
from mozilla_django_oidc import views as oidc_views

from accounts import views as account_views

admin.site.site_header = settings.ADMIN_SITE_HEADER
admin.site.site_title = _("kpitracker")

urlpatterns = [
    # Browsers ask for /favicon.ico on every page, the admin's included. Lazy: the
    # hashed static name is only known once collectstatic has run.
    path("favicon.ico", RedirectView.as_view(url=lazy(static, str)("favicon.svg"))),
    # Log in and out, and change one's own password. No password reset by e-mail:
    # administrators create accounts and set passwords (docs/decisions.md).
    path(
        "accounts/login/",
        account_views.LoginView.as_view(
            extra_context={
                "failure_limit": settings.AXES_FAILURE_LIMIT,
                "lockout_minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
            }
        ),
        name="login",
    ),
    # Logging out ends a single sign-on session too (OIDC, CAS): accounts/views.py.
    path("accounts/logout/", account_views.logout_view, name="logout"),
    path("accounts/waiting/", account_views.waiting, name="accounts_waiting"),
    # Single sign-on, each a 404 until switched on (SSO=oidc,cas,ldap in settings).
    path(
        "accounts/oidc/authenticate/",
        account_views.enabled("oidc")(oidc_views.OIDCAuthenticationRequestView.as_view()),
        name="oidc_authentication_init",
    ),
    path(
        "accounts/oidc/callback/",
        account_views.enabled("oidc")(oidc_views.OIDCAuthenticationCallbackView.as_view()),
        name="oidc_authentication_callback",
    ),
    path(
        "accounts/cas/login/",
        account_views.enabled("cas")(cas_views.LoginView.as_view()),
        name="cas_ng_login",
    ),
    path(
        "accounts/password_change/",
        auth_views.PasswordChangeView.as_view(),
        name="password_change",
    ),
    path(
        "accounts/password_change/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/", include("api.urls")),
    path("", include("ledger.urls")),
    path("", include("oversight.urls")),
    path("", include("notices.urls")),
    path("", include("targets.urls")),
]
