"""What a reviewer needs to see of a report: what changed since it was first submitted.

A figure changed 4 → 3.5 → 12 → 5 must not reach the reviewer as a bare "5": for a
report submitted more than once, `ReviewTrail` holds every figure it went through,
each field as first submitted and as now (the narrative's changes marked word by
word), and every reason given. `review_trails` builds them for a whole queue in one
query over the reports' history, whatever its length.
"""

import difflib
from dataclasses import dataclass, field

from django.db.models import Prefetch
from django.utils.translation import gettext

from ..ledgers import ledger_app
from ..rules import awaiting_filter, may_approve_in_bulk
from .approval import step_label
from .history import People, choice_labels_of, field_label
from .report import DatabaseBusy, EditConflict, QuarterlyReport, ReportLocked
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
    # What the queue compares the ledger against: when the report was last approved,
    # or, never approved, first submitted (None: no submission in its history).
    since: object = None
    since_approved: bool = False

    @property
    def changed(self):
        """Whether anything staff entered differs from the first submission."""
        return any(change.changed for change in self.fields)

    @property
    def changed_fields(self):
        return [change for change in self.fields if change.changed]

    @property
    def figure_changed(self):
        """The figures it went through are listed (`values`), first to now."""
        return len(self.values) > 1

    @property
    def shown_fields(self):
        """The changed fields to list under the figures: the figure's own change is
        already in `values`, and is said once."""
        if not self.figure_changed:
            return self.changed_fields
        return [change for change in self.changed_fields if change.name != "value"]


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
    date_at = _QUERY.index("history_date")
    approved = [row for row in rows if row[state_at] == QuarterlyReport.State.APPROVED]
    trail.since = (approved[-1] if approved else rows[first_at])[date_at]
    trail.since_approved = bool(approved)
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
class QueueRow:
    """A report waiting in the queue and what its approval would make of the indicator
    (`standing`: submitted figures already count): what the queue filters and sorts."""

    report: object
    standing: object


@dataclass(frozen=True)
class QueueItem:
    """A row of a page of the queue, with what its details show: the `trail` and, for
    an indicator that keeps a ledger (台账), its quarter's items marked (`ledger`,
    a `ledger.models.LedgerMarks`)."""

    report: object
    standing: object
    trail: ReviewTrail
    ledger: object = None

    @property
    def entries(self):
        """The quarter's ledger items (LedgerEntry), or None without a ledger."""
        return None if self.ledger is None else [m.entry for m in self.ledger.entries]

    @property
    def heading_id(self):
        """The id of the row's heading (review_queue.html), which names its items' table."""
        return f"queue-{self.report.pk}"

    @property
    def needs_comment(self):
        """Why approving this report needs the reviewer's word (so it is approved on
        its own, not with others), or "": an item of its ledger has no evidence file.
        The same rule as `QuarterlyReport.items_without_evidence`, read from what the
        page loaded (no query)."""
        if self.ledger is not None and self.ledger.without_evidence:
            return gettext("An item in the ledger has no evidence file.")
        return ""


def waiting_reports(plan, user):
    """The plan's submitted reports waiting for `user` at their approval step, as a
    QuerySet to filter (targets/filters.py); no query until read but the chain's and
    the user's groups (`awaiting_filter`)."""
    return QuarterlyReport.objects.filter(awaiting_filter(user, plan), indicator__plan=plan)


def with_evidence(reports, *, missing):
    """`reports` whose indicator keeps a ledger and whose quarter's items all have an
    evidence file (`missing` False), or which have an item without one, or none."""
    return reports.filter(ledger_app().evidence_q(missing))


def _by_plan_order(row):
    return (row.report.quarter, row.report.indicator.order, row.report.indicator.code)


# The queue's orders (the filter form's "sort"): each a key on a QueueRow, ties in the
# plan's order. Sorted in Python: status is the status rule's, not a column.
QUEUE_ORDERS = {
    "": _by_plan_order,
    "waiting": lambda row: (row.report.updated_at, *_by_plan_order(row)),
    "status": lambda row: (row.standing.severity, *_by_plan_order(row)),
    "section": lambda row: (row.report.indicator.lead_names, *_by_plan_order(row)),
    "code": lambda row: (row.report.indicator.code, row.report.quarter),
}


