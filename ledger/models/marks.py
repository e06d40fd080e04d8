"""What a reviewer is told about a quarter's ledger items (台账) in the review queue:
which are new or changed since the version they compare against, which were removed,
and which have no evidence file.

The comparison point (`since`) is the report's last approved version, or its first
submission when it was never approved (`targets.models.review.ReviewTrail.since`).
The marks come from django-simple-history, two queries for a whole page of the queue
whatever its length: the items' history and their files' history.
"""

from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef, Q

from .entry import LedgerEntry
from .evidence import EvidenceFile

# The fields of an item whose change makes it "changed" for the reviewer.
MARKED_FIELDS = ("name", "date", "division_id", "document_number", "note")


@dataclass(frozen=True)
class MarkedEntry:
    """A ledger item as the queue shows it: `is_new` (added since), `changed` (corrected
    or its files changed since), `has_evidence` (at least one file)."""

    entry: object
    is_new: bool = False
    changed: bool = False

    @property
    def has_evidence(self):
        return bool(self.entry.files.all())


@dataclass
class LedgerMarks:
    """One report's items, marked, and the names of the items removed since."""

    entries: list = field(default_factory=list)  # MarkedEntry
    removed: list = field(default_factory=list)  # names

    @property
    def new_count(self):
        return sum(1 for e in self.entries if e.is_new)

    @property
    def changed_count(self):
        return sum(1 for e in self.entries if e.changed)

    @property
    def without_evidence(self):
        return [e for e in self.entries if not e.has_evidence]


def evidence_q(missing, prefix=""):
    """Q of the reports (`prefix`: the path to the report) whose indicator keeps a ledger
    and whose quarter's items all have a file (`missing` False), or which have an item
    without one, or no item at all (`missing` True). Subqueries: no row is repeated."""
    items = LedgerEntry.objects.filter(
        indicator_id=OuterRef(f"{prefix}indicator_id"), quarter=OuterRef(f"{prefix}quarter")
    )
    bare = items.filter(~Exists(EvidenceFile.objects.filter(entry=OuterRef("pk"))))
    keeps = ~Q(**{f"{prefix}indicator__ledger": ""})
    if missing:
        return keeps & (Exists(bare) | ~Exists(items))
    return keeps & Exists(items) & ~Exists(bare)


def ledger_marks(entries, since):
    """{(indicator id, quarter): LedgerMarks} for `entries` ({(indicator id, quarter):
    [LedgerEntry with files]}) against `since` ({(indicator id, quarter): datetime or
    None}). Two queries, none without entries to mark."""
    if not since:
        return {}
    wanted = set(since)
    rows = (
        LedgerEntry.history.filter(
            indicator_id__in={i for i, _q in wanted}, quarter__in={q for _i, q in wanted}
        )
        .order_by("id", "history_date", "history_id")
        .values_list(
            "id", "indicator_id", "quarter", "history_date", "history_type", *MARKED_FIELDS
        )
    )
    added, changed, removed, seen = {}, set(), {}, set()
    previous = {}
    for entry_id, indicator_id, quarter, when, kind, *values in rows:
        key = (indicator_id, quarter)
        if key not in wanted:
            continue
        seen.add(entry_id)
        after = since[key] is not None and when > since[key]
        if kind == "+":
            added[entry_id] = after
        elif kind == "-" and after and not added.get(entry_id):
            removed.setdefault(key, []).append(values[0])
        elif kind == "~" and after and previous.get(entry_id) != values:
            changed.add(entry_id)
        previous[entry_id] = values
    files = (
        EvidenceFile.history.filter(entry_id__in=seen)
        .exclude(history_type="~")
        .values_list("entry_id", "history_date")
    )
    entry_keys = {e.pk: key for key, items in entries.items() for e in items}
    for entry_id, when in files:
        key = entry_keys.get(entry_id)
        if key is not None and since[key] is not None and when > since[key]:
            changed.add(entry_id)
    return {
        key: LedgerMarks(
            entries=[
                MarkedEntry(
                    entry=e,
                    is_new=added.get(e.pk, False),
                    changed=e.pk in changed and not added.get(e.pk, False),
                )
                for e in entries.get(key, [])
            ],
            removed=removed.get(key, []),
        )
        for key in wanted
    }
