"""Notices: each event on each channel, through real receivers on loopback — an SMTP
server (aiosmtpd) and an HTTP server standing in for the WeCom, DingTalk and Feishu
group robots, which checks each payload and signature as the services do — sent by
the real task worker (`manage.py db_worker --batch`). A receiver down, then up: every
notice arrives exactly once, and the user's save never fails."""

import base64
import datetime
import hashlib
import hmac
import json
import threading
import time
from decimal import Decimal
from email import message_from_bytes
from email.policy import default
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from io import StringIO
from urllib.parse import parse_qs, urlsplit

import pytest
from aiosmtpd.controller import Controller
from django.core.management import call_command
from django.utils import timezone

from notices import daily
from notices.channels import sign
from notices.models import Follow, Notice, Preference
from notices.tasks import claim_seconds, requeue_stale
from targets.models import PlanElement, QuarterlyReport

from .oversight_helpers import follow_up

DINGTALK_SECRET = "SEC-test-dingtalk"
FEISHU_SECRET = "test-feishu-secret"
WECOM_KEY = "wecom-key-1"


class Mailbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append((envelope.rcpt_tos, envelope.content.decode("utf-8", "replace")))
        return "250 OK"


class Robots(BaseHTTPRequestHandler):
    """Answers as the services do, after checking what they check."""

    received = []  # (service, text)
    refused = []

    def do_POST(self):
        url = urlsplit(self.path)
        query = parse_qs(url.query)
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        service = url.path.strip("/")
        ok, text = self._check(service, query, body)
        (self.received if ok else self.refused).append((service, text))
        answer = {"code" if service == "feishu" else "errcode": 0 if ok else 310000}
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(json.dumps(answer).encode())

    def _check(self, service, query, body):
        if service == "wecom":
            return query.get("key") == [WECOM_KEY] and body["msgtype"] == "text", body["text"][
                "content"
            ]
        if service == "dingtalk":
            timestamp = query["timestamp"][0]
            expected = base64.b64encode(
                hmac.new(
                    DINGTALK_SECRET.encode(),
                    f"{timestamp}\n{DINGTALK_SECRET}".encode(),
                    hashlib.sha256,
                ).digest()
            ).decode()
            return query["sign"] == [expected], body["text"]["content"]
        if service == "feishu":
            key = f"{body['timestamp']}\n{FEISHU_SECRET}".encode()
            expected = base64.b64encode(hmac.new(key, b"", hashlib.sha256).digest()).decode()
            return body["sign"] == expected and body["msg_type"] == "text", body["content"]["text"]
        return False, ""

    def log_message(self, *args):
        pass


def _free_port():
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class RobotServer:
    def __init__(self, port):
        self.port, self.server = port, None

    def up(self):
        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), Robots)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def down(self):
        if self.server:
            self.server.shutdown()
            self.server.server_close()
            self.server = None


@pytest.fixture
def receivers(transactional_db, settings, users):
    """Real commits (transactional_db): the worker, as in production, closes a
    connection left inside a transaction (django-tasks-db's close_old_connections),
    which on PostgreSQL would end a test's rolled-back transaction."""
    Robots.received, Robots.refused = [], []
    mailbox = Mailbox()
    smtp = Controller(mailbox, hostname="127.0.0.1", port=_free_port())
    smtp.start()
    robots = RobotServer(_free_port())
    base = f"http://127.0.0.1:{robots.port}"
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": smtp.port, "timeout": 5},
        }
    }
    settings.KPI_NOTICE_CHANNELS = ["app", "email"]
    settings.KPI_ROBOTS = {
        "wecom": {"url": f"{base}/wecom?key={WECOM_KEY}"},
        "dingtalk": {"url": f"{base}/dingtalk?access_token=t", "secret": DINGTALK_SECRET},
        "feishu": {"url": f"{base}/feishu", "secret": FEISHU_SECRET},
    }
    # Tried again after 1 s, then 2 s and never later: the test waits 2 s for a retry.
    settings.KPI_NOTICE_RETRY_SECONDS = 1
    settings.KPI_NOTICE_RETRY_MAX_SECONDS = 2
    for name in ("reviewer", "staff", "staff2"):
        users[name].email = f"{name}@example.test"
        users[name].save(update_fields=["email"])
    yield mailbox, robots
    robots.down()
    smtp.stop()


def _work(wait=0):
    """Run every task due (after `wait` seconds: a retry's delay), then stop."""
    time.sleep(wait)
    call_command("db_worker", "--batch", "--no-startup-delay", stdout=StringIO())


