"""The reporting workflow: staff enter and submit, reviewers approve or return."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from accounts.models import Section

from .. import clock
from ..forms import ReportForm, ReviewForm
from ..models import QuarterlyReport
from ..models.report import EditConflict, ReportLocked
from ..models.review import review_queue as review_queue_items
from ..models.review import review_trail
from ..models.worklist import worklist
from .common import get_indicator, get_plan, latest_plan_or_404, quarter_or_404


def _report_page(request, year, code, quarter):
    """Plan, indicator and report (existing or new) for a report URL, or 404/403.

    Editors may open any quarter of their indicators; reviewers and leaders read;
    everyone else (staff of another section) is refused.
    """
    plan = get_plan(year)
    indicator = get_indicator(plan, code)
    quarter_or_404(quarter)
    user = request.user
    can_edit = user.has_perm("targets.edit_report", indicator)
    can_review = user.has_perm("targets.review_report")
    if not (can_edit or can_review or user.has_perm("targets.read_all_reports")):
        raise PermissionDenied(_("Only the lead section reports on this indicator."))
    report = indicator.reports.select_related("entered_by").filter(quarter=quarter).first()
    report = report or QuarterlyReport(indicator=indicator, quarter=quarter)
    return plan, indicator, report, can_edit, can_review


def _refusal(plan, report, *, future, closed):
    """Why this report cannot be entered now, or "" when it can."""
    if future:
        return _("Q%(q)s %(year)s has not begun; it can be reported from %(date)s.") % {
            "q": report.quarter,
            "year": plan.year,
            "date": plan.quarter_start(report.quarter).isoformat(),
        }
    if closed:
        return _("Q%(q)s is closed: its reports can no longer change.") % {"q": report.quarter}
    if report.is_approved:
        return _("This report is approved and locked; a reviewer can return it for changes.")
    return ""


def _render(request, context, status=200):
    return render(request, "targets/report_form.html", context, status=status)


@login_required
def report_form(request, year, code, quarter):
    plan, indicator, report, can_edit, can_review = _report_page(request, year, code, quarter)
    today = clock.today()
    future, closed = plan.is_future(quarter, today), plan.is_quarter_closed(quarter)
    refusal = _refusal(plan, report, future=future, closed=closed)
    if request.method == "POST" and not can_edit:
        raise PermissionDenied(_("Only the lead section reports on this indicator."))
    form_kwargs = {"indicator": indicator, "plan": plan, "quarter": quarter, "today": today}
    context = {
        "plan": plan,
        "indicator": indicator,
        "report": report,
        "quarter": quarter,
        "standing": indicator.standing(quarter),
        "refusal": refusal,
        "can_edit": can_edit and not refusal,
        "review_form": ReviewForm(initial={"version": report.version}) if can_review else None,
        "can_review": can_review and not closed and report.pk,
        # What changed since the report was first submitted, with the reasons given.
        "trail": review_trail(report) if report.pk else None,
    }
    if request.method != "POST":
        context["form"] = (
            ReportForm(instance=report, **form_kwargs) if context["can_edit"] else None
        )
        return _render(request, context)
    if refusal:
        messages.error(request, refusal)
        return _render(request, context, status=400 if future else 403)
    if _posted_version(request) != (report.version if report.pk else 0):
        # Someone saved since this user opened the form: show theirs before validating
        # (the reason rule, say, may have changed with their submission).
        context.update(_conflict_context(request, report, form_kwargs))
        return _render(request, context, status=409)
    form = ReportForm(request.POST, instance=report, **form_kwargs)
    context["form"] = form
    if not form.is_valid():
        return _render(request, context)
    try:
        report.record_entry(
            by=request.user,
            submit=request.POST.get("action") == "submit",
            reason=form.cleaned_data.get("reason", ""),
            expected_version=form.cleaned_data.get("version") or 0,
        )
    except EditConflict as conflict:
        context.update(_conflict_context(request, conflict.current, form_kwargs))
        return _render(request, context, status=409)
    except ReportLocked as locked:
        raise PermissionDenied(str(locked)) from None
    messages.success(
        request,
        _("Q%(q)s report for %(code)s saved as %(state)s.")
        % {"q": quarter, "code": indicator.code, "state": report.get_state_display()},
    )
    return redirect("targets:my_reports")


def _posted_version(request):
    try:
        return int(request.POST.get("version") or 0)
    except ValueError:
        return -1  # a tampered version never matches


def _conflict_context(request, current, form_kwargs):
    """Show what the other person saved; keep this user's input to retry."""
    kept = {name: request.POST.get(name, "") for name in ReportForm.Meta.fields}
    kept["version"] = current.version if current.pk else 0
    if request.POST.get("reason"):
        kept["reason"] = request.POST["reason"]
    return {
        "conflict": current,
        "report": current,
        "form": ReportForm(instance=current, initial=kept, **form_kwargs),
    }


