"""Single sign-on: OpenID Connect, CAS and LDAP, each switched on by settings.

The libraries speak the protocols (mozilla-django-oidc, django-cas-ng,
django-auth-ldap); this module decides what an identity becomes here, the same way
for all three:

- A first sign-in creates the account, marked with where it comes from
  (`User.source`); it never takes over an account of another source (a local
  "admin" cannot be signed into from a directory entry named "admin").
- Role and section come from the identity's groups by the mappings in settings
  (SSO_GROUP_ROLES, SSO_GROUP_SECTIONS), at every sign-in: a group the mapping knows
  decides; when no group maps, what an administrator assigned stays. Without
  either, the account waits for an administrator (`User.awaits_assignment`, the
  waiting page).
- Someone removed from the directory or the identity provider cannot sign in any
  more: the provider refuses, and there is no password here to fall back on.
"""

import logging

from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from .models import Section, User

logger = logging.getLogger(__name__)

# The backend a session signed in with → where its account comes from.
BACKEND_SOURCES = {
    "accounts.sso.OidcBackend": User.Source.OIDC,
    "accounts.sso.CasBackend": User.Source.CAS,
    "accounts.sso.LdapBackend": User.Source.LDAP,
}
SESSION_SOURCE = "kpi_sso"


def mapped(groups):
    """(role or "", section or None) the settings' mappings give `groups`: the first
    group of each mapping, in the mapping's order."""
    groups = set(groups)
    role = next((r for g, r in settings.SSO_GROUP_ROLES.items() if g in groups), "")
    code = next((c for g, c in settings.SSO_GROUP_SECTIONS.items() if g in groups), None)
    section = Section.objects.filter(code=code).first() if code else None
    return role, section


def apply_identity(user, groups, **names):
    """Set the account from one sign-in: names and e-mail as the provider gives them,
    role and section by the mappings (unchanged where nothing maps). Saves."""
    for field, value in names.items():
        if value:
            setattr(user, field, value)
    role, section = mapped(groups)
    if role:
        user.role = role
    if section is not None:
        user.section = section
    user.save()
    return user


def as_list(value):
    if value is None:
        return []
    return [value] if isinstance(value, str) else list(value)


@receiver(user_logged_in)
def remember_source(sender, request, user, **kwargs):
    """The session remembers how it signed in, so logging out can end that too."""
    source = BACKEND_SOURCES.get(getattr(user, "backend", ""), "")
    if request is not None and hasattr(request, "session"):
        request.session[SESSION_SOURCE] = source


# --- OpenID Connect -------------------------------------------------------------

try:
    from mozilla_django_oidc.auth import OIDCAuthenticationBackend
except ImportError:  # pragma: no cover - the package is a requirement
    OIDCAuthenticationBackend = object


class OidcBackend(OIDCAuthenticationBackend):
    """Accounts by the username claim (SSO_OIDC_USERNAME_CLAIM), of OIDC accounts only."""

    def _username(self, claims):
        return (claims.get(settings.SSO_OIDC_USERNAME_CLAIM) or "").strip()

    def verify_claims(self, claims):
        return bool(self._username(claims))

    def filter_users_by_claims(self, claims):
        return User.objects.filter(username=self._username(claims), source=User.Source.OIDC)

    def create_user(self, claims):
        username = self._username(claims)
        if User.objects.filter(username=username).exists():
            logger.warning("OIDC sign-in as %s refused: a local account has that name", username)
            return None
        user = User(username=username, source=User.Source.OIDC)
        user.set_unusable_password()
        return self.update_user(user, claims)

    def update_user(self, user, claims):
        return apply_identity(
            user,
            as_list(claims.get(settings.SSO_GROUPS_CLAIM)),
            email=claims.get("email", ""),
            first_name=claims.get("given_name", ""),
            last_name=claims.get("family_name", ""),
        )


# --- CAS ------------------------------------------------------------------------

try:
    from django_cas_ng.backends import CASBackend
    from django_cas_ng.signals import cas_user_authenticated
except ImportError:  # pragma: no cover
    CASBackend, cas_user_authenticated = object, None


class CasBackend(CASBackend):
    """CAS accounts only; role and section from the ticket's attributes."""

    def configure_user(self, user):
        user.source = User.Source.CAS
        user.set_unusable_password()
        user.save()
        return user

    def user_can_authenticate(self, user):
        return (
            user is not None
            and user.source == User.Source.CAS
            and super().user_can_authenticate(user)
        )


if cas_user_authenticated is not None:

    @receiver(cas_user_authenticated)
    def cas_identity(sender, user, attributes, **kwargs):
        attributes = attributes or {}
        apply_identity(
            user,
            as_list(attributes.get(settings.SSO_GROUPS_CLAIM)),
            email=attributes.get("email", ""),
            first_name=attributes.get("given_name", ""),
            last_name=attributes.get("family_name", ""),
        )


# --- LDAP -----------------------------------------------------------------------

try:
    from django_auth_ldap.backend import LDAPBackend, populate_user
except ImportError:  # pragma: no cover - optional: needs python-ldap (libldap)
    LDAPBackend, populate_user = object, None


class LdapBackend(LDAPBackend):
    """Directory accounts only; role and section from the entry's groups."""

    def get_or_build_user(self, username, ldap_user):
        user, built = super().get_or_build_user(username, ldap_user)
        if built:
            user.source = User.Source.LDAP
        elif user.source != User.Source.LDAP:
            raise ldap_user.AuthenticationFailed(f"{username} is not a directory account")
        return user, built


if populate_user is not None:

    @receiver(populate_user)
    def ldap_identity(sender, user, ldap_user, **kwargs):
        # Saved by django-auth-ldap right after this signal.
        groups = ldap_user.group_names if settings.AUTH_LDAP_GROUP_SEARCH else set()
        role, section = mapped(groups)
        if role:
            user.role = role
        if section is not None:
            user.section = section
