"""Who is calling: a client's bearer token, turned into a reader for targets/rules.py.

A client reads as a signed-in person without a role or a section does: the plans
that are not drafts, the reports that are submitted or approved, their ledger and
history — never a draft (targets/rules.py decides, as for the pages). On top of that
the client's own scope narrows it to some plans and/or sections (`api.scope`).
"""

import rules
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions

from .models import TOKEN_PREFIX, ApiToken, token_digest

KEYWORD = "Bearer"


class ApiPrincipal:
    """`request.user` of an API call: the attributes the rules' predicates read
    (no role, no section, not a superuser) and `has_perm` through django-rules."""

    is_authenticated = True
    is_anonymous = False
    is_active = True
    is_superuser = False
    is_staff = False
    role = ""
    section_id = None
    pk = id = None

    def __init__(self, token):
        self.token = token
        self.client = token.client

    def __str__(self):
        return f"API client {self.client.name}"

    def has_perm(self, perm, obj=None):
        return rules.has_perm(perm, self, obj)

    def get_username(self):
        return str(self)

    @cached_property
    def plan_ids(self):
        """The plans the client is limited to (empty: none chosen, all). One query."""
        return sorted(self.client.plans.values_list("pk", flat=True))

    @cached_property
    def section_ids(self):
        """The sections the client is limited to (empty: all). One query."""
        return sorted(self.client.sections.values_list("pk", flat=True))

    @property
    def scope_key(self):
        """What the client may read, as text for the ETag (two queries, once)."""
        files = int(self.client.may_download_files)
        return f"{self.client.pk}:{self.plan_ids}:{self.section_ids}:{files}"


class BearerTokenAuthentication(authentication.BaseAuthentication):
    """`Authorization: Bearer kpi_…`: one query (the token by its SHA-256, with its
    client). A revoked, expired or unknown token, or an inactive client, is 401."""

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).decode("latin-1").split()
        if not header or header[0].lower() != KEYWORD.lower():
            return None
        if len(header) != 2 or not header[1].startswith(TOKEN_PREFIX):
            raise exceptions.AuthenticationFailed(_("Send one token: Authorization: Bearer kpi_…"))
        token = (
            ApiToken.objects.select_related("client").filter(digest=token_digest(header[1])).first()
        )
        if token is None or not token.is_live() or not token.client.is_active:
            raise exceptions.AuthenticationFailed(_("This token is unknown, expired or revoked."))
        return ApiPrincipal(token), token

    def authenticate_header(self, request):
        return f'{KEYWORD} realm="api"'
