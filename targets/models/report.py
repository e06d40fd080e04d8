"""Quarterly reports: the figures and narratives bureau staff enter."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

# A figure above this is a typo, not a result (also refused by the database).
MAX_FIGURE = 10**9


class QuarterlyReportQuerySet(models.QuerySet):
    def counted(self):
        """Reports whose figures count on dashboards and exports: submitted or approved."""
        return self.filter(state__in=QuarterlyReport.COUNTED_STATES)


class QuarterlyReport(models.Model):
    """One indicator's report for one quarter.

    For a count, `value` is the quarter's own figure; for a level, the figure at
    the quarter's end; a milestone reports its state instead. Every change is kept
    by django-simple-history with who, when and why (`_change_reason`).
    """

    class MilestoneState(models.TextChoices):
        NOT_STARTED = "not_started", _("Not started")
        IN_PROGRESS = "in_progress", _("In progress")
        DONE = "done", _("Done")

    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        RETURNED = "returned", _("Returned")
        APPROVED = "approved", _("Approved")

    COUNTED_STATES = (State.SUBMITTED, State.APPROVED)

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
    progress = models.TextField(_("progress (进展情况)"), blank=True)
    problems = models.TextField(_("problems (存在问题)"), blank=True)
    next_steps = models.TextField(_("next steps (下步计划)"), blank=True)
    state = models.CharField(_("approval state"), max_length=10, choices=State, default=State.DRAFT)
    review_comment = models.TextField(_("reviewer's comment"), blank=True)
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

    history = HistoricalRecords()
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
                condition=Q(value__isnull=True) | Q(value__gte=0, value__lte=MAX_FIGURE),
                name="report_value_within_0_and_1e9",
            ),
            # A milestone is done exactly when it has the date it was done.
            models.CheckConstraint(
                condition=(
                    Q(milestone_state="done", done_on__isnull=False)
                    | (~Q(milestone_state="done") & Q(done_on__isnull=True))
                ),
                name="report_done_iff_done_on",
            ),
        ]
        indexes = [
            # The default as-of quarter and "counted" filters: state + quarter.
            models.Index(fields=["state", "quarter"], name="report_state_quarter_idx"),
        ]

    def __str__(self):
        return f"{self.indicator.code} Q{self.quarter}"

    def save_by(self, user, reason="", **kwargs):
        """Save with who did it and why, so the history row carries both.

        Every change of a figure goes through here: django-simple-history records
        `save()` but not `QuerySet.update()`.
        """
        self._history_user = user
        self._change_reason = reason
        self.save(**kwargs)

    @property
    def counts(self):
        return self.state in self.COUNTED_STATES

    @property
    def is_done(self):
        return self.milestone_state == self.MilestoneState.DONE
