"""Single sign-on: OpenID Connect, CAS and LDAP, each switched on by settings.

The libraries speak the protocols (mozilla-django-oidc, django-cas-ng,
django-auth-ldap); these backends apply what an identity becomes here, the same
way for all three (accounts/signon.py). Django loads this module with the backends
named in AUTHENTICATION_BACKENDS (settings.SSO), so a site without single sign-on
never loads the libraries (OIDC's jwt and cryptography, python-ldap: about 18 MB
a process); the protocols' signals are connected with their backends, before any of
them signs anyone in.
"""

import logging

from django.conf import settings
from django.dispatch import receiver

from .models import User
from .signon import apply_identity, as_list, mapped

logger = logging.getLogger(__name__)


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
