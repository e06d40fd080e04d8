"""Lookups every view shares: the plan from the URL and the as-of quarter."""

from urllib.parse import urlencode

from django.core.cache import cache
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _

from .. import clock
from ..models import Indicator, Plan, PlanElement, freshness
from ..models.plan import QUARTERS, current_plan

# How long the plans of one generation of the data are kept (the generation moves with
# any change of a plan, so this only bounds the memory of generations gone by).
PLANS_KEPT_SECONDS = 300

# Filters a link to another dashboard page carries along; the pillar is not one of
# them because the pillar page has it in its path.
KEPT_FILTERS = ("lead_section", "cooperating_section", "kind", "status")


def visible_plans(user, version=None):
    """Every plan `user` may see, newest first: one query, from which a page takes its
    own plan and the year switcher its links (drafts only for those who may see them,
    targets/rules.py).

    Given the data's generation `version` (models/freshness.py, which moves with any
    change of a plan), the list is kept under it in the cache, one for those who may
    see drafts and one for the others, and read from there: no query.
    """
    if version is None:
        return list(Plan.objects.visible_to(user).select_related("continues"))
    key = f"kpi:plans:{freshness.key(version)}:{user.has_perm('targets.view_draft_plans')}"
    plans = cache.get(key)
    if plans is None:
        plans = visible_plans(user)
        cache.set(key, plans, PLANS_KEPT_SECONDS)
    return plans


def get_plan(request, year, version=None):
    """The plan of `year` if `request.user` may see it (else 404), with `all_years`:
    the plans they may see, for the year switcher. One query, or none with the data's
    `version` once the plans of that version are kept (`visible_plans`)."""
    plans = visible_plans(request.user, version)
    plan = next((p for p in plans if p.year == year), None)
    if plan is None:
        raise Http404(_("There is no plan for %(year)s.") % {"year": year})
    plan.all_years = plans
    return plan


def current_plan_or_none(request):
    """The plan the navigation and "my reports" open (`current_plan`), or None before
    any plan is open (a fresh installation, or drafts only). One query."""
    plans = visible_plans(request.user)
    plan = current_plan(plans, clock.today())
    if plan is not None:
        plan.all_years = plans
    return plan


def no_plan(request):
    """What the navigation's pages show before a plan is open, instead of a 404: an
    administrator is led to loading one (the plan import and its template), everyone
    else is told there is nothing yet. A draft being set up is listed on /plans/."""
    return render(
        request,
        "targets/no_plan.html",
        {
            "can_manage": request.user.has_perm("targets.manage_plans"),
            "has_drafts": bool(visible_plans(request.user)),
        },
    )


def year_links(plan, url_name, codes=None, **kwargs):
    """The year switcher of a page of `plan`: the same page in each year the user may
    see, from `plan.all_years` (no query).

    `codes` ({year: code}) names the page's indicator or pillar in each year for pages
    of one indicator or pillar (codes may change from year to year); a year without
    it links to that year's plan page instead.
    """
    links = []
    for other in sorted(plan.all_years, key=lambda p: p.year):
        if codes is None:
            url = reverse(f"targets:{url_name}", kwargs={"year": other.year, **kwargs})
        elif other.year in codes:
            url = reverse(
                f"targets:{url_name}",
                kwargs={"year": other.year, "code": codes[other.year], **kwargs},
            )
        else:
            url = other.get_absolute_url()
        links.append({"plan": other, "url": url, "current": other.pk == plan.pk})
    return links


def get_indicator(plan, code):
    return get_object_or_404(
        Indicator.objects.select_related("plan", "pillar", "task").with_units(),
        plan=plan,
        code=code,
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
    """The plan's pillar `code`, with `codes`: the years whose plans have a pillar of
    that code, for the year switcher. One query for both."""
    pillars = PlanElement.objects.filter(
        plan__in=[p.pk for p in plan.all_years], level=PlanElement.Level.PILLAR, code=code
    )
    years = {p.pk: p.year for p in plan.all_years}
    found = {years[pillar.plan_id]: pillar for pillar in pillars}
    pillar = found.get(plan.year)
    if pillar is None:
        raise Http404(_("No pillar %(code)s in this plan.") % {"code": code})
    pillar.plan = plan  # the plan already fetched
    pillar.codes = dict.fromkeys(found, code)
    return pillar


def get_indicator_with_reports(plan, code):
    """The plan's indicator `code` with its reports prefetched (one query), for a
    page that reads them more than once (its standing and its narratives)."""
    return get_object_or_404(Indicator.objects.with_reports(), plan=plan, code=code)
