"""Rate limits per token: each token has its own count, at its client's rate."""

from rest_framework.throttling import SimpleRateThrottle

from .auth import ApiPrincipal


class TokenRateThrottle(SimpleRateThrottle):
    """The client's `rate` (e.g. "60/minute") per token, counted in the default cache;
    a call beyond it is answered 429 with Retry-After. With several app servers the
    cache must be shared (Redis) for the count to be one."""

    cache_format = "kpi:api:throttle:%(ident)s"

    def __init__(self):
        # The rate is the client's, known only once the token is read (allow_request).
        pass

    def allow_request(self, request, view):
        if not isinstance(request.user, ApiPrincipal):
            return True
        self.rate = request.user.client.rate
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request, view)

    def get_cache_key(self, request, view):
        return self.cache_format % {"ident": request.auth.pk}
