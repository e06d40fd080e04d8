from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from targets.ledgers import provide


class LedgerConfig(AppConfig):
    name = "ledger"
    verbose_name = _("Ledgers (台账)")

    def ready(self):
        # Targets asks the ledger through targets.ledgers and imports nothing of it.
        # The interface imports the models: only once the apps are loaded.
        from . import interface

        provide(interface)
