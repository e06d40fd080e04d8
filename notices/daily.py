"""The daily check (`manage.py notices_daily`, run once a day by cron or a systemd
timer; docs/deploy.md): the notices no change of data sends by itself.

- a follow-up past its due date and not answered: its owner section's staff and whoever
  assigned it, once per follow-up and due date;
- a quarter's reports due within settings.KPI_REPORT_REMIND_DAYS days, then overdue:
  the staff of each lead section still owing some (the overdue count to the planning
  office too), once per plan and quarter each;
- an indicator whose status (the status rule, targets/models/standing.py) is worse as
  of the latest ended quarter than as of the one before: the leaders who follow it or
  its pillar, once per indicator, quarter and status;
- the weekly digest, for those who chose it, once per person and ISO week.

Each occasion has a key; its `Dispatch` row and its notices are written in one
transaction, so running the check twice on one day (or two at once) sends nothing
twice. "Today" is the app's clock (targets/clock.py: KPI_TODAY in a demo).
"""

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext

from accounts.models import User
from oversight.models import FollowUp
from targets import clock
from targets.models import Plan, QuarterlyReport, Status
from targets.models.worklist import missing_reports

from .events import emit, owner_staff, reviewers
from .models import Dispatch, Follow, Notice, Preference

# Better to worse; "not reported" is no status to compare (a report still to come).
RANK = {Status.MET: 3, Status.ON_TRACK: 2, Status.AT_RISK: 1, Status.BEHIND: 0}
DIGEST_LIST = 10  # items named per part of a digest; the rest are counted


def once(key, send):
    """`send()` (which emits notices and returns them) unless `key` was sent before;
    returns how many notices it wrote."""
    if Dispatch.objects.filter(key=key).exists():
        return 0
    try:
        with transaction.atomic():
            Dispatch.objects.create(key=key)
            return len(send())
    except IntegrityError:  # another run recorded it meanwhile: theirs stands
        return 0


def worsened(before, now):
    return before in RANK and now in RANK and RANK[now] < RANK[before]


@dataclass
class PlanState:
    """What one active plan's checks found, which the digest reuses."""

    plan: object
    quarter: int
    worse: list = field(default_factory=list)  # (standing now, standing before)


def run(today=None):
    """Every check for `today`; returns {event: notices written}."""
    today = today or clock.today()
    sent = {
        Notice.Event.FOLLOW_UP_OVERDUE: follow_ups_overdue(today),
        Notice.Event.REPORTS_DUE: 0,
        Notice.Event.REPORTS_OVERDUE: 0,
        Notice.Event.STATUS_WORSENED: 0,
    }
    states = []
    for plan in Plan.objects.filter(state=Plan.State.ACTIVE).order_by("year"):
        due, overdue = reports_due(plan, today)
        sent[Notice.Event.REPORTS_DUE] += due
        sent[Notice.Event.REPORTS_OVERDUE] += overdue
        state = statuses(plan, today)
        sent[Notice.Event.STATUS_WORSENED] += state.sent
        states.append(state.found)
    sent[Notice.Event.WEEKLY_DIGEST] = digests(today, states)
    return sent


def follow_ups_overdue(today):
    written = 0
    for follow_up in FollowUp.objects.overdue(today).select_related("assigned_by"):
        people = list(owner_staff(follow_up))
        if follow_up.assigned_by and follow_up.assigned_by.is_active:
            people.append(follow_up.assigned_by)

        def message(follow_up=follow_up):
            return (
                _("Follow-up overdue: %(subject)s") % {"subject": follow_up.subject},
                _("It was due %(date)s and is not answered yet.")
                % {"date": follow_up.due_date.isoformat()},
            )

        written += once(
            f"follow_up_overdue:{follow_up.pk}:{follow_up.due_date.isoformat()}",
            lambda follow_up=follow_up, message=message, people=people: emit(
                Notice.Event.FOLLOW_UP_OVERDUE,
                message,
                follow_up.get_absolute_url(),
                people,
            ),
        )
    return written


