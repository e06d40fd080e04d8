"""The notices no single change sends (notices/daily.py, `manage.py notices_daily`):
follow-ups overdue, a quarter's reports due and overdue, a status worse than last
quarter to the leaders who follow it, the weekly digest; each once, however often the
check runs. And what each person chooses: events × channels, the digest instead, the
follow button; a notice shown in its reader's language.

The demo as of 2024-10-08 (KPI_TODAY): Q3's reports are due 2024-10-10; as of Q3,
P1-02 (at risk → behind), P5-01 (on track → at risk) and P5-03 (at risk → behind) are
worse than in Q2."""

import datetime
from io import StringIO

import pytest
from django.core.management import call_command

from notices import daily
from notices.models import Dispatch, Follow, Notice, Preference
from targets.models import Indicator, PlanElement

from .oversight_helpers import follow_up

TODAY = datetime.date(2024, 10, 8)  # a Tuesday
Event = Notice.Event


@pytest.fixture
def fresh(demo, settings):
    settings.KPI_NOTICE_CHANNELS = ["app", "email"]
    settings.KPI_ROBOTS = {"wecom": {"url": "http://127.0.0.1:9/robot"}}
    Notice.objects.all().delete()
    return demo


def _of(event, **where):
    return Notice.objects.filter(event=event, **where)


def _people(event, channel="app"):
    return sorted(n.recipient.username for n in _of(event, channel=channel))


def test_reports_due_then_overdue_each_once(fresh, users):
    sent = daily.run(TODAY)
    assert sent[Event.REPORTS_DUE] > 0 and sent[Event.REPORTS_OVERDUE] == 0
    # staff's section (P3, P6) still owes P3-06 and others; P6-04 is submitted.
    due = _of(Event.REPORTS_DUE, recipient=users["staff"], channel="app").get()
    assert due.subject == "2024年第3季度报告 2024-10-10 截止"
    assert "P6-04" not in due.body and "P3-06" in due.body
    assert _of(Event.REPORTS_DUE, recipient=users["staff"], channel="email").count() == 1
    assert not _of(Event.REPORTS_DUE, recipient=users["reviewer"]).exists()
    assert not _of(Event.REPORTS_DUE, recipient__isnull=True).exists()  # no robot
    count = Notice.objects.count()
    assert daily.run(TODAY)[Event.REPORTS_DUE] == 0  # the same day again: nothing
    assert daily.run(TODAY + datetime.timedelta(days=1))[Event.REPORTS_DUE] == 0
    assert Notice.objects.count() == count
    after = datetime.date(2024, 10, 11)
    assert daily.run(after)[Event.REPORTS_OVERDUE] > 0
    assert "staff" in _people(Event.REPORTS_OVERDUE)
    office = _of(Event.REPORTS_OVERDUE, recipient=users["reviewer"], channel="app").get()
    assert "份报告尚未报送" in office.body
    assert daily.run(after)[Event.REPORTS_OVERDUE] == 0
    assert daily.run(after + datetime.timedelta(days=3))[Event.REPORTS_OVERDUE] == 0
    assert Dispatch.objects.filter(key__startswith="reports_").count() == 2


def test_a_closed_quarter_sends_no_reminder(fresh, users):
    fresh.close_quarter(3, by=users["admin"], reason="示例")
    sent = daily.run(datetime.date(2024, 10, 11))
    assert sent[Event.REPORTS_DUE] == sent[Event.REPORTS_OVERDUE] == 0


def test_a_follow_up_overdue_is_told_once(fresh, users):
    late = follow_up(users, due=datetime.date(2024, 10, 1))
    follow_up(users, code="P5-04", due=datetime.date(2024, 10, 30))  # not due yet
    Notice.objects.all().delete()
    assert daily.run(TODAY)[Event.FOLLOW_UP_OVERDUE] > 0
    # Its section's staff, and the reviewer who assigned it; the group robot once.
    assert _people(Event.FOLLOW_UP_OVERDUE) == ["reviewer", "staff"]
    notice = _of(Event.FOLLOW_UP_OVERDUE, channel="app").first()
    assert notice.link == late.get_absolute_url()
    assert notice.subject == f"督办事项已逾期：{late.subject}"
    assert _of(Event.FOLLOW_UP_OVERDUE, channel="wecom").count() == 1
    call_command("notices_daily", stdout=StringIO())  # cron's run the same day
    assert _of(Event.FOLLOW_UP_OVERDUE).count() == 5  # 2 in the app, 2 e-mails, 1 robot
    late.answer("示例 已办", [], by=users["staff"])
    assert daily.run(TODAY)[Event.FOLLOW_UP_OVERDUE] == 0  # answered: no longer owing