def _events(users):
    """Every event once: P6-04's Q3 report returned, submitted again, approved; a
    follow-up of P6-04 assigned and answered. Returns the subjects' keywords."""
    report = QuarterlyReport.objects.get(indicator__code="P6-04", quarter=3)
    if report.state != "submitted":
        report.record_entry(by=users["staff"], submit=True, expected_version=report.version)
    report.return_for_changes(by=users["reviewer"], comment="示例 缺少活动照片")
    report.value = Decimal("12")
    report.record_entry(
        by=users["staff"], submit=True, reason="补充", expected_version=report.version
    )
    report.approve(by=users["reviewer"])
    made = follow_up(users)
    made.answer("示例 已落实", [], by=users["staff"])


def test_each_event_reaches_each_channel_once(receivers, users, demo):
    mailbox, robots = receivers
    robots.up()
    Notice.objects.all().delete()
    _events(users)
    # The workflow's events (the daily check's: tests/test_notice_daily.py).
    events = [e.value for e in list(Notice.Event)[:5]]
    by_event = {e: Notice.objects.filter(event=e) for e in events}
    # In the app: written as sent, to the right people.
    assert {
        e: sorted(n.recipient.username for n in q if n.channel == "app")
        for e, q in by_event.items()
    } == {
        "report_submitted": ["reviewer"],
        "report_returned": ["staff"],
        "report_approved": ["staff"],
        "follow_up_assigned": ["staff"],
        "follow_up_answered": ["reviewer"],
    }
    _work()
    assert not Notice.objects.filter(state="pending").exists()
    # E-mail: one message per person and event, with its fixed Message-ID.
    assert len(mailbox.messages) == 5
    mails = [message_from_bytes(m.encode(), policy=default) for _to, m in mailbox.messages]
    returned = next(m for m in mails if m["Subject"].startswith("已退回修改：P6-04"))
    assert "原因：示例 缺少活动照片" in returned.get_content()
    assert "http://127.0.0.1:8000/plans/2024/indicators/P6-04/report/3/" in returned.get_content()
    ids = {m["Message-ID"] for m in mails}
    assert len(ids) == 5 and all(i.endswith("@kpitracker>") for i in ids)
    # Each robot: one message per event, signature accepted.
    assert Robots.refused == []
    for service in ("wecom", "dingtalk", "feishu"):
        texts = [t for s, t in Robots.received if s == service]
        assert len(texts) == len(events), service
        keys = {str(n.key) for n in Notice.objects.filter(channel=service)}
        assert {t.rsplit("#", 1)[1] for t in texts} == keys
    assert any("示例 缺少活动照片" in t for _s, t in Robots.received)


def test_the_daily_checks_events_reach_each_channel_once(receivers, users, demo):
    """The events no single save sends (notices/daily.py), through the real SMTP server
    and robot receiver: reports due and overdue, a follow-up overdue, a status worse
    than last quarter, the weekly digest. Robots post the office's workflow: of these,
    the overdue follow-up alone."""
    mailbox, robots = receivers
    robots.up()
    for name in ("leader", "admin"):
        users[name].email = f"{name}@example.test"
        users[name].save(update_fields=["email"])
    Follow.objects.set(users["admin"], True, pillar=PlanElement.objects.get(plan=demo, code="P5"))
    Preference.objects.create(
        user=users["leader"], event=Notice.Event.WEEKLY_DIGEST, channel="email", wanted=True
    )
    follow_up(users, due=datetime.date(2024, 10, 1))
    Notice.objects.all().delete()
    daily.run(datetime.date(2024, 10, 8))  # Q3's reports due on the 10th
    daily.run(datetime.date(2024, 10, 14))  # a Monday: overdue now, and the digest
    events = (
        Notice.Event.REPORTS_DUE,
        Notice.Event.REPORTS_OVERDUE,
        Notice.Event.FOLLOW_UP_OVERDUE,
        Notice.Event.STATUS_WORSENED,
        Notice.Event.WEEKLY_DIGEST,
    )
    for event in events:
        assert Notice.objects.filter(event=event, channel="email").exists(), event
    _work()
    assert not Notice.objects.filter(state="pending").exists()
    # Each e-mail notice arrived once, under its own Message-ID.
    mails = [message_from_bytes(m.encode(), policy=default) for _to, m in mailbox.messages]
    emailed = Notice.objects.filter(channel="email")
    assert sorted(m["Message-ID"] for m in mails) == sorted(
        f"<{n.key}@kpitracker>" for n in emailed
    )
    digest = next(m for m in mails if m["To"] == "leader@example.test")
    assert "逾期事项" in digest.get_content()
    # Each robot: the overdue follow-up, once, signature accepted.
    assert Robots.refused == []
    for service in ("wecom", "dingtalk", "feishu"):
        sent = Notice.objects.filter(channel=service)
        assert {n.event for n in sent} == {Notice.Event.FOLLOW_UP_OVERDUE}, service
        texts = [t for s, t in Robots.received if s == service]
        assert sorted(t.rsplit("#", 1)[1] for t in texts) == sorted(str(n.key) for n in sent)


