"""The reporting workflow: staff enter and submit, reviewers approve or return."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import F
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts.models import Section

from .. import clock
from ..forms import ContributionForm, ReportForm, ReviewForm
from ..ledgers import ledger_app
from ..models import QuarterlyReport
from ..models.report import NARRATIVE_FIELDS, DatabaseBusy, EditConflict, ReportLocked
from ..models.report import entry_refusal as _refusal
from ..models.review import review_trail
from ..models.worklist import worklist
from ..models.years import codes_by_year
from ..rules import may_contribute
from . import ahead
from .common import (
    current_plan_or_none,
    get_indicator,
    get_plan,
    no_plan,
    quarter_or_404,
    year_links,
)


def _report_page(request, year, code, quarter):
    """Plan, indicator and report (existing or new) for a report URL, or 404/403.

    Editors may open any quarter of their indicators; reviewers, leaders and the
    staff of a cooperating unit read (targets.read_drafts); everyone else (staff of
    another section) is refused.
    """
    plan = get_plan(request, year)
    indicator = get_indicator(plan, code)
    quarter_or_404(quarter)
    user = request.user
    can_edit = user.has_perm("targets.edit_report", indicator)
    report = indicator.reports.select_related("entered_by").filter(quarter=quarter).first()
    # Who acts on the report where it waits (its step of the plan's approval chain).
    can_review = report is not None and user.has_perm("targets.approve_report", report)
    if not (can_edit or can_review or user.has_perm("targets.read_drafts", indicator)):
        raise PermissionDenied(_("Only the lead units report on this indicator."))
    report = report or QuarterlyReport(indicator=indicator, quarter=quarter)
    return plan, indicator, report, can_edit, can_review


def _render(request, context, status=200):
    return render(request, "targets/report_form.html", context, status=status)


def _page_context(request, plan, indicator, report, quarter, can_edit, can_review):
    """What the report page shows around the form: the report, its standing, why it
    cannot be entered now (if so) and the review form."""
    today = clock.today()
    future, closed = plan.is_future(quarter, today), plan.is_quarter_closed(quarter)
    refusal = _refusal(plan, report, future=future, closed=closed)
    return {
        "plan": plan,
        "indicator": indicator,
        "report": report,
        "quarter": quarter,
        "standing": indicator.standing(quarter),
        "refusal": refusal,
        "future": future,
        "can_edit": can_edit and not refusal,
        "review_form": ReviewForm(initial={"version": report.version}) if can_review else None,
        "can_review": can_review and not closed and plan.is_active and report.pk,
        # What changed since the report was first submitted, with the reasons given.
        "trail": review_trail(report) if report.pk else None,
        # The quarter's ledger items (台账), read-only: the reviewer opens their files
        # before approving. The form shows them as rows to edit instead.
        "quarter_entries": list(ledger_app().entries_of(indicator, quarter))
        if indicator.keeps_ledger and not (can_edit and not refusal)
        else None,
        # What the cooperating units added (those who read drafts see it), and their form.
        "contributions": list(
            indicator.contributions.filter(quarter=quarter).select_related("section", "written_by")
        ),
        "contribution_form": ContributionForm()
        if may_contribute(request.user, indicator) and not refusal
        else None,
        # The same quarter's report of this indicator in the other years.
        "years": year_links(
            plan, "report", codes=codes_by_year(plan, indicator.code), quarter=quarter
        ),
    }


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def report_form(request, year, code, quarter):
    plan, indicator, report, can_edit, can_review = _report_page(request, year, code, quarter)
    if request.method == "POST" and not can_edit:
        raise PermissionDenied(_("Only the lead units report on this indicator."))
    context = _page_context(request, plan, indicator, report, quarter, can_edit, can_review)
    form_kwargs = {"indicator": indicator, "plan": plan, "quarter": quarter, "today": clock.today()}
    if request.method != "POST":
        editing = context["can_edit"]
        context["form"] = ReportForm(instance=report, **form_kwargs) if editing else None
        context["entry_formset"] = _entries(None, None, form_kwargs) if editing else None
        if editing:
            _offer_previous(context, report, copy=request.GET.get("copy") == "previous")
        return _render(request, context)
    if context["refusal"]:
        status = 400 if context["future"] else 403
        return _refused(request, context, report, form_kwargs, context["refusal"], status)
    if request.POST.get("action") == "copy":
        return _copy_previous(request, context, report, form_kwargs)
    if _posted_version(request) != (report.version if report.pk else 0):
        # Someone saved since this user opened the form: show theirs before validating
        # (the reason rule, say, may have changed with their submission).
        context.update(_conflict_context(request, report, form_kwargs))
        return _render(request, context, status=409)
    submit = request.POST.get("action") == "submit"
    form = ReportForm(request.POST, instance=report, submit=submit, **form_kwargs)
    entries = _entries(request.POST, request.FILES, form_kwargs)
    context["form"], context["entry_formset"] = form, entries
    # Both validated, so every error shows at once; a refused form stores no file.
    if not all([form.is_valid(), entries is None or entries.is_valid()]):
        context["files_dropped"] = bool(request.FILES)
        return _render(request, context)
    try:
        with ahead.before_commit(request):
            report.record_entry(
                by=request.user,
                submit=submit,
                reason=form.cleaned_data.get("reason", ""),
                expected_version=form.cleaned_data.get("version") or 0,
                ledger=entries.edit() if entries is not None else None,
            )
    except EditConflict as conflict:
        context.update(_conflict_context(request, conflict.current, form_kwargs))
        return _render(request, context, status=409)
    except ReportLocked as locked:
        # Approved or closed while this user typed: say which, keep what they typed.
        current = _current_report(indicator, quarter) or report
        reason = _refusal(plan, current, future=False, closed=plan.is_quarter_closed(quarter))
        return _refused(request, context, current, form_kwargs, reason or str(locked), 403)
    except DatabaseBusy:
        context["busy"] = True
        return _refused(request, context, report, form_kwargs, BUSY_MESSAGE, 503)
    messages.success(
        request,
        _("Q%(q)s report for %(code)s saved as %(state)s.")
        % {"q": quarter, "code": indicator.code, "state": report.get_state_display()},
    )
    return redirect("targets:my_reports")


def _offer_previous(context, report, copy=False):
    """ "Copy last quarter's narrative": offered while the report before
    (`QuarterlyReport.previous`) has a narrative this form still lacks; with `copy`,
    those empty parts are filled from it. Nothing is saved until the user saves."""
    previous = report.previous()
    form = context["form"]
    # get_initial_for_field, not form[name].value(): a bound field keeps the initial
    # it first read, and the parts copied below must show.
    copyable = [
        name
        for name in NARRATIVE_FIELDS
        if previous is not None
        and getattr(previous, name).strip()
        and not str(form.get_initial_for_field(form.fields[name], name) or "").strip()
    ]
    if not copyable:
        return  # nothing the report before has that this one lacks
    context["previous"] = previous
    context["previous_label"] = (
        f"Q{previous.quarter}" if report.quarter > 1 else f"{report.indicator.plan.year - 1} Q4"
    )
    if not copy:
        return
    for name in copyable:
        form.initial[name] = getattr(previous, name)
    context["copied"] = [form[name].label for name in copyable]


def _copy_previous(request, context, report, form_kwargs):
    """The copy button: the form again with what the user has typed so far (figure,
    reason, ledger rows) and the narratives still empty filled from the report before.
    A button of the form, not a link, so nothing typed is lost; nothing is validated
    or saved, and the version they opened stays, so a save after it still meets a
    colleague's save in between as a conflict."""
    context["form"] = _kept_form(request, report, form_kwargs, version=_posted_version(request))
    context["entry_formset"] = _entries(request.POST, None, form_kwargs)
    context["files_dropped"] = bool(request.FILES)
    _offer_previous(context, report, copy=True)
    return _render(request, context)