def test_a_worse_status_reaches_those_who_follow_it_or_its_pillar(fresh, users):
    plan = fresh
    Follow.objects.set(users["leader"], True, pillar=PlanElement.objects.get(plan=plan, code="P5"))
    Follow.objects.set(
        users["admin"], True, indicator=Indicator.objects.get(plan=plan, code="P1-02")
    )
    Follow.objects.set(
        users["admin"], True, indicator=Indicator.objects.get(plan=plan, code="P5-04")
    )
    sent = daily.run(TODAY)
    worse = _of(Event.STATUS_WORSENED, channel="app")
    assert sorted((n.recipient.username, n.link.split("/")[-2]) for n in worse) == [
        ("admin", "P1-02"),
        ("leader", "P5-01"),
        ("leader", "P5-03"),
    ]
    assert sent[Event.STATUS_WORSENED] == 6  # app and e-mail each; no robot
    leader = worse.filter(recipient=users["leader"], link__contains="P5-03").get()
    assert leader.texts["zh-hans"][1] == "第2季度：预警 → 第3季度：滞后"
    assert leader.texts["en"][1] == "Q2: At risk → Q3: Behind"
    assert daily.run(TODAY)[Event.STATUS_WORSENED] == 0
    assert daily.run(TODAY + datetime.timedelta(days=5))[Event.STATUS_WORSENED] == 0
    # Unfollowed: nothing more reaches them (here, a status the check has not seen).
    Follow.objects.set(users["leader"], False, pillar=PlanElement.objects.get(plan=plan, code="P5"))
    assert not Follow.objects.filter(user=users["leader"]).exists()


