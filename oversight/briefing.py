"""The briefing's section on follow-ups and instructions (registered in apps.py).

Counted over the briefing's scope (the indicators of its filters): follow-ups by
state, those overdue, and the instructions written as of its quarter. Two queries.
"""

from django.db.models import Count, Q
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from targets.briefing.blocks import Heading, Item, Paragraph

from .models import FollowUp, Instruction


def follow_ups_addendum(plan, overview, today):
    indicator_ids = [s.indicator.pk for s in overview.standings]
    counts = (
        FollowUp.objects.filter(plan=plan, indicators__in=indicator_ids)
        .distinct()
        .aggregate(
            total=Count("pk", distinct=True),
            owing=Count("pk", distinct=True, filter=Q(state__in=FollowUp.OWING)),
            overdue=Count(
                "pk",
                distinct=True,
                filter=Q(state__in=FollowUp.OWING, due_date__lt=today),
            ),
            answered=Count("pk", distinct=True, filter=Q(state=FollowUp.State.ANSWERED)),
            closed=Count("pk", distinct=True, filter=Q(state=FollowUp.State.CLOSED)),
        )
    )
    if counts["total"]:
        text = (
            _(
                "Follow-ups on these indicators: %(total)s; %(owing)s awaiting the section's "
                "answer, of which %(overdue)s overdue; %(answered)s answered, awaiting the "
                "office; %(closed)s closed."
            )
            % counts
        )
    else:
        text = _("No follow-up on these indicators.")
    blocks = [Heading(1, _("5. Instructions and follow-ups")), Paragraph(text)]
    instructions = (
        Instruction.objects.filter(plan=plan, quarter=overview.quarter)
        .filter(
            Q(indicator__in=indicator_ids)
            | Q(pillar__indicators__in=indicator_ids)
            | Q(indicator__isnull=True, pillar__isnull=True)
        )
        .distinct()
        .select_related("written_by", "indicator", "pillar")
        .order_by("written_at", "pk")
    )
    instructions = list(instructions)
    blocks.append(
        Paragraph(
            ngettext(
                "%(count)s instruction as of Q%(quarter)s:",
                "%(count)s instructions as of Q%(quarter)s:",
                len(instructions),
            )
            % {"count": len(instructions), "quarter": overview.quarter}
            if instructions
            else _("No instruction as of Q%(quarter)s.") % {"quarter": overview.quarter}
        )
    )
    for number, instruction in enumerate(instructions, start=1):
        on = instruction.indicator or instruction.pillar
        where = f"{on.code} " if on else ""
        who = instruction.written_by.get_username() if instruction.written_by else ""
        blocks.append(
            Item(
                f"{number}. {where}",
                f"{instruction.text} ({who}, {instruction.written_at:%Y-%m-%d})",
                "",
            )
        )
    return blocks
