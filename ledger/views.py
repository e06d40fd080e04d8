"""Evidence files, served only with the report's permission; the ledger's exports."""

import logging

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from targets.exports.xlsx import CONTENT_TYPE as XLSX_CONTENT_TYPE
from targets.exports.xlsx import workbook_bytes
from targets.views.exports import _attach, _export_scope, _file_name, _stream_csv

from .exports import ledger_table
from .models import EvidenceFile, LedgerEntry

logger = logging.getLogger(__name__)


@login_required
@require_safe
@never_cache
def evidence(request, year, code, pk):
    """One evidence file, to whoever may read its entry (targets.read_ledger_entry:
    the rule of the report it stands behind); 403 with no byte of it otherwise.

    PDFs and images open in the browser, other types download; the uploader's file
    name (Chinese included) comes back in Content-Disposition's filename*.
    """
    evidence = get_object_or_404(
        EvidenceFile.objects.select_related("entry__indicator"),
        pk=pk,
        entry__indicator__code=code,
        entry__indicator__plan__year=year,
    )
    if not request.user.has_perm("targets.read_ledger_entry", evidence.entry):
        raise PermissionDenied(_("This file belongs to a report that is not yet published."))
    try:
        handle = default_storage.open(evidence.file.name, "rb")
    except OSError:
        logger.error("Evidence file %s (%s) is missing from storage", evidence.pk, evidence.file)
        raise Http404(_("The file is missing from storage; tell an administrator.")) from None
    kind = evidence.type
    return FileResponse(
        handle, as_attachment=not kind.inline, filename=evidence.name, content_type=kind.mime
    )


def _ledger_scope(request, year):
    """The entries `request.user` may export, narrowed by `?indicator=` or `?pillar=`
    (an unknown code is a 404), and the scope's name for the file and title."""
    scope = _export_scope(request, year)
    indicators = scope.indicators
    what = ""
    if code := request.GET.get("indicator"):
        indicators = indicators.filter(code=code)
        what = code
    elif code := request.GET.get("pillar"):
        indicators = indicators.filter(pillar__code=code)
        what = code
    indicators = list(indicators.only("pk", "code"))
    if not indicators:
        raise Http404(_("Unknown indicator or pillar."))
    entries = LedgerEntry.objects.filter(indicator__in=indicators).readable_by(request.user)
    return scope.plan, entries, what


@login_required
@require_safe
@never_cache
def ledger_csv(request, year):
    plan, entries, what = _ledger_scope(request, year)
    return _stream_csv(ledger_table(plan, entries, what), _file_name(plan, _named(what), "csv"))


@login_required
@require_safe
@never_cache
def ledger_xlsx(request, year):
    plan, entries, what = _ledger_scope(request, year)
    response = HttpResponse(
        workbook_bytes(ledger_table(plan, entries, what)), content_type=XLSX_CONTENT_TYPE
    )
    return _attach(response, _file_name(plan, _named(what), "xlsx"))


def _named(what):
    """The file name's part: "ledger" for the plan, "ledger-P3" for a pillar."""
    return f"ledger-{what}" if what else "ledger"
