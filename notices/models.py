"""The outbox: one row per notice and channel, sent at most once when it succeeds;
what each person chose to receive; what leaders follow; what the daily check sent."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.functional import cached_property
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class Notice(models.Model):
    class Event(models.TextChoices):
        REPORT_SUBMITTED = "report_submitted", _("Report submitted")
        REPORT_RETURNED = "report_returned", _("Report returned")
        REPORT_APPROVED = "report_approved", _("Report approved")
        FOLLOW_UP_ASSIGNED = "follow_up_assigned", _("Follow-up assigned")
        FOLLOW_UP_ANSWERED = "follow_up_answered", _("Follow-up answered")
        # Written by the daily check (notices/daily.py), once each (`Dispatch`).
        FOLLOW_UP_OVERDUE = "follow_up_overdue", _("Follow-up overdue")
        REPORTS_DUE = "reports_due", _("Quarter's reports due soon")
        REPORTS_OVERDUE = "reports_overdue", _("Quarter's reports overdue")
        STATUS_WORSENED = "status_worsened", _("Status worse than last quarter")
        WEEKLY_DIGEST = "weekly_digest", _("Weekly digest")

    class Channel(models.TextChoices):
        APP = "app", _("In the app")
        EMAIL = "email", _("E-mail")
        WECOM = "wecom", _("WeCom group robot")
        DINGTALK = "dingtalk", _("DingTalk group robot")
        FEISHU = "feishu", _("Feishu group robot")

    class State(models.TextChoices):
        PENDING = "pending", _("Waiting to be sent")
        SENT = "sent", _("Sent")

    # Sent with the notice (e-mail Message-ID, robots' text) so that a receiver that
    # can deduplicate does, should a worker die between sending and recording it.
    key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    event = models.CharField(_("event"), max_length=24, choices=Event)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel)
    # A person (in the app, e-mail); none for a group robot.
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="notices",
    )
    # In the site language (settings.LANGUAGE_CODE): what e-mail and robots send.
    subject = models.CharField(_("subject"), max_length=300)
    body = models.TextField(_("text"), blank=True)
    # The same in every language of the site, {"en": [subject, body], ...}: the app
    # shows a notice in its reader's language (`shown`). Empty on notices written
    # before it existed, which show `subject` and `body`.
    texts = models.JSONField(_("texts"), default=dict, blank=True)
    link = models.CharField(_("link"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    state = models.CharField(_("state"), max_length=8, choices=State, default=State.PENDING)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    # Set while a worker sends it (notices/tasks.py); a stale one means the worker died.
    claimed_at = models.DateTimeField(_("being sent since"), null=True, blank=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("notice")
        verbose_name_plural = _("notices")
        indexes = [
            # A person's notices in the app, unread first (the list and its count).
            models.Index(fields=["recipient", "channel", "read_at"], name="notice_inbox_idx"),
            # What is still to send (the worker's retries, the operators' check).
            models.Index(fields=["state", "created_at"], name="notice_pending_idx"),
        ]

    def __str__(self):
        return self.subject

    @cached_property
    def shown(self):
        """(subject, body) in the active language, else the site language's: computed
        once per notice (a list shows both), a notice having one reader."""
        language = (get_language() or "").lower()
        text = self.texts.get(language) or next(
            (t for code, t in self.texts.items() if code[:2] == language[:2]), None
        )
        return (text[0], text[1]) if text else (self.subject, self.body)

    @property
    def shown_subject(self):
        return self.shown[0]

    @property
    def shown_body(self):
        return self.shown[1]


# The personal channels, the ones a person chooses (robots are the group's, by settings).
PERSONAL = (Notice.Channel.APP, Notice.Channel.EMAIL)
# What the weekly digest gathers: its readers get no notice of these one by one.
DIGEST_COVERS = (
    Notice.Event.STATUS_WORSENED,
    Notice.Event.FOLLOW_UP_OVERDUE,
    Notice.Event.REPORTS_OVERDUE,
    Notice.Event.FOLLOW_UP_ANSWERED,
    Notice.Event.REPORT_SUBMITTED,
)


class PreferenceQuerySet(models.QuerySet):
    def choices_of(self, people):
        """{(user id, event, channel): wanted} of `people` (ids), one query; what is
        absent is the default (`Preference.default`)."""
        rows = self.filter(user_id__in=people).values_list("user_id", "event", "channel", "wanted")
        return {(user, event, channel): wanted for user, event, channel, wanted in rows}

    def choose(self, user, choices):
        """Keep `user`'s {(event, channel): wanted}: a row where it differs from the
        default, none where it is the default (so a new default reaches them)."""
        for (event, channel), wanted in choices.items():
            if wanted == Preference.default(event):
                self.filter(user=user, event=event, channel=channel).delete()
            else:
                self.update_or_create(
                    user=user, event=event, channel=channel, defaults={"wanted": wanted}
                )


class Preference(models.Model):
    """A person's choice for one event on one personal channel. Without a row, the
    default: every event wanted, the weekly digest not."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="notice_preferences",
    )
    event = models.CharField(_("event"), max_length=24, choices=Notice.Event)
    channel = models.CharField(_("channel"), max_length=10, choices=Notice.Channel)
    wanted = models.BooleanField(_("wanted"))

    objects = PreferenceQuerySet.as_manager()

    class Meta:
        verbose_name = _("notice preference")
        verbose_name_plural = _("notice preferences")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "event", "channel"], name="preference_one_per_event_channel"
            ),
            models.CheckConstraint(
                condition=Q(channel__in=["app", "email"]), name="preference_personal_channel"
            ),
        ]

    def __str__(self):
        return f"{self.user_id} {self.event} {self.channel} {self.wanted}"

    @staticmethod
    def default(event):
        return event != Notice.Event.WEEKLY_DIGEST