BUSY_MESSAGE = gettext_lazy(
    "The database is busy with another save and nothing was saved. Your input is kept "
    "below: save again in a moment."
)


def _entries(data, files, form_kwargs):
    """The quarter's ledger entries as rows of the form, or None without a ledger."""
    if not form_kwargs["indicator"].keeps_ledger:
        return None
    return ledger_app().formset(data, files, **form_kwargs)


def _current_report(indicator, quarter):
    return indicator.reports.select_related("entered_by").filter(quarter=quarter).first()


def _refused(request, context, report, form_kwargs, reason, status):
    """The page again with the reason in words and everything the user typed, kept.

    A refusal after the form was filled (approved or closed meanwhile, a busy
    database) must not lose their figure, narratives or reason. Unless the database
    was only busy, the form has no buttons: saving it would be refused again, but
    the text can be copied.
    """
    context.update(
        {
            "refusal": reason,
            "report": report,
            "form": _kept_form(request, report, form_kwargs),
            "entry_formset": _entries(request.POST, None, form_kwargs),
            "files_dropped": bool(request.FILES),
            "quarter_entries": None,
            "input_kept": True,
            "can_save": context.get("busy", False),
        }
    )
    return _render(request, context, status=status)


def _posted_version(request):
    try:
        return int(request.POST.get("version") or 0)
    except ValueError:
        return -1  # a tampered version never matches


