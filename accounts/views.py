"""Signing in and out with single sign-on, and the page of an account that waits."""

from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST, require_safe

from .signon import SESSION_SOURCE


def enabled(protocol):
    """Wrap a library's view: a 404 while `protocol` is not switched on in settings."""

    def wrap(view):
        def guarded(request, *args, **kwargs):
            if protocol not in settings.SSO_PROTOCOLS:
                raise Http404
            return view(request, *args, **kwargs)

        return guarded

    return wrap


class LoginView(auth_views.LoginView):
    """Django's login page, with a button per single sign-on protocol switched on."""

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "sso": settings.SSO_PROTOCOLS}


@require_POST
def logout_view(request):
    """End the session here and, where the protocol has it, at the identity provider
    too (OIDC end_session_endpoint, CAS /logout), which then comes back to login."""
    source = request.session.get(SESSION_SOURCE, "")
    id_token = request.session.get("oidc_id_token")
    logout(request)
    back = request.build_absolute_uri(reverse(settings.LOGOUT_REDIRECT_URL))
    if source == "oidc" and settings.OIDC_OP_LOGOUT_ENDPOINT:
        query = {"post_logout_redirect_uri": back, "client_id": settings.OIDC_RP_CLIENT_ID}
        if id_token:
            query["id_token_hint"] = id_token
        return redirect(f"{settings.OIDC_OP_LOGOUT_ENDPOINT}?{urlencode(query)}")
    if source == "cas" and settings.CAS_SERVER_URL:
        return redirect(f"{settings.CAS_SERVER_URL}logout?{urlencode({'service': back})}")
    return redirect(settings.LOGOUT_REDIRECT_URL)


@require_safe
@login_required
def waiting(request):
    """ "您的账号已创建，等待管理员分配科室": until an administrator assigns a section."""
    if not request.user.awaits_assignment:
        return redirect(settings.LOGIN_REDIRECT_URL)
    return render(request, "registration/waiting.html")
