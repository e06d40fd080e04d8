"""Ledger entries (台账条目): one named item behind a figure, with its date and place.

An entry belongs to the quarter its date falls in, and changes only with that
quarter's report: `QuarterlyReport.save_by(…, ledger=LedgerEdit)` applies a form's
additions, corrections and removals in the report's own transaction, under its lock
and version, before the report counts its figure. So the report's rules hold for
its entries by construction — a closed quarter or an approved report refuses any
change (`refuse_if_locked`, also asked by `save()` and `delete()` whatever the
caller: the admin is read-only, the shell is refused), a conflicting save is the
report's conflict, and every change is in the history with who, when and why.
"""

from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.db.models.functions import Length
from django.db.models.lookups import LessThanOrEqual
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from targets.calendar import quarter_of
from targets.models import QuarterlyReport
from targets.models.recorded import RecordedSaveMixin
from targets.models.report import COMMENT_MAX_LENGTH
from targets.rules import reports_readable_filter

from ..names import normalise
from .evidence import EvidenceFile
from .withreport import ChangedOutsideReport, ChangesWithReport, refuse_if_locked

NAME_MAX_LENGTH = 200


def published_report(outer="indicator", quarter="quarter"):
    """An Exists() of a submitted or approved report of the row's indicator and quarter."""
    return Exists(
        QuarterlyReport.objects.filter(
            indicator_id=OuterRef(outer),
            quarter=OuterRef(quarter),
            state__in=QuarterlyReport.COUNTED_STATES,
        )
    )


class LedgerEntryQuerySet(models.QuerySet):
    def with_files(self):
        """With division and evidence files: two queries whatever the number."""
        return self.select_related("division").prefetch_related(
            models.Prefetch("files", queryset=EvidenceFile.objects.order_by("pk"))
        )

    def published(self):
        """Entries whose quarter's report is submitted or approved: those behind the
        figures that count on dashboards and exports."""
        return self.filter(published_report())

    def readable_by(self, user):
        """The entries `user` may read: exactly those whose quarter's report they may
        read (targets.read_report, as the filter `reports_readable_filter`)."""
        readable = reports_readable_filter(user, published=published_report())
        return self if readable is None else self.filter(readable)


class LedgerEntry(ChangesWithReport, RecordedSaveMixin, models.Model):
    indicator = models.ForeignKey(
        "targets.Indicator",
        verbose_name=_("indicator"),
        on_delete=models.CASCADE,
        related_name="ledger_entries",
    )
    name = models.CharField(_("item"), max_length=NAME_MAX_LENGTH)
    # `names.normalise(name)`: one item written two ways is one item (README).
    normalized_name = models.CharField(
        _("normalised name"), max_length=NAME_MAX_LENGTH, editable=False
    )
    date = models.DateField(_("date"))
    quarter = models.PositiveSmallIntegerField(_("quarter"), editable=False)
    division = models.ForeignKey(
        "ledger.Division",
        verbose_name=_("county or district"),
        on_delete=models.PROTECT,
        related_name="entries",
    )
    document_number = models.CharField(_("document number (文号)"), max_length=100, blank=True)
    note = models.TextField(_("note"), blank=True, max_length=COMMENT_MAX_LENGTH)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)

    history = HistoricalRecords(history_change_reason_field=models.TextField(null=True))
    objects = LedgerEntryQuerySet.as_manager()

    class Meta:
        ordering = ["indicator", "date", "pk"]
        verbose_name = _("ledger entry")
        verbose_name_plural = _("ledger entries")
        constraints = [
            # No item counted twice: one normalised name per indicator, and so per
            # plan year (an indicator belongs to one year's plan).
            models.UniqueConstraint(
                fields=["indicator", "normalized_name"], name="ledger_entry_name_once_a_year"
            ),
            models.CheckConstraint(
                condition=Q(quarter__gte=1, quarter__lte=4), name="ledger_entry_quarter_1_to_4"
            ),
            models.CheckConstraint(
                condition=~Q(name="") & ~Q(normalized_name=""), name="ledger_entry_has_name"
            ),
            models.CheckConstraint(
                condition=LessThanOrEqual(Length("note"), COMMENT_MAX_LENGTH),
                name="ledger_entry_note_within_limit",
            ),
        ]
        indexes = [
            # A quarter's entries: the report form, the review and the count of the figure.
            models.Index(fields=["indicator", "quarter"], name="ledger_entry_quarter_idx"),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if not getattr(self, "_with_report", False):
            raise ChangedOutsideReport("Ledger entries change with their report (save_by).")
        self.prepare()
        if self.date.year != self.indicator.plan.year:
            raise ValueError(f"{self.date} is outside the plan's year.")
        quarters = {self.quarter}
        if self.pk is not None:
            quarters.update(
                LedgerEntry.objects.filter(pk=self.pk).values_list("quarter", flat=True)
            )
        refuse_if_locked(self.indicator_id, quarters)
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if not getattr(self, "_with_report", False):
            raise ChangedOutsideReport("Ledger entries change with their report (save_by).")
        stored = LedgerEntry.objects.filter(pk=self.pk).values_list("quarter", flat=True)
        refuse_if_locked(self.indicator_id, set(stored) | {self.quarter})
        return super().delete(*args, **kwargs)

    @property
    def anchor(self):
        return f"entry-{self.pk}"

    def prepare(self):
        """Derive the stored fields: normalised name and quarter."""
        self.normalized_name = normalise(self.name)
        self.quarter = quarter_of(self.date)


def entries_of(indicator, quarter):
    """The entries of `indicator` dated in `quarter`, with divisions and files."""
    return LedgerEntry.objects.filter(indicator=indicator, quarter=quarter).with_files()