def ranked(reports, plan, *, status="", order=""):
    """`reports` (waiting ones, filtered) as `QueueRow`s with their standings, keeping
    those of `status` if given, in `order` (QUEUE_ORDERS). Four queries whatever their
    number: the reports (with indicator and author), their indicators' units, the
    reports and the target revisions of those indicators (for the standings)."""
    reports = list(
        reports.select_related("indicator", "entered_by").prefetch_related(
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
    )
    rows = []
    for report in reports:
        report.indicator.plan = plan  # one plan object: its approval chain is loaded once
        row = QueueRow(report=report, standing=report.indicator.standing(report.quarter))
        if not status or row.standing.status == status:
            rows.append(row)
    rows.sort(key=QUEUE_ORDERS.get(order, _by_plan_order))
    return rows


def queue_items(rows):
    """The `QueueItem`s of `rows` (a page of the queue): one query for their trails
    (the reports' history); four more when some keep a ledger: its items (with their
    places), their files, and the items' and files' history (the marks)."""
    reports = [row.report for row in rows]
    trails = review_trails(reports)
    keeping = [r for r in reports if r.indicator.keeps_ledger]
    entries = _ledger_entries(keeping)
    since = {(r.indicator_id, r.quarter): trails.get(r.pk, ReviewTrail()).since for r in keeping}
    marks = ledger_app().marks(entries, since)
    return [
        QueueItem(
            report=row.report,
            standing=row.standing,
            trail=trails.get(row.report.pk, ReviewTrail()),
            ledger=marks.get((row.report.indicator_id, row.report.quarter)),
        )
        for row in rows
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
    return waiting_reports(plan, user).count()


@dataclass
class Approved:
    """What approving several reports at once did (`approve_together`)."""

    approved: list = field(default_factory=list)  # (report, what it is now, in words)
    skipped: list = field(default_factory=list)  # (report or its id, why, in words)


def approve_together(plan, user, picked):
    """Approve the reports `picked` ({report id: the version the reviewer saw}) of `plan`
    one by one, each through `QuarterlyReport.approve` as if from its own page (review
    trail, lock, version, history and so notices, approval chain). A report is
    skipped, with the reason, when it no longer waits, is not `user`'s at its step,
    needs their comment (`targets.approve_in_bulk`), its quarter closed, or it
    changed since the queue was drawn. Each approval is its own transaction: one
    refused leaves the others approved."""
    reports = {
        report.pk: report
        for report in QuarterlyReport.objects.filter(
            pk__in=list(picked), indicator__plan=plan
        ).select_related("indicator")
    }
    done = Approved()
    for pk, version in picked.items():
        report = reports.get(pk)
        if report is None:
            done.skipped.append((pk, gettext("It is not a report of this plan.")))
            continue
        report.indicator.plan = plan
        why = _why_not_together(plan, user, report, version)
        if why:
            done.skipped.append((report, why))
            continue
        try:
            report.approve(by=user, expected_version=version)
        except EditConflict:
            done.skipped.append((report, _stale()))
        except ReportLocked:
            done.skipped.append((report, gettext("It is locked: its quarter closed.")))
        except DatabaseBusy:
            done.skipped.append((report, gettext("The database was busy; try it again.")))
        else:
            done.approved.append((report, report.step_label or report.get_state_display()))
    return done


def _stale():
    return gettext("It changed since the queue was drawn; look at it again.")


def _why_not_together(plan, user, report, version):
    """Why `report` is not approved with others now, in words, or ""."""
    if report.state != QuarterlyReport.State.SUBMITTED:
        return gettext("It no longer waits for review: someone approved or returned it.")
    if not user.has_perm("targets.approve_report", report):
        return gettext("It does not wait for you at its approval step.")
    if report.version != version:
        return _stale()
    if plan.is_quarter_closed(report.quarter):
        return gettext("Q%(q)s is closed: its reports can no longer change.") % {
            "q": report.quarter
        }
    if not may_approve_in_bulk(user, report):
        return gettext(
            "An item in its ledger has no evidence file: approve it on its own page, "
            "with a comment."
        )
    return ""
