"""What a reviewer needs to see of a report: what changed since it was first submitted.

A figure changed 4 → 3.5 → 12 → 5 must not reach the reviewer as a bare "5": for a
report submitted more than once, `ReviewTrail` holds every figure it went through,
each field as first submitted and as now (the narrative's changes marked word by
word), and every reason given. `review_trails` builds them for a whole queue in one
query over the reports' history, whatever its length.
"""

import difflib
from dataclasses import dataclass, field

from django.db.models import Prefetch, Q

from ..ledgers import ledger_app
from ..rules import awaiting_filter
from .approval import step_label
from .history import People, choice_labels_of, field_label
from .report import QuarterlyReport
from .revision import TargetRevision
from .units import IndicatorUnit

# What staff enter, in the order a reviewer reads it.
TRAIL_FIELDS = ("value", "milestone_state", "done_on", "progress", "problems", "next_steps")
NARRATIVE_FIELDS = ("progress", "problems", "next_steps")
_QUERY = (
    "id",
    "history_date",
    "history_id",
    "history_change_reason",
    "history_user_id",
    "history_user__username",
    "history_user__first_name",
    "history_user__last_name",
    "state",
    "step",
    "review_comment",
    *TRAIL_FIELDS,
)


@dataclass(frozen=True)
class Reason:
    when: object
    who: str
    state: str  # the approval state that save left, in words
    text: str


@dataclass(frozen=True)
class FieldChange:
    """One field as first submitted and as now; `segments` mark a narrative's changes."""

    name: str
    label: str
    first: object
    now: object
    segments: tuple = ()  # ("equal" | "delete" | "insert", text), for narratives

    @property
    def changed(self):
        return self.first != self.now


@dataclass
class ReviewTrail:
    """A report's changes since its first submission (see the module docstring)."""

    submissions: int = 0  # how many times it was submitted
    values: list = field(default_factory=list)  # every figure it had, in order, repeats folded
    fields: list = field(default_factory=list)  # FieldChange per entered field
    reasons: list = field(default_factory=list)  # Reason per save after the first submission

    @property
    def changed(self):
        """Whether anything staff entered differs from the first submission."""
        return any(change.changed for change in self.fields)

    @property
    def changed_fields(self):
        return [change for change in self.fields if change.changed]


def diff_segments(old, new):
    """`old` → `new` as ("equal" | "delete" | "insert", text) pieces, character by
    character (Chinese has no spaces to split words on)."""
    old, new = old or "", new or ""
    segments = []
    matcher = difflib.SequenceMatcher(a=old, b=new, autojunk=False)
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op == "equal":
            segments.append(("equal", old[a1:a2]))
            continue
        if a2 > a1:
            segments.append(("delete", old[a1:a2]))
        if b2 > b1:
            segments.append(("insert", new[b1:b2]))
    return tuple(segments)


def review_trails(reports):
    """{report id: ReviewTrail} for `reports` (saved QuarterlyReports), one query.

    A report never submitted, or submitted once and unchanged since, has an empty
    trail (`changed` False, one submission at most).
    """
    ids = [report.pk for report in reports if report.pk]
    rows = (
        QuarterlyReport.history.filter(id__in=ids)
        .order_by("id", "history_date", "history_id")
        .values_list(*_QUERY)
    )
    by_report = {}
    for row in rows:
        by_report.setdefault(row[0], []).append(row)
    people = People()
    state_labels = choice_labels_of("state")
    value_labels = {name: choice_labels_of(name) for name in TRAIL_FIELDS}
    current = {report.pk: report for report in reports}
    return {
        report_id: _trail(current[report_id], rows, people, state_labels, value_labels)
        for report_id, rows in by_report.items()
    }


def review_trail(report):
    """The `ReviewTrail` of one report (one query)."""
    return review_trails([report]).get(report.pk, ReviewTrail())