class FollowQuerySet(models.QuerySet):
    def of(self, user, *, indicator=None, pillar=None):
        return self.filter(user=user, indicator=indicator, pillar=pillar)

    def set(self, user, following, *, indicator=None, pillar=None):
        """Follow (`following`) or stop following one indicator or pillar."""
        if following:
            self.get_or_create(user=user, indicator=indicator, pillar=pillar)
        else:
            self.of(user, indicator=indicator, pillar=pillar).delete()


class Follow(models.Model):
    """A leader follows an indicator or a pillar: its status getting worse reaches them."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="follows",
    )
    indicator = models.ForeignKey(
        "targets.Indicator",
        verbose_name=_("indicator"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    pillar = models.ForeignKey(
        "targets.PlanElement",
        verbose_name=_("pillar"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("since"), auto_now_add=True)

    objects = FollowQuerySet.as_manager()

    class Meta:
        verbose_name = _("follow")
        verbose_name_plural = _("follows")
        constraints = [
            models.CheckConstraint(
                condition=Q(indicator__isnull=True, pillar__isnull=False)
                | Q(indicator__isnull=False, pillar__isnull=True),
                name="follow_indicator_or_pillar",
            ),
            models.UniqueConstraint(fields=["user", "indicator"], name="follow_indicator_once"),
            models.UniqueConstraint(fields=["user", "pillar"], name="follow_pillar_once"),
        ]
        # The followers of an indicator or its pillar (the daily check) are found by
        # the indexes the foreign keys have.

    def __str__(self):
        return f"{self.user_id} → {self.indicator_id or self.pillar_id}"

    def covers(self, indicator):
        """Whether this follow is of `indicator`, itself or its pillar."""
        return self.indicator_id == indicator.pk or self.pillar_id == indicator.pillar_id


class Dispatch(models.Model):
    """What the daily check (notices/daily.py) has sent, by a key naming the occasion
    ("reports_due:2024:3", "digest:7:2024-W41"): written in the same transaction as
    its notices, so a second run the same day, or two at once, sends nothing twice."""

    key = models.CharField(_("key"), max_length=120, unique=True)
    created_at = models.DateTimeField(_("sent"), auto_now_add=True)

    class Meta:
        verbose_name = _("dispatch")
        verbose_name_plural = _("dispatches")

    def __str__(self):
        return self.key
