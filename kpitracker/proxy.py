"""Behind a proxy, only the proxy is believed (issue 23).

nginx in front sets `X-Real-IP` (the visitor's address) and `X-Forwarded-Proto`,
overwriting whatever the client sent. But a client that reaches gunicorn directly
can send those headers itself: with BEHIND_PROXY alone, rotating `X-Real-IP` evaded
the login lockout and a spoofed address locked out any chosen one. So the headers
count only when the request's socket address is one of TRUSTED_PROXIES (addresses
or CIDR networks); from anywhere else they are removed before any other code reads
them (`ForwardedHeadersMiddleware`, first in the chain) and the socket's address is
the client's. django-axes asks `client_address` (AXES_CLIENT_IP_CALLABLE).
"""

import ipaddress
from functools import lru_cache

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

FORWARDED = ("HTTP_X_REAL_IP", "HTTP_X_FORWARDED_FOR", "HTTP_X_FORWARDED_PROTO")


def networks(entries):
    """The ip_network of each entry ("127.0.0.1", "10.0.0.0/8"); a bad one stops the start."""
    found = []
    for entry in entries:
        try:
            found.append(ipaddress.ip_network(entry, strict=False))
        except ValueError:
            raise ImproperlyConfigured(
                f"TRUSTED_PROXIES must list IP addresses or networks, not {entry!r}."
            ) from None
    return tuple(found)


@lru_cache(maxsize=1024)
def _trusted(address, proxies):
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in proxies)


def from_proxy(request):
    """Whether the request's socket address is a configured proxy."""
    if not settings.BEHIND_PROXY:
        return False
    return _trusted(request.META.get("REMOTE_ADDR", ""), settings.TRUSTED_PROXIES)


def client_address(request):
    """The visitor's address: the proxy's X-Real-IP when the request came from a trusted
    proxy (and the header holds an address), else the socket's address."""
    remote = request.META.get("REMOTE_ADDR", "")
    if from_proxy(request):
        forwarded = request.META.get("HTTP_X_REAL_IP", "").strip()
        try:
            return str(ipaddress.ip_address(forwarded))
        except ValueError:
            return remote
    return remote


class ForwardedHeadersMiddleware:
    """Drop the forwarded headers of a request that did not come from a trusted proxy,
    so neither Django's is_secure() (SECURE_PROXY_SSL_HEADER) nor anything else can
    be told a story by the client."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not from_proxy(request):
            for header in FORWARDED:
                request.META.pop(header, None)
        return self.get_response(request)
