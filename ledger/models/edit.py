"""What a report form changes in its quarter's ledger, applied with the report."""

from dataclasses import dataclass, field

from django.core.files.storage import default_storage

from targets.calendar import quarter_of

from .evidence import EvidenceFile


@dataclass
class SavedEntry:
    """An entry to add or correct, with the files to add and the files to remove."""

    entry: object  # a LedgerEntry, new or changed (not yet saved)
    uploads: list = field(default_factory=list)  # filetypes.CheckedUpload
    removed_files: list = field(default_factory=list)  # EvidenceFile rows of the entry


@dataclass
class LedgerEdit:
    """Additions, corrections and removals of one quarter's ledger entries.

    Given to `QuarterlyReport.save_by(…, ledger=edit)` (through `record_entry`), which
    applies it in the report's transaction, then counts the figure. Files are written
    to storage as they are applied; if the save then fails, `discard_stored_files`
    removes them again, so a refused save leaves no file behind.
    """

    saved: list = field(default_factory=list)  # SavedEntry
    removed: list = field(default_factory=list)  # LedgerEntry
    written: list = field(default_factory=list)  # storage names written by `apply`

    def __bool__(self):
        return bool(self.saved or self.removed)

    def apply(self, report, *, by, reason):
        for entry in self.removed:
            self._check(entry, report)
            entry.changed_with_report(by, reason, delete=True)
        for item in self.saved:
            self._check(item.entry, report)
            item.entry.changed_with_report(by, reason)
            for evidence in item.removed_files:
                if evidence.entry_id != item.entry.pk:
                    raise ValueError("A file is removed from its own entry only.")
                evidence.changed_with_report(by, reason, delete=True)
            for upload in item.uploads:
                EvidenceFile.store(item.entry, upload, by=by, reason=reason, written=self.written)

    @staticmethod
    def _check(entry, report):
        """An entry is changed with the report of its own indicator and quarter only."""
        if entry.indicator_id != report.indicator_id or quarter_of(entry.date) != report.quarter:
            raise ValueError(f"{entry} does not belong to {report}.")

    def discard_stored_files(self):
        for name in self.written:
            default_storage.delete(name)
        self.written.clear()
