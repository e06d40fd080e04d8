"""What every row of the ledger shares: it changes only with its quarter's report
(ledger/models/entry.py says how), and never in a closed quarter or under an
approved report."""

from targets.models import QuarterlyReport, ReportingPeriod
from targets.models.report import ReportLocked


class ChangedOutsideReport(Exception):
    """Entries change only with their report (`QuarterlyReport.save_by(ledger=…)`)."""


class ChangesWithReport:
    """A row of the ledger (an entry, an evidence file): its `save` and `delete` refuse
    unless called through `changed_with_report`, by the report's own save."""

    def changed_with_report(self, by, reason, *, delete=False):
        """Save (or delete) as part of the report's save: see the module docstring."""
        self._with_report = True
        self._history_user, self._change_reason = by, reason
        try:
            if delete:
                self.delete()
            else:
                self.save()
        finally:
            self._with_report = False


def refuse_if_locked(indicator_id, quarters):
    """ReportLocked if any of `quarters` of the indicator is closed or its report approved:
    the same rule as `QuarterlyReport._refuse_if_locked`, for the entries of those quarters."""
    closed = ReportingPeriod.objects.filter(
        plan__indicators=indicator_id, quarter__in=quarters, is_closed=True
    ).values_list("quarter", flat=True)
    for quarter in closed:
        raise ReportLocked(f"Q{quarter} is closed.")
    approved = QuarterlyReport.objects.filter(
        indicator_id=indicator_id, quarter__in=quarters, state=QuarterlyReport.State.APPROVED
    ).exists()
    if approved:
        raise ReportLocked("An approved report's ledger changes only once it is returned.")
