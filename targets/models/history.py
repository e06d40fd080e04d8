"""Changes of reports, field by field, read from django-simple-history.

`iter_changes` walks historical rows in (report, time) order and compares each
with the previous row of the same report, keeping only that one row in memory,
so the indicator history page and a plan-wide export share one rule and both
stream in a fixed number of queries.
"""

from dataclasses import dataclass

from .report import QuarterlyReport

TRACKED_FIELDS = (
    "value",
    "milestone_state",
    "done_on",
    "progress",
    "problems",
    "next_steps",
    "state",
    "review_comment",
)


@dataclass
class Change:
    """One field of one report changed by one save."""

    report_id: int
    indicator_code: str
    quarter: int
    when: object
    who: str
    field: str
    field_label: str
    old: object
    new: object
    reason: str
    kind_of_change: str  # "+" created, "~" changed, "-" deleted


def history_rows(**filters):
    """Historical report rows, oldest first per report, with what `iter_changes` needs."""
    return (
        QuarterlyReport.history.filter(**filters)
        .select_related("history_user", "indicator")
        .order_by("id", "history_date", "history_id")
    )


def _label(name):
    return QuarterlyReport._meta.get_field(name).verbose_name


def _display(name, value):
    if value in (None, ""):
        return ""
    if name == "milestone_state":
        return str(QuarterlyReport.MilestoneState(value).label)
    if name == "state":
        return str(QuarterlyReport.State(value).label)
    return value


def iter_changes(rows):
    """Yield a Change per changed field, comparing each row with the report's previous one."""
    previous = None
    for row in rows.iterator(chunk_size=2000):
        if previous is not None and previous.id != row.id:
            previous = None
        who = row.history_user.get_username() if row.history_user else ""
        for name in TRACKED_FIELDS:
            old = getattr(previous, name) if previous is not None else None
            new = getattr(row, name)
            if previous is None and new in (None, ""):
                continue  # a new report: list only what it was created with
            if previous is not None and old == new:
                continue
            yield Change(
                report_id=row.id,
                indicator_code=row.indicator.code,
                quarter=row.quarter,
                when=row.history_date,
                who=who,
                field=name,
                field_label=_label(name),
                old=_display(name, old),
                new=_display(name, new),
                reason=row.history_change_reason or "",
                kind_of_change=row.history_type,
            )
        previous = row
