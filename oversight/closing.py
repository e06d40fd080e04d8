"""The quarters page's checklist before closing a quarter: the plan's follow-ups still
owed by a section (registered in apps.py into targets' `CLOSING_CHECKS`).

A follow-up is not of a quarter: every one still owing (open or sent back) is listed,
since closing the quarter freezes the figures it may be about. One query.
"""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from targets.models.worklist import ClosingCheck

from .models import FollowUp


def open_follow_ups(plan, quarter, today):
    owing = FollowUp.objects.filter(plan=plan).owing().order_by("due_date", "pk")
    return ClosingCheck(
        "follow_ups",
        _("Follow-ups still open"),
        [(follow_up.subject, follow_up.get_absolute_url()) for follow_up in owing],
        reverse("oversight:follow_ups"),
    )