def reports_due(plan, today):
    """The reminders of the latest ended quarter's reports: (due soon, overdue) written."""
    if not plan.ended_quarters(today):
        return 0, 0
    quarter = plan.reporting_quarter(today)
    if quarter in plan.closed_quarters():
        return 0, 0
    due = plan.report_due(quarter)
    days = (due - today).days
    if days < 0:
        event, key = Notice.Event.REPORTS_OVERDUE, f"reports_overdue:{plan.year}:{quarter}"
    elif days <= settings.KPI_REPORT_REMIND_DAYS:
        event, key = Notice.Event.REPORTS_DUE, f"reports_due:{plan.year}:{quarter}"
    else:
        return 0, 0
    link = reverse("targets:my_reports")

    def send():
        notices = []
        owing = missing_reports(plan, quarter, today)
        for work in owing:
            if not work.sections:
                continue
            codes = ", ".join(item.indicator.code for item in work.items)
            staff = User.objects.filter(
                is_active=True, role=User.Role.STAFF, section__in=work.sections
            )
            notices += emit(event, _reminder(event, plan, quarter, due, codes), link, staff)
        if event == Notice.Event.REPORTS_OVERDUE and owing:
            count = sum(len(work.items) for work in owing)
            notices += emit(
                event,
                _office_overdue(plan, quarter, due, count),
                reverse("targets:missing_reports", kwargs={"year": plan.year}),
                reviewers(),
            )
        return notices

    written = once(key, send)
    return (0, written) if event == Notice.Event.REPORTS_OVERDUE else (written, 0)


def _reminder(event, plan, quarter, due, codes):
    def message():
        what = {"year": plan.year, "quarter": quarter, "date": due.isoformat()}
        if event == Notice.Event.REPORTS_DUE:
            subject = _("Q%(quarter)s %(year)s reports are due on %(date)s") % what
        else:
            subject = _("Q%(quarter)s %(year)s reports are overdue (due %(date)s)") % what
        return subject, _("Still to submit: %(codes)s") % {"codes": codes}

    return message


def _office_overdue(plan, quarter, due, count):
    def message():
        return (
            _("Q%(quarter)s %(year)s reports are overdue (due %(date)s)")
            % {"year": plan.year, "quarter": quarter, "date": due.isoformat()},
            ngettext(
                "%(count)s report is not submitted yet.",
                "%(count)s reports are not submitted yet.",
                count,
            )
            % {"count": count},
        )

    return message


@dataclass
class _Checked:
    found: PlanState
    sent: int


def statuses(plan, today):
    """The indicators of `plan` worse as of its latest ended quarter than the quarter
    before, and the notices to their followers. The queries of `standings` and one
    for the follows, whatever the size of the plan."""
    ended = plan.ended_quarters(today)
    state = PlanState(plan=plan, quarter=ended[-1] if ended else 1)
    if state.quarter < 2:
        return _Checked(state, 0)
    for standing in plan.indicators.all().standings(state.quarter):
        before = standing.indicator.standing(state.quarter - 1)
        if worsened(before.status, standing.status):
            state.worse.append((standing, before))
    follows = list(
        Follow.objects.filter(Q(indicator__plan=plan) | Q(pillar__plan=plan))
        .filter(user__is_active=True)
        .select_related("user")
    )
    written = 0
    for now, before in state.worse:
        indicator = now.indicator
        people = {f.user.pk: f.user for f in follows if f.covers(indicator)}
        if not people:
            continue

        def message(now=now, before=before, indicator=indicator):
            return (
                _("Status worse than last quarter: %(code)s %(name)s")
                % {"code": indicator.code, "name": indicator.name},
                _("Q%(before_q)s: %(before)s → Q%(q)s: %(now)s")
                % {
                    "before_q": state.quarter - 1,
                    "before": before.status_label,
                    "q": state.quarter,
                    "now": now.status_label,
                },
            )

        written += once(
            f"status_worsened:{indicator.pk}:{state.quarter}:{now.status}",
            lambda message=message, indicator=indicator, people=people: emit(
                Notice.Event.STATUS_WORSENED,
                message,
                indicator.get_absolute_url(),
                people.values(),
            ),
        )
    return _Checked(state, written)


def digests(today, states):
    """This week's digest for each person who chose it and has not had it yet."""
    if today.weekday() < settings.KPI_DIGEST_WEEKDAY or not states:
        return 0
    year, week, _day = today.isocalendar()
    readers = User.objects.filter(
        is_active=True,
        pk__in=Preference.objects.filter(event=Notice.Event.WEEKLY_DIGEST, wanted=True).values(
            "user_id"
        ),
    )
    state = states[-1]  # the newest active plan
    digest = Digest.gather(state, today)
    written = 0
    for reader in readers:
        followed = digest.followed_by(reader)
        written += once(
            f"digest:{reader.pk}:{year}-W{week:02d}",
            lambda reader=reader, followed=followed: emit(
                Notice.Event.WEEKLY_DIGEST,
                digest.message(followed),
                reverse("targets:plan", kwargs={"year": state.plan.year}),
                [reader],
            ),
        )
    return written


