"""Quarterly reports: the figures and narratives bureau staff enter."""

from decimal import Decimal

from django.conf import settings
from django.db import IntegrityError, OperationalError, models, transaction
from django.db.models import Exists, F, OuterRef, Q
from django.db.models.functions import Length
from django.db.models.lookups import LessThanOrEqual
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from ..rules import reports_readable_filter
from ..states import COUNTED_STATES, MilestoneState, ReportState
from .approval import chain_of, step_label
from .period import ReportingPeriod
from .plan import Plan
from .recorded import RecordedSaveMixin

# A figure above this is a typo, not a result (also refused by the database).
MAX_FIGURE = 10**9

# The longest narrative part (进展情况, 存在问题, 下步计划), in characters. An XLSX cell
# holds 32,767 characters; a narrative must fit one whatever is added to it (the
# leading ' of a neutralised formula). The form says it, the database enforces it.
NARRATIVE_MAX_LENGTH = 10_000
# The longest reviewer's comment or reason for a change.
COMMENT_MAX_LENGTH = 2_000
NARRATIVE_FIELDS = ("progress", "problems", "next_steps")


def choice_labels(choices):
    """{value: label} of a TextChoices in the active language, built once per listing
    rather than once per row."""
    return {value: str(label) for value, label in choices.choices}


def entry_refusal(plan, report, *, future, closed):
    """Why this report cannot be entered now, or "" when it can: asked by the report
    form's page and by each row of a spreadsheet import (report_sheet/rows.py)."""
    if plan.refusal_to_report():
        return plan.refusal_to_report()
    if future:
        return gettext("Q%(q)s %(year)s has not begun; it can be reported from %(date)s.") % {
            "q": report.quarter,
            "year": plan.year,
            "date": plan.quarter_start(report.quarter).isoformat(),
        }
    if closed:
        return gettext("Q%(q)s is closed: its reports can no longer change.") % {
            "q": report.quarter
        }
    if report.is_approved:
        return gettext("This report is approved and locked; a reviewer can return it for changes.")
    return ""


class ReportLocked(Exception):
    """The report cannot change: its quarter is closed or it is approved."""


class DatabaseBusy(Exception):
    """The database stayed locked by another writer for longer than its busy timeout
    (SQLite) or could not be reached: nothing was written, the user tries again."""


class EditConflict(Exception):
    """Someone else saved the report since the user loaded it.

    `current` is the report as they saved it, to show beside the user's input.
    """

    def __init__(self, current):
        super().__init__("The report was changed by someone else.")
        self.current = current


class QuarterlyReportQuerySet(models.QuerySet):
    def counted(self):
        """Reports whose figures count on dashboards and exports: submitted or approved."""
        return self.filter(state__in=QuarterlyReport.COUNTED_STATES)

    def readable_by(self, user):
        """The reports `user` may read (targets/rules.py, `targets.read_report`)."""
        return readable_by(self, user)


def readable_by(records, user):
    """`records` (reports, or their historical rows) narrowed to what `user` may read.

    The rule is `targets.read_report` in targets/rules.py: a submitted or approved
    report is read by every signed-in user; a draft or a returned report only by
    those who may read the drafts of its indicator. The historical rows follow the
    same rule row by row, so nobody else sees a draft's version in the history
    either. A filter (`reports_readable_filter`), no query of its own.
    """
    readable = reports_readable_filter(user)
    return records if readable is None else records.filter(readable)


