from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from targets.briefing.blocks import ADDENDA


class OversightConfig(AppConfig):
    name = "oversight"
    verbose_name = _("Instructions and follow-ups")

    def ready(self):
        # The briefing counts the follow-ups through an addendum it does not import.
        from .briefing import follow_ups_addendum

        if follow_ups_addendum not in ADDENDA:
            ADDENDA.append(follow_ups_addendum)
        # The checklist before closing a quarter lists the follow-ups still open.
        from targets.models.worklist import CLOSING_CHECKS

        from .closing import open_follow_ups

        if open_follow_ups not in CLOSING_CHECKS:
            CLOSING_CHECKS.append(open_follow_ups)
