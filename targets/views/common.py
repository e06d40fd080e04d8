"""Lookups every view shares: the plan from the URL and the as-of quarter."""

from urllib.parse import urlencode

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from .. import clock
from ..models import Indicator, Plan, PlanElement
from ..models.plan import QUARTERS

# Filters a link to another dashboard page carries along; the pillar is not one of
# them because the pillar page has it in its path.
KEPT_FILTERS = ("lead_section", "kind", "status")


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


def quarter_or_404(quarter):
    """A quarter from a URL; anything but 1–4 is an unknown page (404), never an error."""
    if str(quarter) not in {str(q) for q in QUARTERS}:
        raise Http404(_("The quarter must be 1, 2, 3 or 4."))
    return int(quarter)


def as_of_quarter(request, plan):
    """The `?quarter=N` of the request, or else the plan's default quarter (the
    latest ended one, `Plan.default_quarter`).

    Only ended quarters are "as of" quarters: one still running is an unknown page
    (404), like a quarter that does not exist, so no link or typed URL shows a
    year that stopped half-way.
    """
    today = clock.today()
    raw = request.GET.get("quarter")
    if raw in (None, ""):
        return plan.default_quarter(today)
    quarter = quarter_or_404(raw)
    if quarter not in plan.as_of_quarters(today):
        raise Http404(
            _("Q%(q)s %(year)s has not ended yet (it ends on %(end)s).")
            % {"q": quarter, "year": plan.year, "end": plan.quarter_end(quarter).isoformat()}
        )
    return quarter


def quarter_picker(plan):
    """The quarter picker's entries: each quarter, and whether it can be chosen yet
    (a quarter not ended shows as "not yet due", without a link)."""
    available = plan.as_of_quarters(clock.today())
    return [
        {"number": q, "available": q in available, "ends": plan.quarter_end(q)} for q in QUARTERS
    ]


def kept_query(request, quarter):
    """The query string of links to other dashboard pages: "?quarter=3&kind=count".

    Leaders paste these URLs into chats, so the as-of quarter and the filters
    travel with every link.
    """
    params = {"quarter": quarter}
    params.update((key, request.GET[key]) for key in KEPT_FILTERS if request.GET.get(key))
    return "?" + urlencode(params)


def export_query(request, quarter, pillar=None):
    """The query string of the export links: the quarter and every filter shown,
    so a download holds exactly the rows on the screen."""
    params = {"quarter": quarter}
    filters = KEPT_FILTERS if pillar is not None else ("pillar", *KEPT_FILTERS)
    params.update((key, request.GET[key]) for key in filters if request.GET.get(key))
    if pillar is not None:
        params["pillar"] = pillar.code  # a pillar's page exports that pillar, whatever the URL says
    return "?" + urlencode(params)


def get_pillar(plan, code):
    # Through the plan's manager, so `pillar.plan` is the plan already fetched.
    return get_object_or_404(plan.elements, level=PlanElement.Level.PILLAR, code=code)


def get_indicator_with_reports(plan, code):
    """The plan's indicator `code` with its reports prefetched (one query), for a
    page that reads them more than once (its standing and its narratives)."""
    return get_object_or_404(Indicator.objects.with_reports(), plan=plan, code=code)
