"""Lookups every view shares: the plan from the URL and the as-of quarter."""

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from ..models import Indicator, Plan


def get_plan(year):
    return get_object_or_404(Plan, year=year)


def latest_plan_or_404():
    plan = Plan.objects.first()  # newest year first
    if plan is None:
        raise Http404(_("No plan has been set up yet."))
    return plan


def get_indicator(plan, code):
    return get_object_or_404(
        Indicator.objects.select_related("plan", "pillar", "lead_section"), plan=plan, code=code
    )


def as_of_quarter(request, plan):
    """The `?quarter=N` of the request, or the plan's latest reported quarter.

    Anything but 1–4 is an unknown page (404), never an error.
    """
    raw = request.GET.get("quarter")
    if raw in (None, ""):
        return plan.latest_reported_quarter()
    if raw not in {"1", "2", "3", "4"}:
        raise Http404(_("The quarter must be 1, 2, 3 or 4."))
    return int(raw)
