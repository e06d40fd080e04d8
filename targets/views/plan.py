"""Read-only pages of a plan: the dashboard, a pillar, an indicator.

Each takes `?quarter=N` (default: the latest reported quarter) and runs a fixed
number of queries whatever the plan's size (tests/test_dashboard.py pins them).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_safe
from django_tables2 import RequestConfig

from .. import charts, clock
from ..filters import IndicatorFilter, PillarIndicatorFilter
from ..ledgers import ledger_app
from ..models import freshness
from ..models.plan import QUARTERS, current_plan
from ..models.review import waiting_count
from ..models.years import continuation, find_in_graph, indicator_graph
from ..rules import may_contribute
from ..tables import StandingTable
from . import fragments
from .common import (
    as_of_quarter,
    current_plan_or_none,
    export_query,
    get_pillar,
    get_plan,
    kept_query,
    no_plan,
    quarter_picker,
    visible_plans,
    year_links,
)

# Pages of a plan that the navigation links to without knowing the year.
LATEST_PAGES = {"missing_reports", "quarters"}

# The 2024 plan's 29 indicators fit on one page; a much larger plan pages.
PLAN_TABLE_ROWS = 50
# Every row of a pillar's page also gets a card with a chart: fewer per page.
PILLAR_TABLE_ROWS = 25


@login_required
@require_safe
def home(request):
    """Staff land on their reports; leaders, reviewers and admins on the current plan
    (`current_plan`: never a draft; with only drafts, the list of plans)."""
    plans = visible_plans(request.user)
    plan = current_plan(plans, clock.today())
    if plan is None:
        if plans:
            return redirect("targets:plans")
        return no_plan(request)
    _say_what_waits(request, plan)
    if plan.indicators.editable_by(request.user).exists() and not request.user.has_perm(
        "targets.read_all_reports"
    ):
        return redirect("targets:my_reports")
    return redirect(plan)


def _say_what_waits(request, plan):
    """A reviewer (or anyone acting at a step of the approval chain) lands with the
    number of reports waiting for them, and the way to the queue."""
    if not request.user.has_perm("targets.review_queue"):
        return
    count = waiting_count(request.user, plan)
    if count:
        text = ngettext(
            "%(n)s report waits for your review.",
            "%(n)s reports wait for your review.",
            count,
        ) % {"n": count}
        link = format_html(
            '{} <a href="{}">{}</a>', text, reverse("targets:review_queue"), _("Review them")
        )
        messages.info(request, link)


def _dashboard_context(request, quarter, overview, filterset, per_page, **table_options):
    """What the plan and pillar pages share: the overview and its filtered, sorted,
    paginated indicator table, with links that keep the quarter and the filters."""
    query = kept_query(request, quarter)
    if filterset.filters_nothing():
        standings = list(overview.standings)  # the table sorts its own list
        has_tasks = overview.has_tasks  # kept with the overview
    else:
        standings = overview.standings_of(filterset.qs)
        has_tasks = any(s.indicator.task_id for s in standings)
    if not has_tasks:
        # A plan without tasks (the 2024 plan) shows no task column.
        table_options["exclude"] = (*table_options.get("exclude", ()), "task")
    table = StandingTable(standings, query=query, **table_options)
    RequestConfig(request, paginate={"per_page": per_page}).configure(table)
    return {
        "quarter": quarter,
        "quarters": quarter_picker(filterset.plan),
        "query": query,
        "overview": overview,
        "filter": filterset,
        "table": table,
    }


@login_required
@require_safe
def plan_detail(request, year):
    version = freshness.current()
    plan = get_plan(request, year, version)
    quarter = as_of_quarter(request, plan)

    def context(version):
        overview = fragments.overview(plan, quarter, version)
        indicators = IndicatorFilter(
            request.GET,
            plan.indicators.all(),
            plan=plan,
            quarter=quarter,
            cooperating=overview.has_cooperating,
            overview=overview,
        )
        return {
            **_dashboard_context(request, quarter, overview, indicators, PLAN_TABLE_ROWS),
            "plan": plan,
            "export_query": export_query(request, quarter),
            "briefing_ready": plan.has_ended(quarter, clock.today()),
            "status_chart": charts.status_by_pillar(overview),
            "due": plan.report_due(quarter),
            "quarter_end": plan.quarter_end(quarter),
            "quarter_running": not plan.has_ended(quarter, clock.today()),
            "years": year_links(plan, "plan"),
            "to_confirm": overview.to_confirm,
        }

    # The first screen: drawn again by whoever changes the data, while people read it.
    body = fragments.body(
        request,
        "plan",
        plan,
        quarter,
        "targets/includes/plan_body.html",
        context,
        version,
        drawn_ahead=True,
    )
    return render(
        request, "targets/plan_detail.html", {"plan": plan, "quarter": quarter, "body": body}
    )


@login_required
@require_safe
def pillar_detail(request, year, code):
    version = freshness.current()
    plan = get_plan(request, year, version)
    pillar = get_pillar(plan, code)
    quarter = as_of_quarter(request, plan)

    def context(version):
        # The pillar's standings are the plan's (kept per state, fragments.overview).
        whole = fragments.overview(plan, quarter, version)
        overview = whole.pillar(pillar)
        indicators = PillarIndicatorFilter(
            request.GET,
            pillar.indicators.all(),
            plan=plan,
            quarter=quarter,
            cooperating=whole.has_cooperating,
            overview=whole,
        )
        context = _dashboard_context(
            request, quarter, overview, indicators, PILLAR_TABLE_ROWS, exclude=("pillar",)
        )
        return {
            **context,
            "plan": plan,
            "pillar": pillar,
            "export_query": export_query(request, quarter, pillar=pillar),
            "briefing_ready": plan.has_ended(quarter, clock.today()),
            # The cards follow the table: same rows, same order, same page.
            "cards": charts.indicator_cards(context["table"].page_records()),
            "years": year_links(plan, "pillar", codes=pillar.codes),
        }

    body = fragments.body(
        request,
        f"pillar {pillar.pk}",
        plan,
        quarter,
        "targets/includes/pillar_body.html",
        context,
        version,
    )
    return render(
        request,
        "targets/pillar_detail.html",
        {"plan": plan, "pillar": pillar, "quarter": quarter, "body": body},
    )


@login_required
@require_safe
def indicator_detail(request, year, code):
    version = freshness.current()
    plan = get_plan(request, year, version)
    quarter = as_of_quarter(request, plan)

    def context():
        graph = indicator_graph(plan.all_years, plan, code)
        start = find_in_graph(graph, plan, code)
        if start is None:
            raise Http404(code)
        today = clock.today()
        line = continuation(graph, start, today)
        indicator = line.indicator
        standing = indicator.standing(quarter)
        # The items behind the figure (台账), by quarter and by place: two more queries,
        # only for an indicator that keeps a ledger.
        ledger = (
            ledger_app().for_page(indicator, request.user, quarter)
            if indicator.keeps_ledger
            else None
        )
        user = request.user
        chart = charts.indicator_progress(standing)
        ledger_chart = ledger_app().chart(ledger) if ledger else None
        values = {
            "plan": plan,
            "indicator": indicator,
            "quarter": quarter,
            "quarters": quarter_picker(plan),
            "query": kept_query(request, quarter),
            "standing": standing,
            "reports": indicator.reports_readable_by(user),
            # A report of a quarter not ended yet is shown as entered early.
            "ended_quarters": plan.ended_quarters(today),
            # Its lead section reports here too, the running quarter early.
            "report_quarters": [q for q in QUARTERS if not plan.is_future(q, today)]
            if user.has_perm("targets.edit_report", indicator) and plan.is_active
            else [],
            # A cooperating unit reads the drafts and adds its part on the report page.
            "contribute_quarters": [q for q in QUARTERS if not plan.is_future(q, today)]
            if may_contribute(user, indicator) and plan.is_active
            else [],
            "chart": chart,
            "ledger": ledger,
            "ledger_chart": ledger_chart,
            "line": line,
            "years": year_links(plan, "indicator", codes=line.code_in()),
            "revisions": indicator.revisions_list(),
            "can_revise": plan.is_active
            and indicator.has_target
            and user.has_perm("targets.revise_target", indicator),
        }
        title = f"{indicator.code} {indicator.name}"
        return values, {"title": title, "charts": bool(chart or ledger_chart)}

    # Kept per reader's role: the reports, ledger items and links shown follow it.
    parts = fragments.page(
        request,
        f"indicator {code}",
        plan,
        quarter,
        "targets/includes/indicator_body.html",
        context,
        version,
    )
    # The instructions and follow-ups (oversight/) are drawn outside the kept body, so a
    # new one shows at once; they find the indicator by its code.
    return render(
        request,
        "targets/indicator_detail.html",
        {"plan": plan, "quarter": quarter, "code": code, **parts},
    )


@login_required
@require_safe
def latest(request, page):
    """Redirect to `page` of the newest plan (the navigation does not know the year)."""
    if page not in LATEST_PAGES:
        raise Http404(page)
    plan = current_plan_or_none(request)
    if plan is None:
        return no_plan(request)
    return redirect(f"targets:{page}", year=plan.year)
