from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _


class TargetsConfig(AppConfig):
    name = "targets"
    verbose_name = _("Plans and targets")

    def ready(self):
        from . import checks  # noqa: F401  (registers the CJK font check)

        # Every app's exporters (targets/exporters.py, ledger/exporters.py), served by
        # the one export view.
        autodiscover_modules("exporters")

        from .models.freshness import connect_signals

        connect_signals()  # the kept pages' generation moves with every change
