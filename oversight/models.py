"""Instructions (批示) and follow-ups (督办事项).

An instruction is a leader's word on a plan, a pillar or an indicator as of a quarter:
written once, shown where the figure shows, with who and when.

A follow-up is the office's: a subject, the indicators it is about, the section that
owns it and a due date. Its state moves only through the methods below, each a save
with who and why, so its history (django-simple-history, as a report's) holds every
change:

    open ──answer──▶ answered ──close──▶ closed
      ▲                 │
      └──send_back──────┘ (returned: answered again, with the office's reason)

It is overdue while the section owes an answer (open or returned) after its due date.
"""

import uuid

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import models, transaction
from django.db.models import Case, Q, Value, When
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from ledger.filetypes import MAX_NAME_LENGTH, TYPES
from targets.models import Indicator
from targets.models.plan import QUARTERS
from targets.models.recorded import RecordedSaveMixin

TEXT_MAX_LENGTH = 2000


class WrongState(Exception):
    """A follow-up asked to move in a way its state does not allow."""


class Instruction(RecordedSaveMixin, models.Model):
    plan = models.ForeignKey(
        "targets.Plan", verbose_name=_("plan"), on_delete=models.CASCADE, related_name="+"
    )
    # Neither: on the plan as a whole; one of them: on that pillar or indicator.
    pillar = models.ForeignKey(
        "targets.PlanElement",
        verbose_name=_("pillar"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="instructions",
    )
    indicator = models.ForeignKey(
        "targets.Indicator",
        verbose_name=_("indicator"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="instructions",
    )
    quarter = models.PositiveSmallIntegerField(
        _("as of quarter"), choices=[(q, f"Q{q}") for q in QUARTERS]
    )
    text = models.TextField(_("instruction"), max_length=TEXT_MAX_LENGTH)
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("written by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    written_at = models.DateTimeField(_("written"), default=timezone.now)

    history = HistoricalRecords(history_change_reason_field=models.TextField(null=True))

    class Meta:
        ordering = ["-written_at", "-pk"]
        verbose_name = _("instruction")
        verbose_name_plural = _("instructions")
        constraints = [
            models.CheckConstraint(
                condition=Q(quarter__gte=1, quarter__lte=4), name="instruction_quarter_1_to_4"
            ),
            models.CheckConstraint(
                condition=Q(pillar__isnull=True) | Q(indicator__isnull=True),
                name="instruction_on_one_thing",
            ),
        ]
        indexes = [
            # The panel of a plan, pillar or indicator page: its instructions of a quarter.
            models.Index(fields=["plan", "quarter"], name="instruction_plan_quarter_idx"),
        ]

    def __str__(self):
        return self.text[:50]

    @property
    def subject(self):
        """What it is on: the indicator, the pillar, or the plan."""
        return self.indicator or self.pillar or self.plan


class FollowUpQuerySet(models.QuerySet):
    def owing(self):
        """Those the owner section still has to answer (open or sent back)."""
        return self.filter(state__in=FollowUp.OWING)

    def overdue(self, today):
        return self.owing().filter(due_date__lt=today)

    def for_list(self, user):
        """With what a list shows (section, indicators): two queries. The reader's own
        section's first, then by due date."""
        mine = Case(
            When(owner_section_id=user.section_id, then=Value(0)),
            default=Value(1),
            output_field=models.IntegerField(),
        )
        return (
            self.select_related("owner_section", "plan")
            .prefetch_related(models.Prefetch("indicators", queryset=_indicators()))
            .annotate(mine=mine)
            .order_by("mine", "due_date", "pk")
        )


def _indicators():
    return Indicator.objects.only("pk", "code", "plan_id").order_by("code")


class FollowUp(RecordedSaveMixin, models.Model):
    class State(models.TextChoices):
        OPEN = "open", pgettext_lazy("follow-up", "Open")
        ANSWERED = "answered", _("Answered")
        RETURNED = "returned", _("Sent back")
        CLOSED = "closed", _("Closed")

    OWING = (State.OPEN, State.RETURNED)

    plan = models.ForeignKey(
        "targets.Plan", verbose_name=_("plan"), on_delete=models.CASCADE, related_name="+"
    )
    subject = models.CharField(_("subject"), max_length=200)
    detail = models.TextField(_("what is asked"), max_length=TEXT_MAX_LENGTH, blank=True)
    indicators = models.ManyToManyField(
        "targets.Indicator", verbose_name=_("indicators"), related_name="follow_ups"
    )
    owner_section = models.ForeignKey(
        "accounts.Section",
        verbose_name=_("owner section"),
        on_delete=models.PROTECT,
        related_name="follow_ups",
    )
    due_date = models.DateField(_("due date"))
    state = models.CharField(_("state"), max_length=10, choices=State, default=State.OPEN)
    reply = models.TextField(_("reply"), max_length=TEXT_MAX_LENGTH, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("answered by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    # The office's last word: why it was sent back, or a note on closing.
    office_note = models.TextField(_("office's note"), max_length=TEXT_MAX_LENGTH, blank=True)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    assigned_at = models.DateTimeField(_("assigned"), default=timezone.now)

    # The indicators are set once, on assignment (no form changes them afterwards).
    history = HistoricalRecords(history_change_reason_field=models.TextField(null=True))
    objects = FollowUpQuerySet.as_manager()

    class Meta:
        ordering = ["due_date", "pk"]
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")
        constraints = [
            models.CheckConstraint(
                condition=Q(state__in=["open", "answered", "returned", "closed"]),
                name="followup_state_known",
            ),
        ]
        indexes = [
            # Overdue and owing follow-ups of a plan (the first screen, the briefing).
            models.Index(fields=["plan", "state", "due_date"], name="followup_plan_state_idx"),
            # A section's own follow-ups first (the list).
            models.Index(fields=["owner_section", "state"], name="followup_section_state_idx"),
        ]

    def __str__(self):
        return self.subject

    def get_absolute_url(self):
        return reverse("oversight:follow_up", kwargs={"pk": self.pk})

    @property
    def is_owing(self):
        return self.state in self.OWING

    def is_overdue(self, today):
        return self.is_owing and self.due_date < today

    @classmethod
    @transaction.atomic
    def assign(cls, *, plan, subject, detail, indicators, owner_section, due_date, by):
        follow_up = cls(
            plan=plan,
            subject=subject,
            detail=detail,
            owner_section=owner_section,
            due_date=due_date,
            assigned_by=by,
        )
        follow_up.save_by(by, "assigned")
        follow_up.indicators.set(indicators)
        return follow_up

    @transaction.atomic
    def answer(self, reply, checked_files, *, by):
        """The owner section's reply, with files (`ledger.filetypes.CheckedUpload`s)."""
        self._refuse_unless(self.OWING)
        self.state, self.reply = self.State.ANSWERED, reply
        self.answered_by, self.answered_at = by, timezone.now()
        written = []
        try:
            for checked in checked_files:
                FollowUpFile.store(self, checked, by=by, written=written)
            self.save_by(by, "answered")
        except BaseException:
            for name in written:
                default_storage.delete(name)
            raise

    @transaction.atomic
    def close(self, note, *, by):
        self._refuse_unless((self.State.ANSWERED,))
        self.state, self.office_note = self.State.CLOSED, note
        self.save_by(by, "closed")

    @transaction.atomic
    def send_back(self, reason, *, by):
        if not reason.strip():
            raise WrongState("A follow-up is sent back with a reason.")
        self._refuse_unless((self.State.ANSWERED,))
        self.state, self.office_note = self.State.RETURNED, reason
        self.save_by(by, "sent back")

    def _refuse_unless(self, states):
        # Read again under the transaction: two people acting at once cannot both move it.
        current = type(self).objects.select_for_update().values_list("state", flat=True)
        if current.get(pk=self.pk) not in states:
            raise WrongState(f"Follow-up {self.pk} is {self.state}.")


# What each recorded change of a follow-up was (its history's change reason).
CHANGES = {
    "assigned": _("assigned"),
    "answered": _("answered"),
    "closed": _("closed"),
    "sent back": _("sent back"),
}


def history_of(follow_up):
    """The follow-up's changes, oldest first, each with who, when, what and the state it
    left: one query."""
    rows = follow_up.history.select_related("history_user").order_by("history_date", "pk")
    return [
        {
            "when": row.history_date,
            "who": row.history_user,
            "what": CHANGES.get(row.history_change_reason, row.history_change_reason),
            "state": FollowUp.State(row.state).label,
        }
        for row in rows
    ]


def follow_up_file_path(instance, filename):
    """follow-ups/2024/<random>.pdf: a generated name; the uploader's is in `name`."""
    return f"follow-ups/{instance.follow_up.plan.year}/{uuid.uuid4().hex}.{filename}"


class FollowUpFile(RecordedSaveMixin, models.Model):
    """A file of a section's reply, checked by the ledger's gate (ledger.filetypes) and
    kept in the same storage; served only by `oversight.views.follow_up_file`."""

    follow_up = models.ForeignKey(
        FollowUp, verbose_name=_("follow-up"), on_delete=models.CASCADE, related_name="files"
    )
    file = models.FileField(_("file"), upload_to=follow_up_file_path, max_length=255)
    name = models.CharField(_("file name"), max_length=MAX_NAME_LENGTH)
    file_type = models.CharField(
        _("type"), max_length=8, choices=[(key, t.label) for key, t in TYPES.items()]
    )
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    history = HistoricalRecords(history_change_reason_field=models.TextField(null=True))

    class Meta:
        ordering = ["follow_up", "pk"]
        verbose_name = _("reply file")
        verbose_name_plural = _("reply files")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse(
            "oversight:follow_up_file", kwargs={"pk": self.follow_up_id, "file_pk": self.pk}
        )

    @property
    def type(self):
        return TYPES[self.file_type]

    @classmethod
    def store(cls, follow_up, checked, *, by, written):
        """Write a `ledger.filetypes.CheckedUpload` and record it. The stored name is
        appended to `written` as soon as the bytes are written, so a reply that fails
        afterwards removes them (`FollowUp.answer`)."""
        stored = cls(
            follow_up=follow_up,
            name=checked.name,
            file_type=checked.type.key,
            size=checked.size,
            sha256=checked.sha256,
            uploaded_by=by,
        )
        checked.upload.seek(0)
        stored.file.save(checked.type.extensions[0], checked.upload, save=False)
        written.append(stored.file.name)
        stored.save_by(by, "answered")
        return stored