def _kept_form(request, current, form_kwargs, version=None):
    """An unbound form over `current` showing what this user posted, at `version`
    (by default `current`'s own)."""
    kept = {name: request.POST.get(name, "") for name in ReportForm.Meta.fields}
    kept["version"] = version if version is not None else (current.version if current.pk else 0)
    if request.POST.get("reason"):
        kept["reason"] = request.POST["reason"]
    form = ReportForm(instance=current, initial=kept, **form_kwargs)
    if "reason" in kept and "reason" not in form.fields:
        # Keep the reason they wrote even where none is needed any more.
        form.fields["reason"] = ReportForm.base_fields["reason"]
    return form


def _conflict_context(request, current, form_kwargs):
    """Show what the other person saved; keep this user's input to retry."""
    return {
        "conflict": current,
        "report": current,
        "form": _kept_form(request, current, form_kwargs),
        # The items as this user typed them, over the entries stored now.
        "entry_formset": _entries(request.POST, None, form_kwargs),
        "files_dropped": bool(request.FILES),
    }


@login_required
@require_POST
def review_report(request, year, code, quarter):
    plan, indicator, report, _can_edit, can_review = _report_page(request, year, code, quarter)
    if report.pk is None:
        raise Http404(_("There is no report to review."))
    if not can_review:
        raise PermissionDenied(_("Only reviewers approve or return reports."))
    form = ReviewForm(request.POST)
    if plan.refusal_to_report():
        message = plan.refusal_to_report()
        return _review_refused(request, plan, indicator, report, quarter, form, message, 403)
    if plan.is_quarter_closed(quarter):
        message = _("Q%(q)s is closed: its reports can no longer change.") % {"q": quarter}
        return _review_refused(request, plan, indicator, report, quarter, form, message, 403)
    if not form.is_valid():
        return _review_refused(request, plan, indicator, report, quarter, form, "", 400)
    data = form.cleaned_data
    try:
        with ahead.before_commit(request):
            if data["action"] == "approve":
                report.approve(
                    by=request.user, expected_version=data["version"], comment=data["comment"]
                )
            else:
                report.return_for_changes(
                    by=request.user, comment=data["comment"], expected_version=data["version"]
                )
    except EditConflict as conflict:
        message = _("The report changed while you were reviewing it; look again.")
        current = conflict.current or report
        return _review_refused(request, plan, indicator, current, quarter, form, message, 409)
    except ReportLocked as locked:
        current = _current_report(indicator, quarter) or report
        return _review_refused(request, plan, indicator, current, quarter, form, str(locked), 409)
    except DatabaseBusy:
        return _review_refused(request, plan, indicator, report, quarter, form, BUSY_MESSAGE, 503)
    messages.success(
        request,
        _("Q%(q)s report for %(code)s: %(state)s.")
        % {"q": quarter, "code": code, "state": report.step_label or report.get_state_display()},
    )
    return redirect("targets:review_queue")


