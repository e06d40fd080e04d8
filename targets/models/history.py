"""Changes of reports, field by field, read from django-simple-history.

One rule for the indicator's history page and the plan-wide history export:
`iter_changes` reads the historical rows with one query, as plain tuples (no
model instances: a long history reads in half the time), ordered by report and
time, and compares each row with the previous row of the same report, keeping
only that one in memory — so a million-row export streams in bounded memory.

- Created: one change per field given a value (old is empty).
- Changed: one change per field that differs from the report's previous row —
  what simple-history's `diff_against(previous, included_fields=HISTORY_FIELDS)`
  gives (tests/test_export_history.py pins the two together). A save that
  changed none of them still yields one change without a field, so its who,
  when and reason are kept.
- Deleted: one change without a field.
"""

from typing import NamedTuple

from django.utils.text import capfirst
from django.utils.translation import gettext as _

from accounts.models import BilingualNameMixin, User

from .report import QuarterlyReport, choice_labels

# Rows fetched per round trip; PostgreSQL streams them through a server-side cursor.
CHUNK_SIZE = 2000

# The fields whose changes are listed, in this order. Left out: the identity
# (indicator, quarter), the lock version, the timestamps, and `entered_by` (the
# history's own user says who made each change).
HISTORY_FIELDS = (
    "value",
    "milestone_state",
    "done_on",
    "state",
    "progress",
    "problems",
    "next_steps",
    "review_comment",
)

HISTORY_QUERY = (
    "id",
    "history_date",
    "history_type",
    "history_change_reason",
    "quarter",
    "indicator__code",
    "indicator__name_zh",
    "indicator__name_en",
    "history_user_id",
    "history_user__username",
    "history_user__first_name",
    "history_user__last_name",
    *HISTORY_FIELDS,
)


class Change(NamedTuple):
    """One field of one report changed by one save (field "" for a delete or a save
    that changed none of the listed fields). A named tuple: a large history export
    makes one per line."""

    report_id: int
    when: object
    who: str
    code: str
    indicator: str
    quarter: int
    kind: str  # "+" created, "~" changed, "-" deleted
    kind_label: str
    field: str
    field_label: str
    old: object
    new: object
    reason: str


def history_records(**filters):
    """The reports' historical rows matching `filters` (e.g. indicator=…)."""
    return QuarterlyReport.history.filter(**filters)


def iter_changes(records, *, labelled=True):
    """Yield each `Change` of the historical rows in `records`, oldest first per report.

    `labelled`: states as their labels in the active language (pages, exports); False
    keeps their stored values ("approved"), as the read API gives them."""
    rows = (
        records.order_by("id", "history_date", "history_id")
        .values_list(*HISTORY_QUERY)
        .iterator(chunk_size=CHUNK_SIZE)
    )
    field_labels = [field_label(name) for name in HISTORY_FIELDS]
    value_labels = [choice_labels_of(name) for name in HISTORY_FIELDS]
    kinds = kind_labels()
    nothing = (None,) * len(HISTORY_FIELDS)
    people, names = People(), IndicatorNames()

    def shown(index, value):
        if value is None or value == "":
            return None
        labels = value_labels[index]
        return labels.get(value, value) if labels and labelled else value

    previous_id, previous = None, nothing
    for row in rows:
        report_id, when, kind, reason, quarter, code, name_zh, name_en = row[:8]
        values = row[12:]
        if report_id != previous_id:
            previous_id, previous = report_id, nothing
        # report_id, when, who, code, indicator, quarter, kind, kind_label: as in Change
        common = (
            report_id,
            when,
            people.name(*row[8:12]),
            code or "",
            names.name(name_zh, name_en),
            quarter,
            kind,
            kinds.get(kind, kind),
        )
        reason = reason or ""
        changed = []
        if kind != "-":
            changed = [
                (index, old, new)
                for index, (old, new) in enumerate(zip(previous, values, strict=True))
                if old != new and not (previous is nothing and new == "")
            ]
        if not changed:
            yield Change(*common, "", "", None, None, reason)
        for index, old, new in changed:
            yield Change(
                *common,
                HISTORY_FIELDS[index],
                field_labels[index],
                shown(index, old),
                shown(index, new),
                reason,
            )
        previous = values


def with_units(changes, indicator):
    """`changes` of `indicator`'s reports with its figure written as its pages write
    it ("3 家", not the stored "3.00"): for a page. The exports keep the figure a plain
    number in its cell (csvfile.py), which a spreadsheet can add up."""
    for change in changes:
        if change.field == "value":
            change = change._replace(
                old=None if change.old is None else indicator.with_unit(change.old),
                new=None if change.new is None else indicator.with_unit(change.new),
            )
        yield change


def kind_labels():
    """What a historical row records, in the active language: {"+": "Created", …}."""
    return {"+": _("Created"), "~": _("Changed"), "-": _("Deleted")}


def field_label(name):
    return str(capfirst(QuarterlyReport._meta.get_field(name).verbose_name))


def choice_labels_of(name):
    """{value: label} of a field with choices (states), or None."""
    choices = {"milestone_state": QuarterlyReport.MilestoneState, "state": QuarterlyReport.State}
    return choice_labels(choices[name]) if name in choices else None


class People:
    """Display names of users (`get_full_name()` or the username), remembered per id:
    a plan has few authors."""

    def __init__(self):
        self._names = {}

    def name(self, user_id, username, first_name, last_name):
        if user_id is None:
            return ""
        if user_id not in self._names:
            user = User(username=username, first_name=first_name, last_name=last_name)
            self._names[user_id] = user.get_full_name() or user.get_username()
        return self._names[user_id]


class IndicatorNames:
    """An indicator's name in the active language (`Indicator.name`), from its two
    columns; rows come grouped by report, so the last one is remembered."""

    def __init__(self):
        self._key, self._name = None, ""

    def name(self, name_zh, name_en):
        if (name_zh, name_en) != self._key:
            self._key = (name_zh, name_en)
            self._name = _Names(name_zh or "", name_en or "").name
        return self._name


class _Names(BilingualNameMixin):
    """The two names and `Indicator.name`'s rule, without a model instance (a large
    export meets tens of thousands of indicators)."""

    __slots__ = ("name_en", "name_zh")

    def __init__(self, name_zh, name_en):
        self.name_zh, self.name_en = name_zh, name_en
