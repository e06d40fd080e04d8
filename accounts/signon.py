"""Single sign-on, what every process needs of it: how a session remembers where it
signed in, and what an identity becomes here (accounts/sso.py's backends apply it).

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

Connected at start (AccountsConfig.ready); the protocols' libraries are not loaded
here: accounts/sso.py is, by Django's authentication, only when a protocol is on.
"""

from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from .models import Section, User

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
