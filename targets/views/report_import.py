"""A quarter's reports from a spreadsheet: the template, the upload and its preview,
and the confirmation that saves every row or none (targets/report_sheet/)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts.models import Section
from kpitracker import uploads

from .. import clock
from ..exports.base import content_disposition
from ..models.report import DatabaseBusy
from ..report_sheet import files, reader, rows, stash, template
from ..report_sheet.forms import ReportConfirmForm, ReportUploadForm
from . import ahead
from .common import get_plan


def _active_plan(request, year):
    """The plan of `year`, open for reporting (as the report form requires), else 404."""
    plan = get_plan(request, year)
    if not plan.is_active:
        raise Http404(plan.refusal_to_report())
    return plan


def _template_scope(request, plan):
    """(section or None for all, quarter) of a template request, or 404/403."""
    user = request.user
    code = request.GET.get("section", "")
    if code:
        section = Section.objects.filter(code=code).first()
        if section is None:
            raise Http404(_("Unknown section."))
    elif user.section_id is not None and not user.has_perm("targets.read_all_reports"):
        section = user.section
    else:
        section = None
    if not user.has_perm("targets.report_template", section):
        raise PermissionDenied(_("The template is of your own section's reports."))
    quarter = request.GET.get("quarter", "")
    if quarter:
        if quarter not in {"1", "2", "3", "4"}:
            raise Http404(_("Unknown quarter."))
        quarter = int(quarter)
    else:
        quarter = plan.reporting_quarter(clock.today())
    return section, quarter


def _template(request, year, kind):
    plan = _active_plan(request, year)
    section, quarter = _template_scope(request, plan)
    indicators = plan.indicators.for_standings()
    if section is not None:
        indicators = indicators.led_by(section)
    indicators = list(indicators)
    lines = template.template_rows(plan, quarter, indicators)
    name = f"reports-{plan.year}-Q{quarter}-{section.code if section else 'all'}.{kind}"
    if kind == "xlsx":
        ledger = template.ledger_rows(plan, quarter, indicators, lines)
        content = template.xlsx_bytes(plan, quarter, section, lines, ledger)
        response = HttpResponse(content, content_type=template.CONTENT_TYPE)
    else:
        response = HttpResponse(template.csv_bytes(lines), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = content_disposition(name)
    return response


@login_required
@require_safe
def report_template_xlsx(request, year):
    return _template(request, year, "xlsx")


@login_required
@require_safe
def report_template_csv(request, year):
    return _template(request, year, "csv")


def _render(request, plan, form, *, result=None, token="", status=200, refusal=""):
    confirm = None
    if result is not None and result.ok:
        confirm = ReportConfirmForm(
            initial={"token": token, "action": "submit" if not result.can_save_drafts else "draft"}
        )
        if not result.can_save_drafts:
            confirm.fields["action"].choices = ReportConfirmForm.ACTIONS[1:]
    return render(
        request,
        "targets/report_import.html",
        {
            "plan": plan,
            "form": form,
            "result": result,
            "confirm": confirm,
            "refusal": refusal,
        },
        status=status,
    )


def _importer(request, year):
    if not request.user.has_perm("targets.import_reports"):
        raise PermissionDenied(_("Importing reports is for the sections that report."))
    return _active_plan(request, year)


def _preview(request, plan, data, *, file_name, quarter, encoding):
    """(Preview, None) or (None, the message of an unreadable file)."""
    try:
        upload = files.classify(data, file_name)
        sheet = reader.read(upload, encoding)
    except uploads.Refused as error:  # UnreadableFile, or refused by the upload gate
        return None, str(error)
    result = rows.preview(
        sheet,
        plan=plan,
        quarter=quarter,
        user=request.user,
        file_name=file_name,
        today=clock.today(),
    )
    return result, None


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def report_import(request, year):
    """GET: the upload form. POST: the preview of the upload (nothing saved)."""
    plan = _importer(request, year)
    if request.method != "POST":
        quarter = plan.reporting_quarter(clock.today())
        return _render(request, plan, ReportUploadForm(initial={"quarter": quarter}))
    form = ReportUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return _render(request, plan, form, status=400)
    upload = form.cleaned_data["file"]
    if upload.size > files.max_bytes():  # refused before reading it into memory
        form.add_error("file", files.size_message())
        return _render(request, plan, form, status=400)
    data, quarter = upload.read(), form.cleaned_data["quarter"]
    result, unreadable = _preview(
        request,
        plan,
        data,
        file_name=upload.name,
        quarter=quarter,
        encoding=form.cleaned_data["encoding"] or "auto",
    )
    if unreadable:
        form.add_error("file", unreadable)
        return _render(request, plan, form, status=400)
    if not result.ok:
        return _render(request, plan, form, result=result, status=400)
    token = stash.keep(
        data,
        user=request.user,
        file_name=upload.name,
        quarter=quarter,
        kind=result.sheet.kind,
        encoding=result.sheet.encoding or "auto",
    )
    return _render(request, plan, form, result=result, token=token)


@login_required
@require_POST
def report_import_confirm(request, year):
    """Apply a clean preview: its file read and checked again, then every row saved in
    one transaction, or none."""
    plan = _importer(request, year)
    form = ReportUploadForm(initial={"quarter": plan.reporting_quarter(clock.today())})
    confirm = ReportConfirmForm(request.POST)
    if not confirm.is_valid():
        refusal = _("Choose whether to save the rows as drafts or to submit them.")
        return _render(request, plan, form, status=400, refusal=refusal)
    try:
        data, kept = stash.take(confirm.cleaned_data["token"], user=request.user)
    except stash.Expired:
        refusal = _("The preview has expired or was altered: upload the file again.")
        return _render(request, plan, form, status=400, refusal=refusal)
    result, unreadable = _preview(
        request,
        plan,
        data,
        file_name=kept["file"],
        quarter=kept["quarter"],
        encoding=kept["encoding"],
    )
    if unreadable:  # cannot happen to bytes that were read before, but never a 500
        stash.discard(kept)
        return _render(request, plan, form, status=400, refusal=unreadable)
    try:
        with ahead.before_commit(request):
            count = rows.apply(
                result, by=request.user, submit=confirm.cleaned_data["action"] == "submit"
            )
    except rows.NotApplied:
        stash.discard(kept)
        return _render(request, plan, form, result=result, status=409)
    except DatabaseBusy:  # waited too long for the write lock: nothing was saved
        return _render(request, plan, form, status=503, refusal=rows.BUSY)
    stash.discard(kept)
    messages.success(
        request,
        _("%(count)s reports of Q%(quarter)s imported from %(file)s.")
        % {"count": count, "quarter": kept["quarter"], "file": kept["file"]},
    )
    return redirect("targets:my_reports")
