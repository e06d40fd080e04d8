"""Site-wide pages that are not about plans: the CSRF failure page."""

from django.conf import settings
from django.shortcuts import render


def csrf_failure(request, reason=""):
    """A refused form, explained in the user's language.

    The usual cause on an intranet is a plain-http address while the cookies are
    marked Secure (HTTPS on): the browser never sends the CSRF cookie back, and
    every login fails. The page says so, with the setting that fixes it.
    """
    context = {
        "insecure_request_with_secure_cookie": (
            not request.is_secure() and settings.CSRF_COOKIE_SECURE
        ),
    }
    return render(request, "403_csrf.html", context, status=403)
