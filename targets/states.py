"""The states of a quarterly report, and which of them count: a leaf module (no model),
so the permission table (rules.py) and the status rule can ask it without importing
the models that ask them."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class MilestoneState(models.TextChoices):
    NOT_STARTED = "not_started", _("Not started")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")


class ReportState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    RETURNED = "returned", _("Returned")
    APPROVED = "approved", _("Approved")


# Submitted or approved: out of the section's hands, counted and read by everyone.
COUNTED_STATES = (ReportState.SUBMITTED, ReportState.APPROVED)