@login_required
@require_POST
def review_report(request, year, code, quarter):
    plan, _indicator, report, _can_edit, can_review = _report_page(request, year, code, quarter)
    if not can_review:
        raise PermissionDenied(_("Only reviewers approve or return reports."))
    if report.pk is None:
        raise Http404(_("There is no report to review."))
    if plan.is_quarter_closed(quarter):
        raise PermissionDenied(
            _("Q%(q)s is closed: its reports can no longer change.") % {"q": quarter}
        )
    form = ReviewForm(request.POST)
    # A review from the queue goes back to the queue, whatever its outcome.
    back = (
        redirect("targets:review_queue")
        if request.POST.get("from") == "queue"
        else redirect(request.path.removesuffix("review/"))
    )
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return back
    data = form.cleaned_data
    try:
        if data["action"] == "approve":
            report.approve(
                by=request.user, expected_version=data["version"], comment=data["comment"]
            )
        else:
            report.return_for_changes(
                by=request.user, comment=data["comment"], expected_version=data["version"]
            )
    except EditConflict:
        messages.error(request, _("The report changed while you were reviewing it; look again."))
        return back
    except ReportLocked as locked:
        messages.error(request, str(locked))
        return back
    messages.success(
        request,
        _("Q%(q)s report for %(code)s: %(state)s.")
        % {"q": quarter, "code": code, "state": report.get_state_display()},
    )
    return redirect("targets:review_queue")


@login_required
@require_safe
def my_reports(request):
    """Those who report: staff see their section's indicators; an admin sees every
    section's, or one picked with `?section=`. Leaders and reviewers do not report."""
    if not request.user.has_perm("targets.report"):
        raise PermissionDenied(
            _("My reports is for the sections that report; the plan's pages show every report.")
        )
    plan = latest_plan_or_404()
    today = clock.today()
    quarter = plan.reporting_quarter(today)
    sections, section = None, None
    if request.user.has_perm("targets.read_all_reports"):  # an admin: every section
        indicators = plan.indicators.all()
        sections = list(Section.objects.filter(indicators__plan=plan).distinct())
        section = _picked_section(request, sections)
        if section is not None:
            indicators = indicators.filter(lead_section=section)
    else:
        indicators = plan.indicators.editable_by(request.user)
    return render(
        request,
        "targets/my_reports.html",
        {
            "plan": plan,
            "quarter": quarter,
            "sections": worklist(plan, indicators, range(quarter, 0, -1), today),
            "section_choices": sections,
            "section": section,
        },
    )


def _picked_section(request, sections):
    """The section named by `?section=` (its code), None for all; 404 for an unknown one."""
    code = request.GET.get("section")
    if not code:
        return None
    section = next((s for s in sections if s.code == code), None)
    if section is None:
        raise Http404(_("Unknown section."))
    return section


@login_required
@require_safe
def review_queue(request):
    if not request.user.has_perm("targets.review_report"):
        raise PermissionDenied(_("Only reviewers approve or return reports."))
    plan = latest_plan_or_404()
    items = review_queue_items(plan)
    return render(
        request,
        "targets/review_queue.html",
        {
            "plan": plan,
            "items": items,
            "reports": [item.report for item in items],
            "review_form": ReviewForm(),
        },
    )