def test_preferences_turn_an_event_off_per_channel(
    fresh, users, personas, django_assert_num_queries
):
    staff = personas["staff"]
    # 1 session, 2 user, 3 their choices
    with django_assert_num_queries(3):
        page = staff.get("/notices/choices/", HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200
    form = page.context["form"]
    assert all(form[n].value() for n in form.fields if not n.startswith("weekly_digest"))
    assert not any(form[n].value() for n in form.fields if n.startswith("weekly_digest"))
    chosen = {n: "on" for n in form.fields if not n.startswith("weekly_digest")}
    del chosen["follow_up_assigned__email"]
    assert staff.post("/notices/choices/", chosen).status_code == 302
    # Only what differs from the default is kept.
    assert list(
        Preference.objects.filter(user=users["staff"]).values_list("event", "channel", "wanted")
    ) == [("follow_up_assigned", "email", False)]
    follow_up(users)
    assert [n.channel for n in _of(Event.FOLLOW_UP_ASSIGNED, recipient=users["staff"])] == ["app"]
    staff.post("/notices/choices/", {**chosen, "follow_up_assigned__email": "on"})
    assert not Preference.objects.filter(user=users["staff"]).exists()


def test_the_weekly_digest_replaces_the_events_it_gathers(fresh, users, personas):
    reviewer = personas["reviewer"]
    form = reviewer.get("/notices/choices/").context["form"]
    chosen = {n: "on" for n in form.fields if not n.startswith("weekly_digest")}
    reviewer.post("/notices/choices/", {**chosen, "weekly_digest__app": "on"})
    answered = follow_up(users, state="answered", due=datetime.date(2024, 10, 1))
    late = follow_up(users, code="P5-04", due=datetime.date(2024, 10, 1))  # staff2's
    # The answer goes to the digest, not to the reviewer one by one; staff still hear
    # of their assignment.
    assert not _of(Event.FOLLOW_UP_ANSWERED, recipient=users["reviewer"]).exists()
    assert _of(Event.FOLLOW_UP_ASSIGNED, recipient=users["staff"]).exists()
    monday = datetime.date(2024, 10, 14)
    assert daily.run(monday)[Event.WEEKLY_DIGEST] == 1  # the app only: as chosen
    digest = _of(Event.WEEKLY_DIGEST).get()
    assert digest.recipient == users["reviewer"] and digest.channel == "app"
    zh = digest.texts["zh-hans"][1]
    assert zh.index("变化") < zh.index("P1-02") < zh.index("逾期") < zh.index("待决定")
    assert answered.subject in zh.split("待决定")[1]
    en = digest.texts["en"][1]
    assert "What needs a decision" in en and "1 follow-up answered" in en
    assert late.subject in zh.split("逾期事项")[1].split("待决定")[0]
    assert daily.run(monday)[Event.WEEKLY_DIGEST] == 0
    assert daily.run(monday + datetime.timedelta(days=4))[Event.WEEKLY_DIGEST] == 0
    assert daily.run(monday + datetime.timedelta(days=7))[Event.WEEKLY_DIGEST] == 1
    # The overdue follow-up, gathered by the reviewer's digest, reached its section's
    # staff alone, not the reviewer who assigned it.
    assert _people(Event.FOLLOW_UP_OVERDUE) == ["staff2"]


def test_a_notice_shows_in_its_readers_language(fresh, users, personas):
    follow_up(users)
    notice = _of(Event.FOLLOW_UP_ASSIGNED, recipient=users["staff"], channel="app").get()
    # E-mail and robots send the site language's (zh-hans).
    assert notice.subject.startswith("新交办本科室的督办事项")
    english = personas["staff"].get("/notices/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Follow-up assigned to your section: 示例 督办 P6-04" in english
    assert "Due 2024-10-20." in english and "新交办本科室的督办事项" not in english
    chinese = personas["staff"].get("/notices/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "新交办本科室的督办事项" in chinese


def test_an_older_notice_without_texts_shows_as_written(fresh, users, personas):
    Notice.objects.create(
        event=Event.REPORT_APPROVED,
        channel="app",
        recipient=users["staff"],
        subject="已审核通过：旧通知",
        state="sent",
    )
    english = personas["staff"].get("/notices/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "已审核通过：旧通知" in english


def test_leaders_follow_and_unfollow_from_the_page(fresh, users, personas):
    leader = personas["leader"]
    page = leader.get("/plans/2024/indicators/P5-04/", HTTP_ACCEPT_LANGUAGE="en")
    assert "Follow P5-04" in page.content.decode()
    answer = leader.post("/notices/follow/2024/indicators/P5-04/", {"following": "yes"})
    assert answer.status_code == 302 and answer["Location"] == "/plans/2024/indicators/P5-04/"
    assert Follow.objects.filter(user=users["leader"], indicator__code="P5-04").exists()
    leader.post("/notices/follow/2024/indicators/P5-04/", {"following": "yes"})  # twice: once
    assert Follow.objects.filter(user=users["leader"]).count() == 1
    page = leader.get("/plans/2024/indicators/P5-04/", HTTP_ACCEPT_LANGUAGE="en")
    assert "Unfollow P5-04" in page.content.decode()
    leader.post("/notices/follow/2024/pillars/P5/", {"following": "yes"})
    assert (
        "Unfollow P5"
        in leader.get("/plans/2024/pillars/P5/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    )
    leader.post("/notices/follow/2024/indicators/P5-04/", {"following": "no"})
    assert list(
        Follow.objects.filter(user=users["leader"]).values_list("pillar__code", flat=True)
    ) == ["P5"]
    # Others see no button and may not follow; an unknown code is 404; a vague POST 400.
    assert (
        "Follow P5-04"
        not in personas["staff"].get("/plans/2024/indicators/P5-04/").content.decode()
    )
    assert (
        personas["staff"]
        .post("/notices/follow/2024/indicators/P5-04/", {"following": "yes"})
        .status_code
        == 403
    )
    assert (
        leader.post("/notices/follow/2024/indicators/P9-99/", {"following": "yes"}).status_code
        == 404
    )
    assert (
        leader.post("/notices/follow/2024/pillars/P5/", {"following": "maybe"}).status_code == 400
    )