def test_a_receiver_down_delays_but_loses_nothing_and_sends_once(receivers, users, demo):
    mailbox, robots = receivers
    Notice.objects.all().delete()
    _events(users)  # the robots are down: the saves succeed all the same
    _work()
    pending = Notice.objects.filter(state="pending")
    assert sorted(set(pending.values_list("channel", flat=True))) == [
        "dingtalk",
        "feishu",
        "wecom",
    ]
    assert pending.count() == 15 and all(n.attempts >= 1 for n in pending)
    assert "Connection refused" in pending.first().last_error
    assert len(mailbox.messages) == 5  # e-mail was up
    _work(wait=2.1)  # still down: tried again, kept
    assert Notice.objects.filter(state="pending", attempts__gte=2).count() == 15
    robots.up()
    _work(wait=2.1)
    assert not Notice.objects.filter(state="pending").exists()
    _work()  # nothing is left queued to send twice
    assert len(Robots.received) == 15 and Robots.refused == []
    assert len({t for _s, t in Robots.received}) == 15
    assert len(mailbox.messages) == 5


def test_a_bad_signature_is_refused_and_kept_to_try_again(receivers, users, demo, settings):
    _mailbox, robots = receivers
    robots.up()
    settings.KPI_ROBOTS = {
        "dingtalk": {**settings.KPI_ROBOTS["dingtalk"], "secret": "wrong"},
    }
    settings.KPI_NOTICE_CHANNELS = ["app"]
    Notice.objects.all().delete()
    follow_up(users)
    _work()
    notice = Notice.objects.get(channel="dingtalk")
    assert notice.state == "pending" and "errcode 310000" in notice.last_error
    assert Robots.refused and not Robots.received


def test_signatures_match_the_services_examples():
    # DingTalk: key = secret, message = "timestamp\nsecret"; Feishu: key =
    # "timestamp\nsecret", empty message (both documented by the services).
    assert (
        sign("s", "1")
        == base64.b64encode(hmac.new(b"s", b"1\ns", hashlib.sha256).digest()).decode()
    )
    assert (
        sign("s", "1", feishu=True)
        == base64.b64encode(hmac.new(b"1\ns", b"", hashlib.sha256).digest()).decode()
    )


def test_the_bell_counts_and_the_list_marks_read(personas, users, django_assert_num_queries):
    Notice.objects.all().delete()
    _events(users)  # staff: returned, approved, follow-up assigned (in the app)
    staff = personas["staff"]
    # The menu's counts in one answer: staff acting in no review get no waiting count.
    # 1 session, 2 user, 3 unread, 4 whether they act at a step of an approval chain
    with django_assert_num_queries(4):
        assert staff.get("/notices/counts.json").json() == {"unread": 3, "waiting": None}
    # 1 session, 2 user, 3 count, 4 the page
    with django_assert_num_queries(4):
        page = staff.get("/notices/", HTTP_ACCEPT_LANGUAGE="en")
    notices = list(page.context["page"].object_list)
    assert [n.event for n in notices] == [
        "follow_up_assigned",
        "report_approved",
        "report_returned",
    ]
    assert "示例 缺少活动照片" in page.content.decode()  # the reason of the return
    # Someone else's notice is not theirs to mark.
    personas["staff2"].post("/notices/read/", {"pk": notices[0].pk})
    assert staff.get("/notices/counts.json").json()["unread"] == 3
    staff.post("/notices/read/", {"pk": notices[0].pk})
    assert staff.get("/notices/counts.json").json()["unread"] == 2
    # Read ones go below the unread.
    assert list(staff.get("/notices/").context["page"].object_list)[-1].pk == notices[0].pk
    staff.post("/notices/read/")
    assert staff.get("/notices/counts.json").json()["unread"] == 0


def test_a_notice_left_claimed_by_a_dead_worker_is_sent_again_once(receivers, users, demo):
    """What SIGKILL leaves mid-send: the notice claimed, its task never finished. (The
    task here finds it claimed and does nothing, as a task would whose worker died.)"""
    _mailbox, robots = receivers
    robots.up()
    Notice.objects.all().delete()
    follow_up(users)  # assigned: one notice per robot, e-mail and app for staff
    stuck = Notice.objects.get(channel="feishu")
    long_ago = timezone.now() - datetime.timedelta(seconds=claim_seconds() + 1)
    Notice.objects.filter(pk=stuck.pk).update(claimed_at=long_ago)
    _work()
    assert sorted(s for s, _t in Robots.received) == ["dingtalk", "wecom"]
    assert requeue_stale() == 1
    _work()
    stuck.refresh_from_db()
    assert stuck.state == "sent" and stuck.claimed_at is None
    assert sorted(s for s, _t in Robots.received) == ["dingtalk", "feishu", "wecom"]
    assert requeue_stale() == 0