@dataclass
class Digest:
    """What changed, what is overdue, what needs a decision, as of one day."""

    state: PlanState
    today: datetime.date
    approved: int
    overdue_follow_ups: list
    reports_overdue: int
    answered_follow_ups: list
    submitted: int
    follows: list

    @classmethod
    def gather(cls, state, today):
        plan = state.plan
        quarter = plan.reporting_quarter(today)
        week_ago = timezone.now() - datetime.timedelta(days=7)
        reports = QuarterlyReport.objects.filter(indicator__plan=plan)
        follow_ups = FollowUp.objects.filter(plan=plan).select_related("owner_section")
        overdue = 0
        if plan.report_due(quarter) < today and plan.ended_quarters(today):
            overdue = sum(len(w.items) for w in missing_reports(plan, quarter, today))
        return cls(
            state=state,
            today=today,
            approved=reports.filter(
                state=QuarterlyReport.State.APPROVED, updated_at__gte=week_ago
            ).count(),
            overdue_follow_ups=list(follow_ups.overdue(today)),
            reports_overdue=overdue,
            answered_follow_ups=list(follow_ups.filter(state=FollowUp.State.ANSWERED)),
            submitted=reports.filter(state=QuarterlyReport.State.SUBMITTED).count(),
            follows=list(Follow.objects.filter(user__is_active=True)),
        )

    def followed_by(self, reader):
        """The worsened standings `reader` follows; all of them if they follow none."""
        mine = [f for f in self.follows if f.user_id == reader.pk]
        if not mine:
            return self.state.worse
        return [
            (now, before)
            for now, before in self.state.worse
            if any(f.covers(now.indicator) for f in mine)
        ]

    def message(self, worse):
        def lines():
            plan, quarter = self.state.plan, self.state.quarter
            out = [pgettext("weekly digest heading", "What changed")]
            for now, before in worse:
                out.append(
                    "- "
                    + _("%(code)s %(name)s: %(before)s → %(now)s (Q%(q)s)")
                    % {
                        "code": now.indicator.code,
                        "name": now.indicator.name,
                        "before": before.status_label,
                        "now": now.status_label,
                        "q": quarter,
                    }
                )
            if not worse:
                out.append("- " + _("No status got worse."))
            out.append(
                "- "
                + ngettext(
                    "%(count)s report approved in the last 7 days.",
                    "%(count)s reports approved in the last 7 days.",
                    self.approved,
                )
                % {"count": self.approved}
            )
            out += ["", _("What is overdue")]
            out += self._follow_ups(self.overdue_follow_ups, due=True)
            out.append(
                "- "
                + ngettext(
                    "%(count)s report of Q%(q)s %(year)s overdue.",
                    "%(count)s reports of Q%(q)s %(year)s overdue.",
                    self.reports_overdue,
                )
                % {
                    "count": self.reports_overdue,
                    "q": plan.reporting_quarter(self.today),
                    "year": plan.year,
                }
            )
            out += ["", _("What needs a decision")]
            out += self._follow_ups(self.answered_follow_ups, due=False)
            out.append(
                "- "
                + ngettext(
                    "%(count)s report waits for review.",
                    "%(count)s reports wait for review.",
                    self.submitted,
                )
                % {"count": self.submitted}
            )
            return "\n".join(out)

        def message():
            week = self.today.isocalendar()
            subject = _("Weekly digest, week %(week)s of %(year)s") % {
                "week": week[1],
                "year": week[0],
            }
            return subject, lines()

        return message

    def _follow_ups(self, follow_ups, *, due):
        if due:
            head = ngettext(
                "%(count)s follow-up overdue.", "%(count)s follow-ups overdue.", len(follow_ups)
            )
        else:
            head = ngettext(
                "%(count)s follow-up answered, to close or send back.",
                "%(count)s follow-ups answered, to close or send back.",
                len(follow_ups),
            )
        out = ["- " + head % {"count": len(follow_ups)}]
        for follow_up in follow_ups[:DIGEST_LIST]:
            out.append(
                "  · "
                + _("%(subject)s (%(section)s, due %(date)s)")
                % {
                    "subject": follow_up.subject,
                    "section": follow_up.owner_section.name,
                    "date": follow_up.due_date.isoformat(),
                }
            )
        return out
