"""Every download of a plan: one view serves each registered exporter
(targets/exports/: summary.csv and .xlsx, reports.csv, history.csv, the briefing;
ledger/exports.py: ledger.csv and .xlsx), and the summary on paper.

The view only checks the exporter's permission and chooses the plan, the quarter
and the kept overview; the exporter makes the file.
"""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from .. import charts, clock
from ..exports.base import Scope, exporter_for
from ..exports.summary import filterset, summary_table
from ..models import freshness
from . import fragments
from .common import as_of_quarter, export_query, get_plan


def export_scope(request, year, *, as_of_quarter_too=False, permission="targets.view_plan"):
    """The plan named in the URL and what of it `request.user` may export.

    `permission` (targets/rules.py) is checked before the plan is looked up; a draft
    plan only for those who may see drafts. With `as_of_quarter_too`, `?quarter=`
    (the latest reported by default) and the dashboard's overview as of a quarter,
    the kept one (views/fragments.py): one query for the version, none more while
    nothing changed.
    """
    if not request.user.has_perm(permission):
        raise PermissionDenied
    plan = get_plan(request, year)
    scope = Scope(plan=plan, user=request.user, params=request.GET)
    if as_of_quarter_too:
        scope.quarter = as_of_quarter(request, plan)
        scope.overview = lambda quarter: fragments.overview(plan, quarter, freshness.current())
    return scope


@login_required
@require_safe
@never_cache
def export(request, year, name):
    """The file `name` of the plan of `year`: an unknown name is an unknown page."""
    exporter = exporter_for(name)
    scope = export_scope(
        request, year, as_of_quarter_too=exporter.as_of_quarter, permission=exporter.permission
    )
    return exporter(scope).response()


@login_required
@require_safe
def print_summary(request, year):
    """The meeting summary on paper: A4 landscape, the dashboard's status chart on top,
    then the same rows and columns as the CSV/XLSX (and the same filters)."""
    scope = export_scope(request, year, as_of_quarter_too=True)
    quarter = scope.quarter
    table = summary_table(scope.plan, quarter, filterset(scope).qs.standings(quarter))
    return render(
        request,
        "targets/print_summary.html",
        {
            "plan": scope.plan,
            "quarter": quarter,
            "today": clock.today(),
            "table": table,
            "status_chart": charts.status_by_pillar(scope.plan.overview(quarter)),
            "export_query": export_query(request, quarter),
            "briefing_ready": scope.plan.has_ended(quarter, clock.today()),
        },
    )
