"""Evidence files, served only with the report's permission (the ledger's exports are
exporters: ledger/exporters.py)."""

import logging

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from .models import EvidenceFile

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
