from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Sections and people")

    def ready(self):
        # The session's source is remembered from start, whatever signs in; the
        # protocols' own signals (CAS and LDAP identities) are connected with their
        # backends (accounts/sso.py), which Django loads only when one is on.
        from . import signon  # noqa: F401
