"""The meeting briefing (汇报材料) as Word and PDF downloads.

A briefing is an export: the same scope (who may export what, `_export_scope`),
the same filters and quarter (`_filtered`), the same overview as the meeting
workbook. It is written as of a quarter that has ended; a later one is an unknown
page, with a message saying why.
"""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from .. import clock
from ..briefing.content import build_briefing
from ..briefing.docx import CONTENT_TYPE as DOCX_CONTENT_TYPE
from ..briefing.docx import docx_bytes
from ..briefing.pdf import pdf_bytes
from .exports import _attach, _export_scope, _file_name, _filtered, _filtered_overview, _what

PDF_CONTENT_TYPE = "application/pdf"


@login_required
@require_safe
@never_cache
def briefing_docx(request, year):
    briefing, name = _briefing(request, year)
    response = HttpResponse(docx_bytes(briefing), content_type=DOCX_CONTENT_TYPE)
    return _attach(response, f"{name}.docx")


@login_required
@require_safe
@never_cache
def briefing_pdf(request, year):
    briefing, name = _briefing(request, year)
    response = HttpResponse(pdf_bytes(briefing), content_type=PDF_CONTENT_TYPE)
    return _attach(response, f"{name}.pdf")


def _briefing(request, year):
    """(the briefing in the request's language, its file name without extension)."""
    scope = _export_scope(request, year)
    filterset, quarter = _filtered(request, scope)
    plan, today = scope.plan, clock.today()
    if not plan.has_ended(quarter, today):
        raise Http404(
            _(
                "Q%(quarter)s %(year)s has not ended yet: a briefing is written as of "
                "an ended quarter."
            )
            % {"quarter": quarter, "year": plan.year}
        )
    overview = _filtered_overview(plan, quarter, filterset)
    briefing = build_briefing(plan, overview, today=today, filters=filterset.applied())
    name = _file_name(plan, f"{_what(quarter, filterset)}-briefing", "x").removesuffix(".x")
    return briefing, name
