"""Target revisions: a target changed during the year, the original kept.

A revision is never edited or deleted: a correction is another revision (the
later one wins on the same effective date). The row itself says who, when and
why, so the list of revisions is the target's history. Which target a quarter
is measured against is the status rule's (`standing.target_in_force`).
"""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .plan import Plan
from .report import COMMENT_MAX_LENGTH, MAX_FIGURE
from .wording import figure_text, target_with_unit

# A reason is a sentence or two ("经市政府同意，……"); it is shown beside the target
# on pages, exports and the briefing.
REASON_MAX_LENGTH = 500
assert REASON_MAX_LENGTH <= COMMENT_MAX_LENGTH


class TargetRevision(models.Model):
    indicator = models.ForeignKey(
        "targets.Indicator",
        verbose_name=_("indicator"),
        on_delete=models.CASCADE,
        related_name="revisions",
    )
    target = models.DecimalField(_("revised target"), max_digits=14, decimal_places=2)
    effective_from = models.DateField(
        _("effective from"),
        help_text=_(
            "The day from which the revised target applies: every quarter ending on or "
            "after it is measured against it; earlier quarters keep the target they had."
        ),
    )
    reason = models.TextField(_("reason"), max_length=REASON_MAX_LENGTH)
    revised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("revised by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    revised_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        ordering = ["indicator", "effective_from", "revised_at", "pk"]
        verbose_name = _("target revision")
        verbose_name_plural = _("target revisions")
        constraints = [
            models.CheckConstraint(
                condition=Q(target__gte=0, target__lte=MAX_FIGURE),
                name="revision_target_within_0_and_1e9",
                violation_error_message=_("A target is a figure between 0 and 1,000,000,000."),
            ),
            models.CheckConstraint(
                condition=~Q(reason=""),
                name="revision_has_a_reason",
                violation_error_message=_("Say why the target changes."),
            ),
        ]
        indexes = [
            # The revisions of a page's indicators, prefetched with their reports.
            models.Index(fields=["indicator", "effective_from"], name="revision_indicator_idx"),
        ]

    def __str__(self):
        return f"{self.indicator.code} → {figure_text(self.target)} ({self.effective_from})"

    @property
    def target_with_unit(self):
        """ "≥ 14 项": with the indicator's comparison and unit (no query when read
        through the indicator's revisions, whose `indicator` is that indicator)."""
        return target_with_unit(self.indicator, self.target)

    @property
    def recorded(self):
        """Which of two revisions with the same effective date came later."""
        return (self.revised_at, self.pk or 0)

    def clean(self):
        """What a revision must satisfy besides its own fields: the plan's state, a date
        in the plan's year after every closed quarter, a change of target."""
        indicator = self.indicator
        plan = indicator.plan
        errors = {}
        if not indicator.has_target:
            raise ValidationError(_("Only a count or a level has a target to revise."))
        if not plan.is_active:
            raise ValidationError(plan.refusal_to_revise())
        if self.reason and not self.reason.strip():  # (empty: the field's own "required")
            errors["reason"] = _("Say why the target changes.")
        date = self.effective_from
        if date is not None:
            start, end = datetime.date(plan.year, 1, 1), datetime.date(plan.year, 12, 31)
            closed = sorted(plan.closed_quarters())
            if not start <= date <= end:
                errors["effective_from"] = _(
                    "The date must fall within %(year)s (the plan's year)."
                ) % {"year": plan.year}
            elif closed and date <= plan.quarter_end(closed[-1]):
                errors["effective_from"] = _(
                    "Q%(quarter)s is closed: a revision cannot apply to it. Choose a day "
                    "after %(end)s."
                ) % {"quarter": closed[-1], "end": plan.quarter_end(closed[-1]).isoformat()}
            elif self.target is not None:
                current = indicator.target_in_force_on(date)
                if current.target == self.target:
                    errors["target"] = _(
                        "The target in force on %(date)s is already %(target)s."
                    ) % {"date": date.isoformat(), "target": figure_text(self.target)}
        if errors:
            raise ValidationError(errors)

    def save_checked(self, *, by):
        """Validate (the model's rules and constraints) and save, serialised with closing a
        quarter and the plan (the same lock), so no revision lands in a quarter closed
        meanwhile. Raises ValidationError with messages by field."""
        with transaction.atomic():
            Plan.objects.lock_for_writing(indicator=self.indicator_id)
            self.indicator.plan.refresh_from_db(fields=["state"])  # closed meanwhile?
            self.revised_by = by
            self.full_clean(exclude=["revised_by"])
            self.save()
        return self
