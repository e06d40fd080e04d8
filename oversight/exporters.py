"""instructions.csv and instructions.xlsx: every leader's instruction (批示) on the plan,
a pillar or an indicator, with who wrote it and when — the file beside the summary
a meeting reads (exporters on targets' base, loaded by TargetsConfig.ready).

Instructions are read by everyone who may read the plan's pages, so the export is
the plan's permission (`targets.view_plan`). One query, streamed.
"""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext, pgettext_lazy

from targets.exports.base import Exporter, register
from targets.exports.table import NUMBER, Column, Row

from .models import Instruction

INSTRUCTION_COLUMNS = (
    Column("no", gettext_lazy("No."), NUMBER, width=5),
    Column("quarter", gettext_lazy("As of quarter"), NUMBER, width=8),
    Column("code", gettext_lazy("Code"), width=8),
    Column("on", gettext_lazy("On"), width=30, wrap=True),
    Column("text", pgettext_lazy("a leader's", "Instruction"), width=60, wrap=True),
    Column("who", pgettext_lazy("an instruction", "Written by"), width=12),
    Column("when", pgettext_lazy("an instruction", "Written"), width=17),
)


class Instructions(Exporter):
    columns = INSTRUCTION_COLUMNS

    def what(self):
        return "instructions"

    def title(self):
        return _("%(plan)s — instructions (批示)") % {"plan": self.plan.name}

    def sheet_title(self):
        return pgettext("a leader's", "Instructions")

    def rows(self):
        instructions = (
            Instruction.objects.filter(plan=self.plan)
            .select_related("indicator", "pillar", "written_by")
            .order_by("quarter", "written_at", "pk")
        )
        whole_plan = _("The whole plan")
        for number, instruction in enumerate(instructions.iterator(), start=1):
            on = instruction.indicator or instruction.pillar
            who = instruction.written_by
            yield Row(
                (
                    number,
                    instruction.quarter,
                    on.code if on else "",
                    on.name if on else whole_plan,
                    instruction.text,
                    (who.get_full_name() or who.get_username()) if who else "",
                    instruction.written_at,  # the writers put it in the site's time zone
                )
            )


@register
class InstructionsCsv(Instructions):
    name = "instructions.csv"


@register
class InstructionsXlsx(Instructions):
    name = "instructions.xlsx"
