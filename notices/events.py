"""From a change to its notices, in the change's own transaction.

Every change of a report or a follow-up writes a history row (django-simple-history);
its `post_create_historical_record` signal is sent inside the save, so the notices and
their delivery tasks written here commit with the change or not at all.
"""

from django.conf import settings
from django.db.models import Q
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from simple_history.signals import post_create_historical_record

from accounts.models import User
from oversight.models import FollowUp
from targets.models import QuarterlyReport

from .models import Notice
from .tasks import deliver

PERSONAL = (Notice.Channel.APP, Notice.Channel.EMAIL)


def connect():
    post_create_historical_record.connect(_on_history, dispatch_uid="notices")


def _on_history(sender, instance, history_instance, **kwargs):
    if isinstance(instance, QuarterlyReport):
        _report_changed(instance, history_instance)
    elif isinstance(instance, FollowUp):
        _follow_up_changed(instance, history_instance.history_change_reason)


def _report_changed(report, row):
    before = row.prev_record
    if before is not None and before.state == report.state:
        return  # a correction, not a step
    State = QuarterlyReport.State
    indicator = report.indicator
    link = reverse(
        "targets:report",
        kwargs={"year": indicator.plan.year, "code": indicator.code, "quarter": report.quarter},
    )
    with translation.override(settings.LANGUAGE_CODE):
        what = f"{indicator.code} {indicator.name} Q{report.quarter}"
        if report.state == State.SUBMITTED:
            emit(
                Notice.Event.REPORT_SUBMITTED,
                _("Submitted for review: %(what)s") % {"what": what},
                "",
                link,
                reviewers(),
            )
        elif report.state == State.RETURNED:
            emit(
                Notice.Event.REPORT_RETURNED,
                _("Returned for changes: %(what)s") % {"what": what},
                _("Reason: %(reason)s") % {"reason": report.review_comment},
                link,
                section_staff(indicator),
            )
        elif report.state == State.APPROVED:
            emit(
                Notice.Event.REPORT_APPROVED,
                _("Approved: %(what)s") % {"what": what},
                "",
                link,
                section_staff(indicator),
            )


def _follow_up_changed(follow_up, reason):
    link = follow_up.get_absolute_url()
    with translation.override(settings.LANGUAGE_CODE):
        if reason == "assigned":
            emit(
                Notice.Event.FOLLOW_UP_ASSIGNED,
                _("Follow-up assigned to your section: %(subject)s")
                % {"subject": follow_up.subject},
                _("Due %(date)s.") % {"date": follow_up.due_date.isoformat()},
                link,
                User.objects.filter(
                    is_active=True, role=User.Role.STAFF, section_id=follow_up.owner_section_id
                ),
            )
        elif reason == "answered":
            emit(
                Notice.Event.FOLLOW_UP_ANSWERED,
                _("Follow-up answered: %(subject)s") % {"subject": follow_up.subject},
                follow_up.reply,
                link,
                reviewers(),
            )


def reviewers():
    return User.objects.filter(is_active=True, role=User.Role.REVIEWER)


def section_staff(indicator):
    return User.objects.filter(
        Q(section_id__in=indicator.lead_section_ids), is_active=True, role=User.Role.STAFF
    )


def robots():
    """The group robots configured (settings.KPI_ROBOTS): their channels."""
    return [channel for channel, robot in settings.KPI_ROBOTS.items() if robot.get("url")]


def emit(event, subject, body, link, people):
    """Write the notices of one event and queue their delivery; returns them.

    In the app a notice is delivered by being written; e-mail goes to those with an
    address when settings.KPI_NOTICE_CHANNELS has it; each robot configured gets one
    notice for the group."""
    channels = [c for c in PERSONAL if c in settings.KPI_NOTICE_CHANNELS]
    notices = []
    for person in people:
        for channel in channels:
            if channel == Notice.Channel.EMAIL and not person.email:
                continue
            notices.append(Notice(event=event, channel=channel, recipient=person))
    notices += [Notice(event=event, channel=channel) for channel in robots()]
    for notice in notices:
        notice.subject, notice.body, notice.link = subject[:300], body, link
        if notice.channel == Notice.Channel.APP:
            notice.state = Notice.State.SENT
    Notice.objects.bulk_create(notices)
    for notice in notices:
        if notice.channel != Notice.Channel.APP:
            deliver.enqueue(notice.pk)
    return notices