class QuarterlyReport(RecordedSaveMixin, models.Model):
    """One indicator's report for one quarter.

    For a count, `value` is the quarter's own figure; for a level, the figure at
    the quarter's end; a milestone reports its state instead. Every change is kept
    by django-simple-history with who, when and why (`_change_reason`).
    """

    MilestoneState = MilestoneState  # targets/states.py, a leaf module
    State = ReportState
    COUNTED_STATES = COUNTED_STATES
    # What staff enter; an approved report keeps these until it is returned.
    CONTENT_FIELDS = ("value", "milestone_state", "done_on", "progress", "problems", "next_steps")

    indicator = models.ForeignKey(
        "targets.Indicator",
        verbose_name=_("indicator"),
        on_delete=models.CASCADE,
        related_name="reports",
    )
    quarter = models.PositiveSmallIntegerField(_("quarter"))
    value = models.DecimalField(_("figure"), max_digits=14, decimal_places=2, null=True, blank=True)
    milestone_state = models.CharField(
        _("milestone state"), max_length=12, choices=MilestoneState, blank=True
    )
    done_on = models.DateField(_("date done"), null=True, blank=True)
    progress = models.TextField(_("progress"), blank=True, max_length=NARRATIVE_MAX_LENGTH)
    problems = models.TextField(_("problems"), blank=True, max_length=NARRATIVE_MAX_LENGTH)
    next_steps = models.TextField(_("next steps"), blank=True, max_length=NARRATIVE_MAX_LENGTH)
    state = models.CharField(_("approval state"), max_length=10, choices=State, default=State.DRAFT)
    # The approval step a submitted report waits at (its index in the plan's chain,
    # targets/models/approval.py); 0 for a plan of one step and outside review.
    step = models.PositiveSmallIntegerField(_("approval step"), default=0)
    review_comment = models.TextField(
        _("reviewer's comment"), blank=True, max_length=COMMENT_MAX_LENGTH
    )
    # Optimistic locking: a save must name the version it started from.
    version = models.PositiveIntegerField(_("version"), default=1)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("entered by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)

    # Reasons as long as a comment may be (simple-history's default column holds 100).
    history = HistoricalRecords(history_change_reason_field=models.TextField(null=True))
    objects = QuarterlyReportQuerySet.as_manager()

    class Meta:
        ordering = ["indicator", "quarter"]
        verbose_name = _("quarterly report")
        verbose_name_plural = _("quarterly reports")
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "quarter"], name="report_one_per_indicator_quarter"
            ),
            models.CheckConstraint(
                condition=Q(quarter__gte=1, quarter__lte=4), name="report_quarter_1_to_4"
            ),
            models.CheckConstraint(
                # Below zero only a growth rate (the forms say which indicator may).
                condition=Q(value__isnull=True) | Q(value__gte=-MAX_FIGURE, value__lte=MAX_FIGURE),
                name="report_value_within_1e9",
            ),
            # A milestone is done exactly when it has the date it was done.
            models.CheckConstraint(
                condition=(
                    Q(milestone_state="done", done_on__isnull=False)
                    | (~Q(milestone_state="done") & Q(done_on__isnull=True))
                ),
                name="report_done_iff_done_on",
            ),
            # Narratives fit an XLSX cell, whatever route wrote them.
            models.CheckConstraint(
                condition=Q(
                    *(
                        LessThanOrEqual(Length(name), NARRATIVE_MAX_LENGTH)
                        for name in NARRATIVE_FIELDS
                    )
                ),
                name="report_narratives_within_limit",
            ),
        ]
        indexes = [
            # The default as-of quarter and "counted" filters: state + quarter.
            models.Index(fields=["state", "quarter"], name="report_state_quarter_idx"),
        ]

    def __str__(self):
        return f"{self.indicator.code} Q{self.quarter}"

    def save(self, *args, **kwargs):
        if self.indicator.counts_from_ledger:
            # Counted, not typed: the figure is the number of the quarter's ledger
            # entries, stored here so every page, export and the status rule read
            # `value` and agree with the ledger by construction.
            self.value = Decimal(self.indicator.ledger_count(self.quarter))
        self._refuse_if_locked()
        super().save(*args, **kwargs)

    def save_by(self, user, reason="", *, ledger=None, **kwargs):
        """Save with who and why; `ledger` (a `ledger.models.LedgerEdit`) changes the
        quarter's ledger entries in the same transaction, before the figure is counted.

        Entries change only this way, with their report: its lock, its version, its
        closed quarter and its history apply to them (ledger/models/entry.py).
        """
        if ledger is None or not ledger:
            super().save_by(user, reason, **kwargs)
            return
        try:
            with transaction.atomic():
                ledger.apply(self, by=user, reason=reason)
                super().save_by(user, reason, **kwargs)
        except BaseException:
            ledger.discard_stored_files()  # nothing was written: no orphan files either
            raise

    def delete(self, *args, **kwargs):
        self._refuse_if_locked()
        return super().delete(*args, **kwargs)

    def _refuse_if_locked(self):
        """The last line of defence: no route (form, admin, shell) changes a locked report."""
        # Through the indicator's id, in one query: the plan's state and whether the
        # quarter is closed (no need to load the indicator on every save).
        state, closed = (
            Plan.objects.filter(indicators=self.indicator_id)
            .annotate(
                quarter_closed=Exists(
                    ReportingPeriod.objects.filter(
                        plan=OuterRef("pk"), quarter=self.quarter, is_closed=True
                    )
                )
            )
            .values_list("state", "quarter_closed")
            .get()
        )
        if state != Plan.State.ACTIVE:
            raise ReportLocked(f"The plan is {state}: reporting is not open.")
        if closed:
            raise ReportLocked(f"Q{self.quarter} is closed.")
        if self.pk is None:
            return
        stored = QuarterlyReport.objects.filter(pk=self.pk).values(*self.CONTENT_FIELDS, "state")
        stored = stored.first()
        if stored and stored["state"] == self.State.APPROVED:
            unlocking = self.state == self.State.RETURNED and all(
                getattr(self, name) == stored[name] for name in self.CONTENT_FIELDS
            )
            if not unlocking:
                raise ReportLocked("An approved report changes only by being returned.")

    # --- the reporting workflow ---------------------------------------------------
    # draft/returned --save draft--> draft; (new)/draft/returned/submitted --submit-->
    # submitted; submitted --approve--> approved; submitted/approved --return--> returned.
    # With an approval chain of several steps (approval.py), approve moves a submitted
    # report to the next step and approves it at the last; a submission or a return
    # puts it back at the first step.

    def missing_narratives(self, plan):
        """The narrative fields `plan` requires for submitting that are empty (blank
        or only spaces): the report may be saved as a draft, not submitted."""
        return [name for name in plan.required_narratives if not getattr(self, name).strip()]

    def previous(self):
        """The report before this one, whose narrative the form may copy: the same
        indicator's of the quarter before, or for Q1 last year's Q4 of the indicator
        this one continues. None when there is none."""
        reports = type(self).objects
        if self.quarter > 1:
            indicator_id, quarter = self.indicator_id, self.quarter - 1
        else:
            # Last year's indicator may have had another lead section: only what it
            # submitted, which everyone reads.
            indicator_id, quarter = self.indicator.continues_id, 4
            reports = reports.filter(state__in=self.COUNTED_STATES)
        if indicator_id is None:
            return None
        return reports.filter(indicator_id=indicator_id, quarter=quarter).first()

    @property
    def needs_reason(self):
        """Changing a report that was already submitted needs a reason."""
        return self.pk is not None and self.state != self.State.DRAFT

    @property
    def can_save_draft(self):
        return self.state in (self.State.DRAFT, self.State.RETURNED) or self.pk is None

    @property
    def is_approved(self):
        return self.state == self.State.APPROVED

    def record_entry(self, *, by, submit, reason="", expected_version=None, ledger=None):
        """Save what a user entered (already set on this instance), with the changes of
        the quarter's ledger entries (`ledger`, a `LedgerEdit`) when it keeps one.

        Optimistic locking: `expected_version` is the version the user's form
        started from; if someone saved in between, EditConflict carries their
        report and nothing is written. This behaves the same on SQLite and
        PostgreSQL (select_for_update would be a no-op on SQLite).
        """
        if self.needs_reason and not reason.strip():
            raise ValueError("A reason is required to change a submitted report.")
        if not submit and not self.can_save_draft:
            raise ReportLocked("A submitted report can only be resubmitted.")
        self.state = self.State.SUBMITTED if submit else self.State.DRAFT
        self.step = 0  # a changed report goes through the whole chain again
        self.entered_by = by
        self._write_checked(by, reason, expected_version, ledger=ledger)

    def approve(self, *, by, expected_version=None, comment=""):
        if self.state != self.State.SUBMITTED:
            raise ReportLocked("Only a submitted report can be approved.")
        chain = chain_of(self.indicator.plan)
        reason = comment or "approved"
        if self.step + 1 < len(chain):
            # An intermediate step: still submitted (it counts as such), now at the next.
            reason = f"{reason} ({chain[self.step].name_zh} {self.step + 1}/{len(chain)})"
            self.step += 1
        else:
            self.state = self.State.APPROVED
            self.step = 0
        self.review_comment = comment
        self._write_checked(
            by,
            reason,
            self.version if expected_version is None else expected_version,
        )

    def items_without_evidence(self):
        """The names of the quarter's ledger items (台账) with no evidence file: approving
        such a report needs the reviewer's word, so it is not approved with others
        (`targets.approve_in_bulk`). One query; none for an indicator without a ledger."""
        if not self.indicator.keeps_ledger:
            return []
        items = self.indicator.ledger_entries.filter(quarter=self.quarter, files__isnull=True)
        return list(items.order_by("date", "pk").values_list("name", flat=True))

    @property
    def step_label(self):
        """'Step 2 of 3: 规划办审核' while submitted in a chain of several steps, else ''."""
        if self.state != self.State.SUBMITTED:
            return ""
        return step_label(self.indicator.plan, self.step)

    def return_for_changes(self, *, by, comment, expected_version=None):
        if self.state not in (self.State.SUBMITTED, self.State.APPROVED):
            raise ReportLocked("Only a submitted or approved report can be returned.")
        if not comment.strip():
            raise ValueError("Returning a report needs a comment.")
        self.state = self.State.RETURNED
        self.step = 0
        self.review_comment = comment
        self._write_checked(
            by, comment, self.version if expected_version is None else expected_version
        )

    def _write_checked(self, by, reason, expected_version, ledger=None):
        try:
            with transaction.atomic():
                # Serialise with closing a quarter (Plan.close_quarter takes the same
                # lock): the closed-quarter check in save() then sees a close that
                # committed first, and a close waits for this save to commit, so no
                # report is ever saved after its quarter closed. On SQLite the
                # IMMEDIATE transaction already holds the one write lock.
                Plan.objects.lock_for_writing(indicator=self.indicator_id)
                if self.pk is None:
                    self.version = 1
                else:
                    # Claim the version atomically: a concurrent writer that read the
                    # same version finds no row to update and gets a conflict.
                    claimed = QuarterlyReport.objects.filter(
                        pk=self.pk, version=expected_version
                    ).update(version=F("version") + 1)
                    if not claimed:
                        raise EditConflict(self._current())
                    self.version = expected_version + 1
                self.save_by(by, reason, ledger=ledger)
        except IntegrityError:
            # Two people created the same quarter's report at once.
            raise EditConflict(self._current()) from None
        except OperationalError as error:
            # SQLite's lock outlasted the busy timeout (or the database is gone):
            # nothing was written; the view keeps the input for another try.
            raise DatabaseBusy(str(error)) from error

    def _current(self):
        return (
            QuarterlyReport.objects.select_related("entered_by")
            .filter(indicator_id=self.indicator_id, quarter=self.quarter)
            .first()
        )

    @property
    def counts(self):
        return self.state in self.COUNTED_STATES

    @property
    def is_done(self):
        return self.milestone_state == self.MilestoneState.DONE
