"""Read-only pages of a plan."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_safe

from ..models import Plan
from .common import as_of_quarter, get_indicator, get_plan, latest_plan_or_404

# Pages of a plan that the navigation links to without knowing the year.
LATEST_PAGES = {"missing_reports", "quarters"}


@login_required
@require_safe
def home(request):
    """Staff land on their reports; leaders, reviewers and admins on the plan."""
    plan = Plan.objects.first()  # plans are ordered newest year first
    if plan is None:
        return render(request, "targets/no_plan.html")
    if plan.indicators.editable_by(request.user).exists() and not request.user.has_perm(
        "targets.read_all_reports"
    ):
        return redirect("targets:my_reports")
    return redirect(plan)


@login_required
@require_safe
def plan_detail(request, year):
    plan = get_plan(year)
    quarter = as_of_quarter(request, plan)
    return render(
        request,
        "targets/plan_detail.html",
        {
            "plan": plan,
            "quarter": quarter,
            "quarters": (1, 2, 3, 4),
            "overview": plan.overview(quarter),
        },
    )


@login_required
@require_safe
def indicator_detail(request, year, code):
    plan = get_plan(year)
    indicator = get_indicator(plan, code)
    quarter = as_of_quarter(request, plan)
    return render(
        request,
        "targets/indicator_detail.html",
        {
            "plan": plan,
            "indicator": indicator,
            "quarter": quarter,
            "quarters": (1, 2, 3, 4),
            "standing": indicator.standing(quarter),
            "reports": indicator.reports_list(),
        },
    )


@login_required
@require_safe
def latest(request, page):
    """Redirect to `page` of the newest plan (the navigation does not know the year)."""
    if page not in LATEST_PAGES:
        raise Http404(page)
    return redirect(f"targets:{page}", year=latest_plan_or_404().year)
