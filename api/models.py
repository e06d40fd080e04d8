"""Clients of the read API (the city's data platform and the like), their tokens and
the log of their calls.

A client is a system, not a person: an administrator registers it in the admin,
limits it to some plans and/or sections (nothing chosen: all), and issues it a
token. Only the token's SHA-256 is stored (a token is 256 random bits, so a plain
hash is enough: nothing to guess from it); the token itself is shown once, when it
is issued. Rotating issues a new token and lets the old one run out after a grace
period, so the platform can switch without a gap; revoking ends a token at once.
"""

import hashlib
import secrets

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

TOKEN_PREFIX = "kpi_"
# The first characters after the prefix, kept in clear to tell tokens apart in the
# admin and the call log ("kpi_3fA9…").
SHOWN_LENGTH = 8

RATE_VALIDATOR = RegexValidator(
    r"^[1-9][0-9]{0,5}/(second|minute|hour|day)$",
    _("Write a number of calls per second, minute, hour or day, e.g. 60/minute."),
)


def token_digest(token):
    return hashlib.sha256(token.encode()).hexdigest()


class ApiClient(models.Model):
    name = models.CharField(_("name"), max_length=100, unique=True)
    contact = models.CharField(
        _("contact"), max_length=200, blank=True, help_text=_("Who runs it, and how to reach them.")
    )
    is_active = models.BooleanField(
        _("active"), default=True, help_text=_("Off: every token of this client is refused.")
    )
    plans = models.ManyToManyField(
        "targets.Plan",
        verbose_name=_("plans"),
        blank=True,
        related_name="+",
        help_text=_("The plans it may read; none chosen: every plan that is not a draft."),
    )
    sections = models.ManyToManyField(
        "accounts.Section",
        verbose_name=_("sections"),
        blank=True,
        related_name="+",
        help_text=_("The sections whose indicators it may read; none chosen: every section."),
    )
    may_download_files = models.BooleanField(
        _("may download evidence files"),
        default=False,
        help_text=_("Off: it reads the ledger's items and the files' names, not their content."),
    )
    rate = models.CharField(
        _("rate limit"),
        max_length=20,
        default="60/minute",
        validators=[RATE_VALIDATOR],
        help_text=_("Calls allowed per token, e.g. 60/minute; more are answered 429."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("API client")
        verbose_name_plural = _("API clients")

    def __str__(self):
        return self.name

    @transaction.atomic
    def issue_token(self, *, by, grace=None):
        """A new token for this client; returns (ApiToken, the token in clear, shown once).

        `grace` (a timedelta): the client's other live tokens expire that long from now
        (a rotation); None leaves them as they are.
        """
        token = TOKEN_PREFIX + secrets.token_urlsafe(32)
        if grace is not None:
            expires = timezone.now() + grace
            self.tokens.live().filter(
                models.Q(expires_at__isnull=True) | models.Q(expires_at__gt=expires)
            ).update(expires_at=expires)
        issued = ApiToken.objects.create(
            client=self,
            digest=token_digest(token),
            shown=token[len(TOKEN_PREFIX) : len(TOKEN_PREFIX) + SHOWN_LENGTH],
            issued_by=by,
        )
        return issued, token

    def revoke_tokens(self, *, by):
        """Every live token of this client ends now. Returns how many."""
        return self.tokens.live().update(revoked_at=timezone.now(), revoked_by=by)


class ApiTokenQuerySet(models.QuerySet):
    def live(self, now=None):
        """Neither revoked nor expired."""
        now = now or timezone.now()
        return self.filter(revoked_at__isnull=True).exclude(expires_at__lte=now)


class ApiToken(models.Model):
    client = models.ForeignKey(
        ApiClient, verbose_name=_("client"), on_delete=models.CASCADE, related_name="tokens"
    )
    # The SHA-256 of the token, in hex: the only form in which it is kept.
    digest = models.CharField(_("SHA-256 of the token"), max_length=64, unique=True)
    shown = models.CharField(_("token begins"), max_length=SHOWN_LENGTH)
    issued_at = models.DateTimeField(_("issued"), auto_now_add=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("issued by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("revoked by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["client", "-issued_at"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self):
        return f"{TOKEN_PREFIX}{self.shown}…"

    def is_live(self, now=None):
        now = now or timezone.now()
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > now)


class ApiCall(models.Model):
    """One call of the API, with the client that made it (none: no valid token)."""

    client = models.ForeignKey(
        ApiClient,
        verbose_name=_("client"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="calls",
    )
    token = models.ForeignKey(
        ApiToken, verbose_name=_("token"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    at = models.DateTimeField(_("when"), default=timezone.now)
    method = models.CharField(_("method"), max_length=8)
    path = models.CharField(_("path"), max_length=500)
    status = models.PositiveSmallIntegerField(_("status"))
    milliseconds = models.PositiveIntegerField(_("time (ms)"))

    class Meta:
        ordering = ["-at"]
        verbose_name = _("API call")
        verbose_name_plural = _("API calls")
        indexes = [
            # The admin's list of a client's calls, newest first.
            models.Index(fields=["client", "-at"], name="apicall_client_at_idx"),
        ]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.method} {self.path} {self.status}"
