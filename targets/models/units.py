"""Who carries an indicator: its lead units (牵头单位) and cooperating units (协同配合单位).

Plans as bureaus write them name several lead units for one target ("市科技局、市发改委")
and, often, the units that cooperate. `IndicatorUnit` holds both, in the plan's own
order (the first named lead comes first everywhere). What each may do is decided in
targets/rules.py: every lead section's staff enter and submit the reports; the staff
of a cooperating section read the drafts and add a `Contribution` (their part of the
narrative, kept with who and when) that the lead sections see beside the form.

`UnitsMixin` gives `Indicator` its readers (`leads`, `cooperating`, their names); they
use the prefetch of `IndicatorQuerySet.with_units()` when present, so lists ask one
query for all their indicators' units, whatever their number.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.db.models.functions import Length
from django.db.models.lookups import LessThanOrEqual
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext

from accounts.models import Section

from ..rules import drafts_readable_filter
from .freshness import bump
from .report import QuarterlyReport, entry_refusal

CONTRIBUTION_MAX_LENGTH = 2000


def unit_names(sections):
    """Names of `sections` as official writing joins them: "甲科、乙科" / "A, B"."""
    return pgettext("between the names of units", ", ").join(s.name for s in sections)


class IndicatorUnit(models.Model):
    class Role(models.TextChoices):
        LEAD = "lead", _("lead unit")
        COOPERATING = "cooperating", _("cooperating unit")

    indicator = models.ForeignKey(
        "targets.Indicator",
        verbose_name=_("indicator"),
        on_delete=models.CASCADE,
        related_name="units",
    )
    section = models.ForeignKey(
        Section,
        verbose_name=_("section"),
        on_delete=models.PROTECT,
        related_name="indicator_units",
    )
    role = models.CharField(_("role"), max_length=12, choices=Role)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["indicator", "role", "order", "pk"]
        verbose_name = _("lead or cooperating unit")
        verbose_name_plural = _("lead and cooperating units")
        constraints = [
            # A section leads or cooperates, not both, and is named once.
            models.UniqueConstraint(
                fields=["indicator", "section"],
                name="indicator_unit_once",
                violation_error_message=_("A section is named once: as a lead or cooperating."),
            ),
            models.CheckConstraint(
                condition=Q(role__in=["lead", "cooperating"]), name="indicator_unit_role_known"
            ),
        ]
        indexes = [
            # "My reports", the missing reports and the permission filter: by section.
            models.Index(fields=["section", "role"], name="indicator_unit_section_idx"),
        ]

    def __str__(self):
        return f"{self.indicator_id} {self.get_role_display()}: {self.section}"


def set_units(indicator, leads=(), cooperating=()):
    """Name `indicator`'s lead and cooperating sections, in this order (replaces them)."""
    leads = list(dict.fromkeys(leads))
    cooperating = [s for s in dict.fromkeys(cooperating) if s not in leads]
    IndicatorUnit.objects.filter(indicator=indicator).delete()
    IndicatorUnit.objects.bulk_create(
        [
            IndicatorUnit(indicator=indicator, section=s, role=role, order=n)
            for role, sections in (
                (IndicatorUnit.Role.LEAD, leads),
                (IndicatorUnit.Role.COOPERATING, cooperating),
            )
            for n, s in enumerate(sections)
        ]
    )
    if hasattr(indicator, "prefetched_units"):
        del indicator.prefetched_units
    bump(indicator.pk)  # bulk_create sends no signal: the kept pages move on by hand


class UnitsMixin:
    """The lead and cooperating sections of an indicator (see the module docstring)."""

    def units_list(self):
        if hasattr(self, "prefetched_units"):
            return self.prefetched_units
        return list(self.units.select_related("section").order_by("role", "order", "pk"))

    @property
    def leads(self):
        """Its lead sections, in the plan's order."""
        return [u.section for u in self.units_list() if u.role == IndicatorUnit.Role.LEAD]

    @property
    def cooperating(self):
        """Its cooperating sections, in the plan's order."""
        return [u.section for u in self.units_list() if u.role == IndicatorUnit.Role.COOPERATING]

    @property
    def lead_names(self):
        return unit_names(self.leads)

    @property
    def cooperating_names(self):
        return unit_names(self.cooperating)

    @property
    def lead_section_ids(self):
        return {s.pk for s in self.leads}

    @property
    def cooperating_section_ids(self):
        return {s.pk for s in self.cooperating}

    @property
    def first_lead(self):
        """The first named lead section (lists grouped by section use it), or None."""
        return next(iter(self.leads), None)


class ContributionQuerySet(models.QuerySet):
    def readable_by(self, user):
        """What `user` may read: the contributions of indicators whose drafts they may
        read (targets.read_drafts), one query."""
        readable = drafts_readable_filter(user)
        return self if readable is None else self.filter(readable)


class Contribution(models.Model):
    """A cooperating section's part of a quarter's narrative: what it did, for the lead
    sections to use in their report. Kept as written, with who and when; never edited
    (a correction is a further contribution)."""

    indicator = models.ForeignKey(
        "targets.Indicator",
        verbose_name=_("indicator"),
        on_delete=models.CASCADE,
        related_name="contributions",
    )
    quarter = models.PositiveSmallIntegerField(_("quarter"))
    section = models.ForeignKey(
        Section, verbose_name=_("section"), on_delete=models.PROTECT, related_name="+"
    )
    text = models.TextField(_("contribution"), max_length=CONTRIBUTION_MAX_LENGTH)
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("written by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    written_at = models.DateTimeField(_("written"), auto_now_add=True)

    objects = ContributionQuerySet.as_manager()

    class Meta:
        ordering = ["indicator", "quarter", "written_at", "pk"]
        verbose_name = _("contribution of a cooperating unit")
        verbose_name_plural = _("contributions of cooperating units")
        constraints = [
            models.CheckConstraint(
                condition=Q(quarter__gte=1, quarter__lte=4), name="contribution_quarter_1_to_4"
            ),
            models.CheckConstraint(condition=~Q(text=""), name="contribution_has_text"),
            models.CheckConstraint(
                condition=LessThanOrEqual(Length("text"), CONTRIBUTION_MAX_LENGTH),
                name="contribution_text_within_limit",
            ),
        ]
        indexes = [
            # The report page: a quarter's contributions of one indicator.
            models.Index(fields=["indicator", "quarter"], name="contribution_quarter_idx"),
        ]

    def __str__(self):
        return f"{self.indicator_id} Q{self.quarter} {self.section}"

    def clean(self):
        super().clean()
        if not (self.text or "").strip():
            raise ValidationError({"text": _("Write what your section contributed.")})

    @classmethod
    def refusal(cls, plan, quarter, today):
        """Why nothing can be added to `quarter` now, or "": as for a report, the plan
        must take reports, the quarter have begun and not be closed."""
        report = QuarterlyReport(quarter=quarter)
        return entry_refusal(
            plan,
            report,
            future=plan.is_future(quarter, today),
            closed=plan.is_quarter_closed(quarter),
        )

    @classmethod
    def add(cls, indicator, quarter, text, *, by, today):
        """Keep `by`'s contribution (their section's) to `indicator`'s `quarter`.
        Raises ValidationError with the reason when it cannot be added."""
        refusal = cls.refusal(indicator.plan, quarter, today)
        if refusal:
            raise ValidationError(refusal)
        contribution = cls(
            indicator=indicator,
            quarter=quarter,
            section=by.section,
            text=text.strip(),
            written_by=by,
        )
        contribution.full_clean()
        contribution.save()
        return contribution
