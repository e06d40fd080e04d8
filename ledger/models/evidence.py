"""Evidence files of ledger entries: stored through Django's storage API, served only
through `ledger.views.evidence`, which applies the report's permission."""

import uuid

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from targets.models.recorded import RecordedSaveMixin

from ..filetypes import MAX_NAME_LENGTH, TYPES
from .withreport import ChangedOutsideReport, ChangesWithReport, refuse_if_locked


def evidence_path(instance, filename):
    """evidence/2024/P3-04/<random>.pdf: a generated name, never the uploader's (which
    is kept in `name`), so no name can reach a folder or overwrite another file."""
    indicator = instance.entry.indicator
    return f"evidence/{indicator.plan.year}/{indicator.code}/{uuid.uuid4().hex}.{filename}"


class EvidenceFile(ChangesWithReport, RecordedSaveMixin, models.Model):
    entry = models.ForeignKey(
        "ledger.LedgerEntry",
        verbose_name=_("ledger entry"),
        on_delete=models.CASCADE,
        related_name="files",
    )
    file = models.FileField(_("file"), upload_to=evidence_path, max_length=255)
    name = models.CharField(_("file name"), max_length=MAX_NAME_LENGTH)
    file_type = models.CharField(
        _("type"), max_length=8, choices=[(key, t.label) for key, t in TYPES.items()]
    )
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    history = HistoricalRecords(history_change_reason_field=models.TextField(null=True))

    class Meta:
        ordering = ["entry", "pk"]
        verbose_name = _("evidence file")
        verbose_name_plural = _("evidence files")

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self._refuse_unless_with_report()
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        # The stored bytes stay: a removed file is still in the history (its row keeps
        # the path) and nothing entered is lost; it is no longer served.
        self._refuse_unless_with_report()
        return super().delete(*args, **kwargs)

    @property
    def type(self):
        return TYPES[self.file_type]

    def url(self, plan_year, code):
        return reverse("ledger:evidence", kwargs={"year": plan_year, "code": code, "pk": self.pk})

    @property
    def size_text(self):
        if self.size < 1024 * 1024:
            return f"{max(1, round(self.size / 1024))} KB"
        return f"{self.size / 1024 / 1024:.1f} MB"

    def _refuse_unless_with_report(self):
        if not getattr(self, "_with_report", False):
            raise ChangedOutsideReport("Evidence files change with their report (save_by).")
        refuse_if_locked(self.entry.indicator_id, {self.entry.quarter})

    @classmethod
    def store(cls, entry, checked, *, by, reason, written):
        """Write a `filetypes.CheckedUpload` to storage and record it; returns the row.
        The stored name is appended to `written` as soon as the bytes are written, so
        a save that fails afterwards can remove them (`LedgerEdit.discard_stored_files`)."""
        evidence = cls(
            entry=entry,
            name=checked.name,
            file_type=checked.type.key,
            size=checked.size,
            sha256=checked.sha256,
            uploaded_by=by,
        )
        checked.upload.seek(0)
        evidence.file.save(checked.type.extensions[0], checked.upload, save=False)
        written.append(evidence.file.name)
        evidence.changed_with_report(by, reason)
        return evidence
