"""The ledger as targets asks for it (`targets.ledgers.Ledger`), given to targets by
`LedgerConfig.ready()`: this module is the whole of what targets reaches of the
ledger, so targets imports nothing of it."""

from .charts import by_division as chart
from .demo import edit_for as demo_edit
from .demo import prepare as prepare_demo
from .exporters import item_names
from .forms import entry_formset as formset
from .history import ledger_changes as changes
from .models import Division, EvidenceFile, IndicatorLedger, LedgerEntry, entries_of, evidence_q
from .models import ledger_marks as marks

__all__ = [
    "archived",
    "changes",
    "chart",
    "demo_edit",
    "divisions",
    "entries",
    "entries_of",
    "evidence_q",
    "for_page",
    "formset",
    "item_names",
    "marks",
    "prepare_demo",
]

for_page = IndicatorLedger.for_page


def entries():
    return LedgerEntry.objects.all()


def divisions():
    return Division.objects.all()


def archived(indicators):
    """The places, the items and their evidence files' records, with their history.
    The files' bytes live in the file storage (MEDIA_ROOT or the bucket) and are
    backed up with it (docs/deploy.md)."""
    entries = LedgerEntry.objects.filter(indicator__in=indicators)
    entry_history = LedgerEntry.history.filter(indicator_id__in=indicators.values("pk"))
    return [
        (Division.objects.all(), None),
        (Division.history.all(), None),
        (entries, None),
        (entry_history, None),
        (EvidenceFile.objects.filter(entry__in=entries), None),
        (EvidenceFile.history.filter(entry_id__in=entry_history.values("id")), None),
    ]
