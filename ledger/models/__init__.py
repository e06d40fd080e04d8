"""The ledger's models.

- division.py: Division, a county, district or zone (kept by administrators)
- entry.py: LedgerEntry and its QuerySet; the lock rule shared with reports
- evidence.py: EvidenceFile, stored through Django's storage API
- edit.py: LedgerEdit, a form's changes applied with the report
- overview.py: what the indicator page shows of a ledger (by quarter, by place)
- marks.py: what the review queue marks of a quarter's items (new, changed, no evidence)
"""

from .division import Division
from .edit import LedgerEdit, SavedEntry
from .entry import ChangedOutsideReport, LedgerEntry, entries_of, quarter_of
from .evidence import EvidenceFile
from .marks import LedgerMarks, MarkedEntry, evidence_q, ledger_marks
from .overview import IndicatorLedger

__all__ = [
    "ChangedOutsideReport",
    "Division",
    "EvidenceFile",
    "IndicatorLedger",
    "LedgerEdit",
    "LedgerEntry",
    "LedgerMarks",
    "MarkedEntry",
    "SavedEntry",
    "entries_of",
    "evidence_q",
    "ledger_marks",
    "quarter_of",
]
