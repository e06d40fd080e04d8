"""Request-wide guards: the HTTP methods we answer, and sessions that end when idle."""

import time

from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import HttpResponseNotAllowed

ALLOWED_METHODS = ("GET", "HEAD", "POST")

# When the session was last renewed (seconds since the epoch), set at login.
RENEWED_AT = "_kpi_renewed_at"


class AllowedMethodsMiddleware:
    """405 for every method but GET, HEAD and POST, before any view runs.

    Pages are read with GET and changed with POST; TRACE, PUT, DELETE and friends
    have no use here, and refusing them in one place covers the admin and the
    third-party views too.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method not in ALLOWED_METHODS:
            return HttpResponseNotAllowed(ALLOWED_METHODS)
        return self.get_response(request)


class SessionIdleMiddleware:
    """Renew a signed-in session while it is used, so it ends SESSION_COOKIE_AGE after
    the last request rather than after the login.

    Django renews a session only when it changes; SESSION_SAVE_EVERY_REQUEST would
    write to the database on every page. Here the session is touched at most once
    every SESSION_RENEW_SECONDS (five minutes by default).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = getattr(request, "session", None)
        if session is not None:
            renewed = session.get(RENEWED_AT)
            now = int(time.time())
            if renewed is not None and now - renewed >= settings.SESSION_RENEW_SECONDS:
                session[RENEWED_AT] = now
        return self.get_response(request)


@receiver(user_logged_in, dispatch_uid="kpitracker_session_renewed_at_login")
def _mark_session_renewed(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        request.session[RENEWED_AT] = int(time.time())


class AwaitingAssignmentMiddleware:
    """A single sign-on account without a section or role sees only the waiting page
    (accounts/views.py `waiting`), logging out and the language switch."""

    OPEN = ("/accounts/", "/i18n/", "/static/", "/favicon.ico")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and getattr(user, "awaits_assignment", False)
            and not request.path.startswith(self.OPEN)
        ):
            from django.shortcuts import redirect

            return redirect("accounts_waiting")
        return self.get_response(request)