def _trail(report, rows, people, state_labels, value_labels):
    state_at = _QUERY.index("state")
    first_at = next(
        (n for n, row in enumerate(rows) if row[state_at] == QuarterlyReport.State.SUBMITTED),
        None,
    )
    trail = ReviewTrail()
    if first_at is None:
        return trail
    since = rows[first_at:]
    step_at = _QUERY.index("step")
    # A submission puts a report at the chain's first step; a step passed keeps it
    # submitted at the next one, and is no new submission.
    trail.submissions = sum(
        1 for row in since if row[state_at] == QuarterlyReport.State.SUBMITTED and not row[step_at]
    )
    first = dict(zip(_QUERY, since[0], strict=True))
    for row in since:
        value = row[_QUERY.index("value")]
        if value is not None and (not trail.values or trail.values[-1] != value):
            trail.values.append(value)
    for row in since[1:]:
        values = dict(zip(_QUERY, row, strict=True))
        if values["state"] == QuarterlyReport.State.SUBMITTED and values["step"]:
            # A step of the approval chain passed: nothing changed; the reviewer's
            # comment, if they gave one, is what the next step reads.
            values["history_change_reason"] = values["review_comment"]
        if values["history_change_reason"]:
            trail.reasons.append(
                Reason(
                    when=values["history_date"],
                    who=people.name(*row[4:8]),
                    state=step_label(report.indicator.plan, values["step"])
                    if values["state"] == QuarterlyReport.State.SUBMITTED and values["step"]
                    else state_labels.get(values["state"], values["state"]),
                    text=values["history_change_reason"],
                )
            )
    for name in TRAIL_FIELDS:
        old, new = first[name], getattr(report, name)
        if old in (None, "") and new in (None, ""):
            continue
        labels = value_labels[name] or {}
        trail.fields.append(
            FieldChange(
                name=name,
                label=field_label(name),
                first=labels.get(old, old),
                now=labels.get(new, new),
                segments=diff_segments(old, new) if name in NARRATIVE_FIELDS else (),
            )
        )
    return trail


@dataclass(frozen=True)
class QueueItem:
    """A submitted report in the review queue, with what its approval would make of the
    indicator (`standing`: submitted figures already count) and its `trail`."""

    report: object
    standing: object
    trail: ReviewTrail
    entries: list | None = None  # the quarter's ledger items, for an indicator with a ledger

    @property
    def heading_id(self):
        """The id of the card's heading (review_queue.html), which names its items' table."""
        return f"queue-{self.report.pk}"


def review_queue(plan, *, waiting_for=None):
    """The plan's submitted reports, oldest quarter first, as `QueueItem`s; with
    `waiting_for` (a user), only those waiting for them at their approval step.

    Four queries whatever their number: the reports (with indicator, lead section
    and author), the reports and the target revisions of their indicators (for the
    standings) and their history (for the trails); two more when some keep a ledger
    (台账): the items of those quarters (with their places) and their files.
    """
    waiting = Q() if waiting_for is None else awaiting_filter(waiting_for, plan)
    reports = list(
        QuarterlyReport.objects.filter(
            waiting, indicator__plan=plan, state=QuarterlyReport.State.SUBMITTED
        )
        .select_related("indicator", "indicator__plan", "entered_by")
        .prefetch_related(
            Prefetch(
                "indicator__units",
                queryset=IndicatorUnit.objects.select_related("section").order_by(
                    "role", "order", "pk"
                ),
                to_attr="prefetched_units",
            ),
            Prefetch(
                "indicator__reports",
                queryset=QuarterlyReport.objects.order_by("quarter"),
                to_attr="prefetched_reports",
            ),
            # The target in force at each report's quarter (revisions, one query).
            Prefetch(
                "indicator__revisions",
                queryset=TargetRevision.objects.select_related("revised_by"),
                to_attr="prefetched_revisions",
            ),
        )
        .order_by("quarter", "indicator__order", "indicator__code")
    )
    for report in reports:
        report.indicator.plan = plan  # one plan object: its approval chain is loaded once
    trails = review_trails(reports)
    entries = _ledger_entries([r for r in reports if r.indicator.keeps_ledger])
    return [
        QueueItem(
            report=report,
            standing=report.indicator.standing(report.quarter),
            trail=trails.get(report.pk, ReviewTrail()),
            entries=entries.get((report.indicator_id, report.quarter), [])
            if report.indicator.keeps_ledger
            else None,
        )
        for report in reports
    ]


def _ledger_entries(reports):
    """{(indicator id, quarter): [entries]} of `reports`; no query without any."""
    if not reports:
        return {}
    wanted = {(r.indicator_id, r.quarter) for r in reports}
    found = {}
    rows = (
        ledger_app()
        .entries()
        .filter(indicator_id__in={i for i, _q in wanted}, quarter__in={q for _i, q in wanted})
        .with_files()
    )
    for entry in rows.order_by("date", "pk"):
        if (entry.indicator_id, entry.quarter) in wanted:
            found.setdefault((entry.indicator_id, entry.quarter), []).append(entry)
    return found


def waiting_count(user, plan):
    """How many of `plan`'s reports wait for `user` at their approval step (one query,
    two with a chain to load): the count a reviewer lands on."""
    return QuarterlyReport.objects.filter(awaiting_filter(user, plan), indicator__plan=plan).count()
