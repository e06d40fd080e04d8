"""The page shown to a locked-out login (django-axes calls `lockout_response`)."""

from django.conf import settings
from django.shortcuts import render

from kpitracker.proxy import client_address


def lockout_response(request, original_response=None, credentials=None):
    """429 with the site's login look, in the user's language: how many failures
    lock, and for how many minutes."""
    context = {
        "failure_limit": settings.AXES_FAILURE_LIMIT,
        "minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
    }
    return render(request, "registration/locked_out.html", context, status=429)


def client_ip(request):
    """The address the lockout counts (AXES_CLIENT_IP_CALLABLE): X-Real-IP only from a
    trusted proxy, else the socket's address (kpitracker.proxy)."""
    return client_address(request)
