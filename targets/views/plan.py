"""Read-only pages of a plan."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_safe

from ..models import Plan
from .common import as_of_quarter, get_indicator, get_plan


@login_required
@require_safe
def home(request):
    plan = Plan.objects.first()  # plans are ordered newest year first
    if plan is None:
        return render(request, "targets/no_plan.html")
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
