"""Delivery of one notice, run by the task worker (`manage.py db_worker`).

A failure records the error and queues the same delivery again after a delay that
doubles with each attempt (settings.KPI_NOTICE_RETRY_SECONDS, at most
KPI_NOTICE_RETRY_MAX_SECONDS): a channel that is down delays a notice, never loses it.
A notice is marked sent in the same transaction that sees it still pending, so a
second task for it (never queued by this code, but possible by hand) sends nothing.
"""

import datetime
import logging

from django.conf import settings
from django.db import transaction
from django.tasks import task
from django.utils import timezone

from . import channels
from .models import Notice

logger = logging.getLogger(__name__)


def retry_delay(attempts):
    base = settings.KPI_NOTICE_RETRY_SECONDS
    return min(base * 2 ** max(attempts - 1, 0), settings.KPI_NOTICE_RETRY_MAX_SECONDS)


@task()
def deliver(notice_id):
    with transaction.atomic():
        notice = (
            Notice.objects.select_for_update()
            .select_related("recipient")
            .filter(pk=notice_id, state=Notice.State.PENDING)
            .first()
        )
        if notice is None:
            return "nothing to send"
        try:
            channels.send(notice)
        except Exception as error:  # any failure of the channel: keep it, try again
            notice.attempts += 1
            notice.last_error = f"{type(error).__name__}: {error}"[:2000]
            notice.save(update_fields=["attempts", "last_error"])
            delay = retry_delay(notice.attempts)
            logger.warning(
                "Notice %s (%s) not sent, attempt %s; again in %s s: %s",
                notice.pk,
                notice.channel,
                notice.attempts,
                delay,
                notice.last_error,
            )
            deliver.using(run_after=timezone.now() + datetime.timedelta(seconds=delay)).enqueue(
                notice.pk
            )
            return "retry"
        notice.attempts += 1
        notice.state, notice.sent_at = Notice.State.SENT, timezone.now()
        notice.save(update_fields=["attempts", "state", "sent_at"])
        return "sent"
