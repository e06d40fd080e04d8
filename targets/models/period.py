"""Reporting periods: a plan's quarters, which an administrator closes and reopens."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .recorded import RecordedSaveMixin


class ReportingPeriod(RecordedSaveMixin, models.Model):
    """A quarter of a plan that has been closed (or closed and reopened).

    A quarter without a row is open. Closing and reopening go through
    `Plan.close_quarter` / `Plan.reopen_quarter`, which keep who, when and why in
    the history.
    """

    plan = models.ForeignKey(
        "targets.Plan", verbose_name=_("plan"), on_delete=models.CASCADE, related_name="periods"
    )
    quarter = models.PositiveSmallIntegerField(_("quarter"))
    is_closed = models.BooleanField(_("closed"), default=False)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("changed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    changed_at = models.DateTimeField(_("changed"), auto_now=True)
    reason = models.TextField(_("reason"), blank=True)

    history = HistoricalRecords(history_change_reason_field=models.TextField(null=True))

    class Meta:
        ordering = ["plan", "quarter"]
        verbose_name = _("reporting period")
        verbose_name_plural = _("reporting periods")
        constraints = [
            models.UniqueConstraint(fields=["plan", "quarter"], name="period_one_per_plan_quarter"),
            models.CheckConstraint(
                condition=Q(quarter__gte=1, quarter__lte=4), name="period_quarter_1_to_4"
            ),
        ]

    def __str__(self):
        return f"{self.plan.year} Q{self.quarter}"
