from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Sections and people")

    def ready(self):
        # The sign-on signals (the session's source; CAS and LDAP identities) are
        # connected at start, not when a backend is first loaded.
        from . import sso  # noqa: F401
