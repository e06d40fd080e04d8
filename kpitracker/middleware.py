"""Request-wide guards: the HTTP methods we answer, sessions that end when idle, the
size of a request body, NUL in the query string, and pages the browser must not keep."""

import time

from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import HttpResponseBadRequest, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _

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
            return redirect("accounts_waiting")
        return self.get_response(request)


class BodyLimitMiddleware:
    """413 for a request body over KPI_REQUEST_MAX_MB (KPI_ANONYMOUS_MAX_KB for a
    visitor not signed in), before Django reads a byte of it (issue 23).

    Django reads the body lazily (request.POST, first touched by CSRF's process_view,
    which runs after every middleware's __call__) and, under WSGI, never more than
    Content-Length bytes (django.core.handlers.wsgi.LimitedStream): so checking the
    declared length here bounds the streamed length too, for nginx and for a direct
    gunicorn alike. A chunked body (no Content-Length) would be read as empty by
    Django; it is refused with 411 rather than silently dropped. Placed after the
    authentication middleware: a session lookup costs no body read.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.META.get("HTTP_TRANSFER_ENCODING", "").lower() == "chunked":
            return _refusal(request, 411)
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return _refusal(request, 400)
        if length > settings.KPI_ANONYMOUS_MAX_BYTES and not request.user.is_authenticated:
            return _refusal(request, 413)
        if length > settings.KPI_REQUEST_MAX_BYTES:
            return _refusal(request, 413)
        return self.get_response(request)


def _refusal(request, status):
    # The body is never read: the connection is closed after the answer, so a client
    # still sending does not have the rest taken as the next request.
    response = render(
        request,
        "413.html",
        {"limit_mb": settings.KPI_REQUEST_MAX_BYTES // (1024 * 1024), "status": status},
        status=status,
    )
    response["Connection"] = "close"
    return response


class QueryParametersMiddleware:
    """400 for a NUL character in the query string, before any view reads it.

    PostgreSQL refuses NUL in text (a DataError, so a 500 wherever a parameter
    reaches a query: issue 23's ledger export and report template); nothing a person
    types or a page links to holds one. One place for every page, the admin and
    whatever comes later; parameters that reach the database are otherwise
    validated by their forms and filters (`clean_code` for a bare code).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if any("\x00" in key or "\x00" in value for key, value in _pairs(request.GET)):
            return HttpResponseBadRequest(_("A parameter of the address holds a NUL character."))
        return self.get_response(request)


def _pairs(querydict):
    for key, values in querydict.lists():
        for value in values:
            yield key, value


class PrivatePagesMiddleware:
    """Nothing a signed-in person saw stays in the browser after logout (issue 23).

    `Cache-Control: no-store` on every answer to a signed-in request, pages and files
    alike (a report template holds draft narratives): the browser keeps no copy, so
    Back after logout asks the server again and gets the login page, and the page is
    not put in the back-forward cache either. `private, no-cache` would still store
    the page on disk (revalidated before use, but readable by the next person on a
    shared office PC), so no-store it is. A response that set its own Cache-Control
    (the exports) keeps it. Static files are not affected: WhiteNoise answers them
    before this middleware runs.

    The logout answer also carries `Clear-Site-Data: "cache", "storage"`: the
    browser drops what it cached and stored for this site. Not "cookies": that clears
    every cookie of the registrable domain (a city's shared domain: other systems'
    sign-ins too), and our session cookie is deleted by the logout itself.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        signed_in = request.user.is_authenticated  # before the view: logout changes it
        response = self.get_response(request)
        if signed_in and "Cache-Control" not in response:
            patch_cache_control(response, no_store=True, private=True)
        if signed_in and request.resolver_match and request.resolver_match.url_name == "logout":
            response["Clear-Site-Data"] = '"cache", "storage"'
        return response
