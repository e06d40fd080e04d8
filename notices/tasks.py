"""Delivery of one notice, run by the task worker (`manage.py db_worker`).

1. Claim: the notice is marked as being sent (`claimed_at`) if it is still pending
   and nobody holds it; a second task for it finds it claimed and does nothing.
2. Send, outside any transaction: a robot that takes 10 s to answer holds no lock.
3. Record: sent; or the error, and the same delivery queued again after a delay that
   doubles with each attempt (settings.KPI_NOTICE_RETRY_SECONDS, at most
   KPI_NOTICE_RETRY_MAX_SECONDS): a channel that is down delays a notice, never loses it.

A worker killed between 1 and 3 leaves the notice claimed: `requeue_stale` (the
`requeue_notices` command, run every few minutes) queues it again once its claim is
older than `claim_seconds()`. What was sent just before the kill is then sent again: an
e-mail with the same Message-ID (mail systems drop it), a robot's message with the same
`#key` (the robots have no way to drop it).
"""

import datetime
import logging

from django.conf import settings
from django.db.models import Q
from django.tasks import task
from django.utils import timezone

from . import channels
from .models import Notice

logger = logging.getLogger(__name__)


def claim_seconds():
    """Longer than any send can take (a robot's timeout is 10 s, SMTP's 20 s):
    settings.KPI_NOTICE_CLAIM_SECONDS, 300 by default."""
    return settings.KPI_NOTICE_CLAIM_SECONDS


def retry_delay(attempts):
    base = settings.KPI_NOTICE_RETRY_SECONDS
    return min(base * 2 ** max(attempts - 1, 0), settings.KPI_NOTICE_RETRY_MAX_SECONDS)


@task()
def deliver(notice_id):
    now = timezone.now()
    claimed = Notice.objects.filter(
        pk=notice_id, state=Notice.State.PENDING, claimed_at__isnull=True
    ).update(claimed_at=now)
    if not claimed:
        return "nothing to send"
    notice = Notice.objects.select_related("recipient").get(pk=notice_id)
    try:
        channels.send(notice)
    except Exception as error:  # any failure of the channel: keep it, try again
        attempts = notice.attempts + 1
        last_error = f"{type(error).__name__}: {error}"[:2000]
        Notice.objects.filter(pk=notice_id).update(
            attempts=attempts, last_error=last_error, claimed_at=None
        )
        delay = retry_delay(attempts)
        logger.warning(
            "Notice %s (%s) not sent, attempt %s; again in %s s: %s",
            notice_id,
            notice.channel,
            attempts,
            delay,
            last_error,
        )
        deliver.using(run_after=timezone.now() + datetime.timedelta(seconds=delay)).enqueue(
            notice_id
        )
        return "retry"
    Notice.objects.filter(pk=notice_id).update(
        attempts=notice.attempts + 1,
        state=Notice.State.SENT,
        sent_at=timezone.now(),
        claimed_at=None,
    )
    return "sent"


def requeue_stale(now=None):
    """Queue again the notices whose sender died mid-send; returns how many."""
    now = now or timezone.now()
    stale = Notice.objects.filter(
        Q(claimed_at__lt=now - datetime.timedelta(seconds=claim_seconds())),
        state=Notice.State.PENDING,
    )
    ids = list(stale.values_list("pk", flat=True))
    stale.filter(pk__in=ids).update(claimed_at=None)
    for notice_id in ids:
        deliver.enqueue(notice_id)
    return len(ids)
