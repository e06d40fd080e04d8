"""The bureau's organisation: its sections (科室) and the people in them."""

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class BilingualNameMixin:
    """`name` follows the active language; Chinese is the fallback.

    Plain name_zh/name_en columns keep queries, the admin and exports simple
    (no translation tables to join).
    """

    @property
    def name(self):
        if (get_language() or "").startswith("en") and self.name_en:
            return self.name_en
        return self.name_zh


class SectionManager(models.Manager):
    def get_by_natural_key(self, code):
        return self.get(code=code)

    def leading_in(self, plan):
        """The sections that lead at least one indicator of `plan` (牵头单位)."""
        return self.filter(
            indicator_units__indicator__plan=plan, indicator_units__role="lead"
        ).distinct()


class Section(BilingualNameMixin, models.Model):
    """A section of the bureau (科室) or another lead unit (牵头单位)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name_zh = models.CharField(_("name (Chinese)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    # Demo sections are invented for illustration; the source names no lead units.
    is_illustrative = models.BooleanField(
        _("illustrative"),
        default=False,
        help_text=_("Invented for the demo; not a real unit of the bureau."),
    )

    objects = SectionManager()

    class Meta:
        ordering = ["code"]
        verbose_name = _("section")
        verbose_name_plural = _("sections")

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.code,)


class User(AbstractUser):
    """A person using kpitracker; what they may do follows from `role` and `section`."""

    class Role(models.TextChoices):
        STAFF = "staff", _("Section staff")
        LEADER = "leader", _("Leader (reads everything)")
        REVIEWER = "reviewer", _("Reviewer (planning office)")
        ADMIN = "admin", _("Administrator")

    class Source(models.TextChoices):
        LOCAL = "local", _("Local account (password here)")
        OIDC = "oidc", _("OpenID Connect (unified identity)")
        CAS = "cas", _("CAS (unified identity)")
        LDAP = "ldap", _("LDAP directory")

    role = models.CharField(_("role"), max_length=20, choices=Role, default=Role.STAFF)
    section = models.ForeignKey(
        Section,
        verbose_name=_("section"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="members",
    )
    # Where the account comes from: a single sign-on account is created at its first
    # sign-in (accounts/sso.py) and only ever signs in that way.
    source = models.CharField(
        _("signs in with"), max_length=5, choices=Source, default=Source.LOCAL
    )

    class Meta(AbstractUser.Meta):
        verbose_name = _("user")
        verbose_name_plural = _("users")

    @property
    def is_admin(self):
        return self.is_superuser or self.role == self.Role.ADMIN

    def group_ids(self):
        """The ids of the user's groups (an approval step may be a group's), loaded once
        per request's user."""
        cached = getattr(self, "_group_ids", None)
        if cached is None:
            cached = frozenset(self.groups.values_list("pk", flat=True)) if self.pk else frozenset()
            self._group_ids = cached
        return cached

    @property
    def awaits_assignment(self):
        """A single sign-on account the mapping gave no section or role: it sees only
        the waiting page until an administrator assigns one (accounts/sso.py)."""
        return (
            self.source != self.Source.LOCAL
            and not self.is_superuser
            and self.role == self.Role.STAFF
            and self.section_id is None
        )
