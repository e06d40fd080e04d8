"""The changes of an indicator's ledger, item by item, from django-simple-history:
who added, corrected or removed which item (and file), when, from what to what, why."""

from dataclasses import dataclass

from django.utils.text import capfirst
from django.utils.translation import gettext as _

from targets.models.history import People

from .models import Division, EvidenceFile, LedgerEntry

# The fields of an item whose changes are listed, in this order.
FIELDS = ("name", "date", "division_id", "document_number", "note")
_USER = ("history_user_id", "history_user__username", "history_user__first_name")
_QUERY = (
    "id",
    "history_date",
    "history_type",
    "history_change_reason",
    "quarter",
    *_USER,
    "history_user__last_name",
    *FIELDS,
)


@dataclass(frozen=True)
class LedgerChange:
    when: object
    who: str
    quarter: int
    item: str
    what: str  # "Added", "Removed", a field's name, "File added", "File removed"
    old: object
    new: object
    reason: str


def ledger_changes(indicator):
    """Every change of the ledger of `indicator`, newest first. Three queries: the
    items' history, their files' history, the places' names."""
    people = People()
    divisions = dict(Division.objects.values_list("pk", "name_zh"))
    labels = {
        name: str(capfirst(LedgerEntry._meta.get_field(name.removesuffix("_id")).verbose_name))
        for name in FIELDS
    }
    changes, names, previous = [], {}, {}
    rows = (
        LedgerEntry.history.filter(indicator=indicator)
        .order_by("id", "history_date", "history_id")
        .values_list(*_QUERY)
    )
    for row in rows:
        entry_id, when, kind, reason, quarter = row[:5]
        who = people.name(*row[5:9])
        values = dict(zip(FIELDS, row[9:], strict=True))
        values["division_id"] = divisions.get(values["division_id"], "")
        names[entry_id] = (values["name"], quarter)
        common = {"when": when, "who": who, "quarter": quarter, "item": values["name"]}
        if kind == "+":
            changes.append(
                LedgerChange(**common, what=_("Added"), old=None, new=None, reason=reason or "")
            )
        elif kind == "-":
            changes.append(
                LedgerChange(**common, what=_("Removed"), old=None, new=None, reason=reason or "")
            )
        else:
            before = previous.get(entry_id, {})
            for name in FIELDS:
                if before.get(name) != values[name]:
                    changes.append(
                        LedgerChange(
                            **common,
                            what=labels[name],
                            old=before.get(name),
                            new=values[name],
                            reason=reason or "",
                        )
                    )
        previous[entry_id] = values
    files = (
        EvidenceFile.history.filter(entry_id__in=list(names))
        .exclude(history_type="~")
        .order_by("history_date", "history_id")
        .values_list(
            "entry_id",
            "history_date",
            "history_type",
            "history_change_reason",
            "name",
            *_USER,
            "history_user__last_name",
        )
    )
    for entry_id, when, kind, reason, file_name, *user in files:
        item, quarter = names[entry_id]
        changes.append(
            LedgerChange(
                when=when,
                who=people.name(*user),
                quarter=quarter,
                item=item,
                what=_("File added") if kind == "+" else _("File removed"),
                old=file_name if kind == "-" else None,
                new=file_name if kind == "+" else None,
                reason=reason or "",
            )
        )
    changes.sort(key=lambda change: change.when, reverse=True)
    return changes
