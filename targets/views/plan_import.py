"""A plan from a spreadsheet: the template, the upload and its preview, and creating
the draft — all of it or nothing (targets/plan_sheet/)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from kpitracker import uploads

from ..exports.base import content_disposition
from ..plan_sheet import build as sheet_build
from ..plan_sheet import reader
from ..plan_sheet.forms import PlanUploadForm
from ..plan_sheet.template import CONTENT_TYPE, next_year_rows, template_bytes
from .common import get_plan
from .years import _manager

# The checked rows travel from the preview to the confirmation signed (they cannot be
# altered in between) and for an hour at most.
SIGNING_SALT = "targets.plan_import"
SIGNED_MAX_AGE = 3600


@login_required
@require_safe
def plan_template(request):
    """The empty template, or (`?from=2024`) next year's plan from an existing one."""
    _manager(request)
    source = request.GET.get("from", "")
    if source:
        plan = get_plan(request, int(source) if source.isdigit() and len(source) == 4 else 0)
        content, name = template_bytes(next_year_rows(plan)), f"plan-{plan.year + 1}.xlsx"
    else:
        content, name = template_bytes(), "plan-template.xlsx"
    response = HttpResponse(content, content_type=CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition(name)
    return response


def _render(request, form, *, draft=None, problems=(), payload="", status=200, refusal=""):
    return render(
        request,
        "targets/plan_import.html",
        {
            "form": form,
            "draft": draft,
            "problems": problems,
            "payload": payload,
            "refusal": refusal,
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def plan_import(request):
    """GET: the upload form. POST with a file: the preview (every problem, or what will
    be made). POST with `payload` (from a preview without problems): make the draft."""
    _manager(request)
    if request.method != "POST":
        return _render(request, PlanUploadForm())
    if "payload" in request.POST:
        return _create(request)
    form = PlanUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return _render(request, form, status=400)
    try:
        sheets, problems = reader.read(form.cleaned_data["file"].read())
    except uploads.Refused as error:  # UnreadableFile, or refused by the upload gate
        form.add_error("file", str(error))
        return _render(request, form, status=400)
    draft = sheet_build.build(sheets)
    problems = problems + draft.problems
    if problems:
        return _render(request, form, draft=draft, problems=problems, status=400)
    payload = signing.dumps(
        {key: rows.rows for key, rows in sheets.items()}, salt=SIGNING_SALT, compress=True
    )
    return _render(request, PlanUploadForm(), draft=draft, payload=payload)


def _create(request):
    try:
        data = signing.loads(request.POST["payload"], salt=SIGNING_SALT, max_age=SIGNED_MAX_AGE)
        sheets = {
            sheet.key: reader.Rows(sheet, [tuple(row) for row in data[sheet.key]])
            for sheet in reader.SHEETS
        }
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        refusal = _("The preview has expired or was altered: upload the file again.")
        return _render(request, PlanUploadForm(), status=400, refusal=refusal)
    draft = sheet_build.build(sheets)  # checked again: the database may have changed
    if draft.problems:
        return _render(request, PlanUploadForm(), draft=draft, problems=draft.problems, status=400)
    try:
        plan = sheet_build.save(draft, by=request.user)
    except ValueError as error:
        return _render(request, PlanUploadForm(), status=409, refusal=str(error))
    messages.success(
        request,
        _("The %(year)s plan is made as a draft from the spreadsheet: check it, then open it.")
        % {"year": plan.year},
    )
    return redirect("targets:plan_setup", year=plan.year)
