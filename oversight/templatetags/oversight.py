"""What targets' pages show of instructions and follow-ups, without targets' views
knowing this app: the page's template asks, the tag reads (a fixed number of queries).

These parts sit outside the plan and pillar pages' kept bodies
(targets/views/fragments.py), so a new instruction or follow-up shows at once whatever
the data version a kept body was drawn from."""

from django import template
from django.db.models import Count, Q

from targets import clock
from targets.models import Indicator

from ..models import FollowUp, Instruction

register = template.Library()


@register.inclusion_tag("oversight/includes/panel.html", takes_context=True)
def oversight_panel(context, plan, quarter, on=None, code=None):
    """The instructions as of `quarter` on the plan (`on` None), a pillar or an
    indicator; on an indicator, its follow-ups not closed. One query, two on an
    indicator. The kept indicator page names its indicator by `code` (the indicator
    object lives in its kept body): the same two queries, joined on the code."""
    user = context["request"].user
    instructions = Instruction.objects.filter(plan=plan, quarter=quarter)
    is_indicator = isinstance(on, Indicator) or code is not None
    if code is not None:
        on = {"code": code}
        instructions = instructions.filter(indicator__plan=plan, indicator__code=code)
        indicator = {"indicators__plan": plan, "indicators__code": code}
    elif on is None:
        instructions = instructions.filter(pillar__isnull=True, indicator__isnull=True)
    elif is_indicator:
        instructions = instructions.filter(indicator=on)
        indicator = {"indicators": on}
    else:
        instructions = instructions.filter(pillar=on)
    follow_ups = []
    if is_indicator:
        follow_ups = list(
            FollowUp.objects.filter(**indicator)
            .exclude(state=FollowUp.State.CLOSED)
            .select_related("owner_section")
            .order_by("due_date", "pk")
        )
    today = clock.today()
    return {
        "plan": plan,
        "quarter": quarter,
        "on": on,
        "is_indicator": is_indicator,
        "instructions": list(instructions.select_related("written_by")),
        "follow_ups": [(f, f.is_overdue(today)) for f in follow_ups],
        "can_instruct": user.has_perm("oversight.write_instruction"),
        "can_assign": is_indicator and user.has_perm("oversight.assign_follow_up"),
    }


@register.inclusion_tag("oversight/includes/overdue.html", takes_context=True)
def overdue_follow_ups(context, plan):
    """The first screen's flag: how many follow-ups of `plan` are overdue, and how many
    of them are the reader's section's. One query."""
    user = context["request"].user
    overdue = FollowUp.objects.filter(plan=plan).overdue(clock.today())
    counts = overdue.aggregate(
        total=Count("pk"), mine=Count("pk", filter=Q(owner_section_id=user.section_id))
    )
    return {"total": counts["total"], "mine": counts["mine"] if user.section_id else 0}
