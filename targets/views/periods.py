"""Quarters: who has not reported yet, and closing or reopening a quarter."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from .. import clock
from ..forms import ReopenForm
from ..models.plan import QUARTERS
from ..models.worklist import checklist_seen, closing_checklist, missing_reports
from .common import as_of_quarter, get_plan, quarter_or_404, quarter_picker, year_links


@login_required
@require_safe
def missing(request, year):
    plan = get_plan(request, year)
    today = clock.today()
    quarter = as_of_quarter(request, plan)
    return render(
        request,
        "targets/missing_reports.html",
        {
            "plan": plan,
            "quarter": quarter,
            "quarters": quarter_picker(plan),
            "due": plan.report_due(quarter),
            "sections": missing_reports(plan, quarter, today),
            "years": year_links(plan, "missing_reports"),
        },
    )


def _admin_plan(request, year):
    if not request.user.has_perm("targets.close_quarter"):
        raise PermissionDenied(_("Only administrators close and reopen quarters."))
    return get_plan(request, year)


def _render_quarters(request, plan, form, status=200, reopening=None):
    closed = plan.closed_quarters()
    today = clock.today()
    rows = [
        {
            "quarter": q,
            "closed": q in closed,
            "ended": plan.has_ended(q, today),
            "end": plan.quarter_end(q),
            "due": plan.report_due(q),
        }
        for q in QUARTERS
    ]
    # Periods created before closing created them closed at once began with an open
    # row ("+", not closed) that never was a reopening: not shown.
    history = (
        plan.periods.model.history.filter(plan=plan)
        .exclude(history_type="+", is_closed=False)
        .select_related("history_user")
    )
    context = {
        "plan": plan,
        "rows": rows,
        "reopen_form": form,
        "reopening": reopening,
        "history": history.order_by("-history_date"),
        "years": year_links(plan, "quarters"),
    }
    return render(request, "targets/quarters.html", context, status=status)


@login_required
@require_safe
def quarters(request, year):
    return _render_quarters(request, _admin_plan(request, year), ReopenForm())


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def close_quarter(request, year, quarter):
    """The checklist of what is unfinished in the quarter, then closing it on the
    administrator's confirmation. A POST without the confirmation (a stale form, a
    direct request) closes nothing: the checklist again, 400."""
    plan = _admin_plan(request, year)
    quarter = quarter_or_404(quarter)
    today = clock.today()
    if plan.is_quarter_closed(quarter):
        messages.info(request, _("Q%(q)s is closed already.") % {"q": quarter})
        return redirect("targets:quarters", year=year)
    if not plan.has_ended(quarter, today):
        if request.method == "POST":
            messages.error(
                request,
                _("Q%(q)s has not ended yet (it ends on %(end)s): it cannot be closed.")
                % {"q": quarter, "end": plan.quarter_end(quarter).isoformat()},
            )
            return _render_quarters(request, plan, ReopenForm(), status=400)
        return redirect("targets:quarters", year=year)
    checks = closing_checklist(plan, quarter, today)
    seen = checklist_seen(checks)
    refusal, status = "", 200
    if request.method == "POST":
        if request.POST.get("confirm") != "yes":
            refusal, status = _("Nothing was closed: confirm below to close the quarter."), 400
        elif request.POST.get("seen", seen) != seen:
            # The form names the checklist it showed; a script may confirm without one.
            refusal = _(
                "Nothing was closed: the checklist has changed since you opened it. "
                "Check it again below, then confirm."
            )
            status = 409
        else:
            plan.close_quarter(quarter, by=request.user, reason=_("closed"), today=today)
            messages.success(request, _("Q%(q)s is closed.") % {"q": quarter})
            return redirect("targets:quarters", year=year)
    context = {
        "plan": plan,
        "quarter": quarter,
        "end": plan.quarter_end(quarter),
        "checks": checks,
        "unfinished": sum(check.count for check in checks),
        "refusal": refusal,
        "seen": seen,
    }
    return render(request, "targets/close_quarter.html", context, status=status)


@login_required
@require_POST
def reopen_quarter(request, year, quarter):
    plan = _admin_plan(request, year)
    quarter_or_404(quarter)
    form = ReopenForm(request.POST)
    if not form.is_valid():
        return _render_quarters(request, plan, form, status=400, reopening=quarter)
    plan.reopen_quarter(quarter, by=request.user, reason=form.cleaned_data["reason"])
    messages.success(request, _("Q%(q)s is open again.") % {"q": quarter})
    return redirect("targets:quarters", year=year)
