"""The outbox: one row per notice and channel, sent at most once when it succeeds."""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Notice(models.Model):
    class Event(models.TextChoices):
        REPORT_SUBMITTED = "report_submitted", _("Report submitted")
        REPORT_RETURNED = "report_returned", _("Report returned")
        REPORT_APPROVED = "report_approved", _("Report approved")
        FOLLOW_UP_ASSIGNED = "follow_up_assigned", _("Follow-up assigned")
        FOLLOW_UP_ANSWERED = "follow_up_answered", _("Follow-up answered")

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
    subject = models.CharField(_("subject"), max_length=300)
    body = models.TextField(_("text"), blank=True)
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
