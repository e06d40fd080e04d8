"""history.csv: every change of the reports the user may read (who, when, what, old,
new, why), one row per changed field of each change.

The changes come from `targets.models.history.iter_changes`, the rule the history
page uses too: one query, streamed, bounded memory.
"""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from ..models.history import iter_changes
from .base import Exporter, register
from .table import NUMBER, Column, Row

HISTORY_COLUMNS = (
    Column("when", gettext_lazy("When")),
    Column("who", gettext_lazy("Who")),
    Column("code", gettext_lazy("Code")),
    Column("indicator", gettext_lazy("Indicator")),
    Column("quarter", gettext_lazy("Quarter"), NUMBER),
    Column("change", pgettext_lazy("history", "Change")),
    Column("field", gettext_lazy("Field")),
    Column("old", gettext_lazy("Old value")),
    Column("new", gettext_lazy("New value")),
    Column("reason", gettext_lazy("Reason")),
)


@register
class HistoryCsv(Exporter):
    """One row per changed field of each change of the scope's readable reports."""

    name = "history.csv"
    columns = HISTORY_COLUMNS

    def what(self):
        return "history"

    def title(self):
        return _("%(plan)s — change history") % {"plan": self.plan.name}

    def rows(self):
        for c in iter_changes(self.scope.history):
            yield Row(
                (
                    c.when,
                    c.who,
                    c.code,
                    c.indicator,
                    c.quarter,
                    c.kind_label,
                    c.field_label,
                    c.old,
                    c.new,
                    c.reason,
                )
            )