def _review_refused(request, plan, indicator, report, quarter, form, message, status):
    """The report page again, the reviewer's comment kept and the reason said."""
    can_edit = request.user.has_perm("targets.edit_report", indicator)
    context = _page_context(request, plan, indicator, report, quarter, can_edit, True)
    # The comment as typed, against the version now stored, so a second try can succeed.
    context["review_form"] = ReviewForm(
        initial={"version": report.version, "comment": request.POST.get("comment", "")}
    )
    context["review_errors"] = [e for errors in form.errors.values() for e in errors]
    context["review_refusal"] = message
    if context["can_edit"]:
        form_kwargs = {
            "indicator": indicator,
            "plan": plan,
            "quarter": quarter,
            "today": clock.today(),
        }
        context["form"] = ReportForm(instance=report, **form_kwargs)
        context["entry_formset"] = _entries(None, None, form_kwargs)
    return _render(request, context, status=status)


# Indicators per page of "my reports" (each with a row per quarter so far).
MY_REPORTS_PER_PAGE = 60


@login_required
@require_safe
def my_reports(request):
    """Those who report: staff see their section's indicators; an admin sees every
    section's, or one picked with `?section=`. Leaders and reviewers do not report."""
    if not request.user.has_perm("targets.report"):
        raise PermissionDenied(
            _("My reports is for the sections that report; the plan's pages show every report.")
        )
    plan = _reporting_plan(request)
    if plan is None:
        return no_plan(request)
    today = clock.today()
    quarter = plan.reporting_quarter(today)
    sections, section = None, None
    cooperating = None
    if request.user.has_perm("targets.read_all_reports"):  # an admin: every section
        indicators = plan.indicators.all()
        sections = list(Section.objects.leading_in(plan))
        section = _picked_section(request, sections)
        if section is not None:
            indicators = indicators.led_by(section)
    else:
        # What the user's section leads, and what it cooperates on (reads the drafts,
        # adds its part).
        indicators, cooperating = plan.indicators.allowed_to(
            request.user, "targets.edit_report", "targets.contribute"
        )
    # By lead units, as the list groups them, then in plan order; an administrator's
    # list of every section of a large plan pages (a section of the 2024 plan fits).
    page = Paginator(
        indicators.by_first_lead().order_by(
            F("first_lead_code").asc(nulls_last=True), "order", "code"
        ),
        MY_REPORTS_PER_PAGE,
    ).get_page(request.GET.get("page"))
    return render(
        request,
        "targets/my_reports.html",
        {
            "plan": plan,
            "quarter": quarter,
            "sections": worklist(plan, page.object_list, range(quarter, 0, -1), today),
            "cooperating": worklist(plan, cooperating, [quarter], today)
            if cooperating is not None
            else None,
            "page": page,
            "page_range": page.paginator.get_elided_page_range(page.number),
            "section_choices": sections,
            "section": section,
            "other_plans": _other_active(plan),
        },
    )


def _reporting_plan(request):
    """The plan of `?year=` if it is active and visible, else the current plan: when
    two years are open at once (last year's last reports, this year's first), each
    has its own list. None when no plan is open yet (the page then says so)."""
    year = request.GET.get("year")
    if not year:
        return current_plan_or_none(request)
    plan = get_plan(request, year_or_404(year))
    if not plan.is_active:
        raise Http404(plan.refusal_to_report())
    return plan


def year_or_404(value):
    if not value.isdigit() or len(value) != 4:
        raise Http404(_("Unknown year."))
    return int(value)


def _other_active(plan):
    """The other plans open for reporting (no query: read from the plans fetched)."""
    return [p for p in plan.all_years if p.is_active and p.pk != plan.pk]


def _picked_section(request, sections):
    """The section named by `?section=` (its code), None for all; 404 for an unknown one."""
    code = request.GET.get("section")
    if not code:
        return None
    section = next((s for s in sections if s.code == code), None)
    if section is None:
        raise Http404(_("Unknown section."))
    return section
