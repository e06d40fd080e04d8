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

from .models import DIGEST_COVERS, PERSONAL, Notice, Preference
from .tasks import deliver

# The events the group robots post: the office's workflow. The daily reminders to a
# section, a leader's followed statuses and the digest are personal.
ROBOT_EVENTS = (
    Notice.Event.REPORT_SUBMITTED,
    Notice.Event.REPORT_RETURNED,
    Notice.Event.REPORT_APPROVED,
    Notice.Event.FOLLOW_UP_ASSIGNED,
    Notice.Event.FOLLOW_UP_ANSWERED,
    Notice.Event.FOLLOW_UP_OVERDUE,
)


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

    def what():
        return f"{indicator.code} {indicator.name} Q{report.quarter}"

    if report.state == State.SUBMITTED:
        emit(
            Notice.Event.REPORT_SUBMITTED,
            lambda: (_("Submitted for review: %(what)s") % {"what": what()}, ""),
            link,
            reviewers(),
        )
    elif report.state == State.RETURNED:
        emit(
            Notice.Event.REPORT_RETURNED,
            lambda: (
                _("Returned for changes: %(what)s") % {"what": what()},
                _("Reason: %(reason)s") % {"reason": report.review_comment},
            ),
            link,
            section_staff(indicator),
        )
    elif report.state == State.APPROVED:
        emit(
            Notice.Event.REPORT_APPROVED,
            lambda: (_("Approved: %(what)s") % {"what": what()}, ""),
            link,
            section_staff(indicator),
        )


def _follow_up_changed(follow_up, reason):
    link = follow_up.get_absolute_url()
    if reason == "assigned":
        emit(
            Notice.Event.FOLLOW_UP_ASSIGNED,
            lambda: (
                _("Follow-up assigned to your section: %(subject)s")
                % {"subject": follow_up.subject},
                _("Due %(date)s.") % {"date": follow_up.due_date.isoformat()},
            ),
            link,
            owner_staff(follow_up),
        )
    elif reason == "answered":
        emit(
            Notice.Event.FOLLOW_UP_ANSWERED,
            lambda: (
                _("Follow-up answered: %(subject)s") % {"subject": follow_up.subject},
                follow_up.reply,
            ),
            link,
            reviewers(),
        )


def reviewers():
    return User.objects.filter(is_active=True, role=User.Role.REVIEWER)


def section_staff(indicator):
    return User.objects.filter(
        Q(section_id__in=indicator.lead_section_ids), is_active=True, role=User.Role.STAFF
    )


def owner_staff(follow_up):
    return User.objects.filter(
        is_active=True, role=User.Role.STAFF, section_id=follow_up.owner_section_id
    )


def robots():
    """The group robots configured (settings.KPI_ROBOTS): their channels."""
    return [channel for channel, robot in settings.KPI_ROBOTS.items() if robot.get("url")]


def in_every_language(message):
    """{language: [subject, body]} of `message` (a callable giving both in the active
    language) for each language of the site: a notice shows in its reader's."""
    texts = {}
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            subject, body = message()
            texts[code] = [str(subject)[:300], str(body)]
    return texts


def channels_for(event, people):
    """[(person, channel)]: the personal channels each of `people` gets `event` on.

    A channel the site does not send on (settings.KPI_NOTICE_CHANNELS), e-mail without
    an address, a channel the person turned off (`Preference`), and the events the
    weekly digest gathers for those who chose the digest, are left out. One query."""
    people = list(people)
    choices = Preference.objects.choices_of([p.pk for p in people])
    digest = Notice.Event.WEEKLY_DIGEST

    def wanted(person, event, channel):
        return choices.get((person.pk, event, channel), Preference.default(event))

    found = []
    for person in people:
        reads_digest = event != digest and any(wanted(person, digest, c) for c in PERSONAL)
        if reads_digest and event in DIGEST_COVERS:
            continue
        for channel in PERSONAL:
            if channel not in settings.KPI_NOTICE_CHANNELS or not wanted(person, event, channel):
                continue
            if channel == Notice.Channel.EMAIL and not person.email:
                continue
            found.append((person, channel))
    return found


def emit(event, message, link, people, *, to_robots=None):
    """Write the notices of one event and queue their delivery; returns them.

    `message`: a callable giving (subject, body) in the active language; it is called
    once per language of the site. E-mail and robots send the site language's
    (settings.LANGUAGE_CODE); the app shows its reader's. In the app a notice is
    delivered by being written; each robot configured gets one notice for the group
    when the event is one of `ROBOT_EVENTS` (or `to_robots` says so)."""
    texts = in_every_language(message)
    subject, body = texts.get(settings.LANGUAGE_CODE) or next(iter(texts.values()))
    notices = [
        Notice(event=event, channel=channel, recipient=person)
        for person, channel in channels_for(event, people)
    ]
    if event in ROBOT_EVENTS if to_robots is None else to_robots:
        notices += [Notice(event=event, channel=channel) for channel in robots()]
    for notice in notices:
        notice.subject, notice.body, notice.link, notice.texts = subject, body, link, texts
        if notice.channel == Notice.Channel.APP:
            notice.state = Notice.State.SENT
    Notice.objects.bulk_create(notices)
    for notice in notices:
        if notice.channel != Notice.Channel.APP:
            deliver.enqueue(notice.pk)
    return notices
