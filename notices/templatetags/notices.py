"""The follow button of an indicator's or a pillar's page, drawn outside the page's
kept body (targets/views/fragments.py), since it is the reader's own: no query for
those who may not follow (`notices.follow`), one for those who may."""

from django import template
from django.urls import reverse

from ..models import Follow

register = template.Library()


@register.inclusion_tag("notices/includes/follow.html", takes_context=True)
def follow_button(context, plan, pillar=None, code=None):
    """On a pillar's page `pillar`; on an indicator's its `code` (the indicator object
    lives in the kept body)."""
    user = context["request"].user
    if not user.has_perm("notices.follow"):
        return {"shown": False}
    if pillar is not None:
        following = Follow.objects.of(user, pillar=pillar).exists()
        action = reverse("notices:follow_pillar", args=[plan.year, pillar.code])
        name = pillar.code
    else:
        following = Follow.objects.filter(
            user=user, indicator__plan=plan, indicator__code=code
        ).exists()
        action = reverse("notices:follow_indicator", args=[plan.year, code])
        name = code
    return {
        "shown": True,
        "following": following,
        "action": action,
        "name": name,
        "is_pillar": pillar is not None,
        "csrf_token": context.get("csrf_token"),
    }
