"""The worker killed mid-send: nothing lost, a repeat carries the same key.

A real `manage.py db_worker` process sends notices to a real SMTP server (aiosmtpd)
and a real HTTP server standing in for the Feishu robot, on a database both processes
share: a SQLite file (the suite's demo copied to it) or the PostgreSQL test database.
Each receiver takes its first message and then stalls, as a server does when the
answer is lost; the test then SIGKILLs the worker, so the notice stays claimed and its
task never finishes. `manage.py requeue_notices` (cron, every few minutes) queues it
again once the claim is stale, and a new worker sends the rest. Every notice arrives;
the one sent when the worker died arrives twice, with the same Message-ID or `#key`,
which a mail system drops (a robot shows it twice, with the key to tell).
"""

import asyncio
import json
import os
import signal
import subprocess
import sys
import threading
import time
from email import message_from_bytes
from email.policy import default
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from django.db import connection

from . import snapshot

ROOT = Path(__file__).resolve().parent.parent
STALL_SECONDS = 60  # longer than the test waits: the worker is killed before it ends
EVENTS = 3  # follow-ups assigned: each to two people by e-mail, and to the robot

# Written by a `manage.py shell` on the shared database: the notices to send, printed
# as READ_NOTICES prints them (one process instead of two: each costs a Django start).
MAKE_NOTICES = f"""
from accounts.models import User
from notices.events import emit
from notices.models import Notice
Notice.objects.all().delete()
people = [
    User.objects.create(username=f"kill-{{n}}", email=f"kill-{{n}}@example.test", role="staff")
    for n in range(2)
]
for n in range({EVENTS}):
    emit(Notice.Event.FOLLOW_UP_ASSIGNED, lambda n=n: (f"示例 督办 {{n}}", "示例"), "/", people)
"""
READ_NOTICES = """
import json
from notices.models import Notice
print(json.dumps([[str(n.key), n.channel, n.state] for n in Notice.objects.exclude(channel="app")]))
"""


class Stall:
    """Takes the first message, then holds the answer until released."""

    def __init__(self):
        self.received = []  # keys, in the order they came
        self.stalled = threading.Event()  # the first message is in, unanswered
        self.release = threading.Event()

    def take(self, key):
        self.received.append(key)
        if len(self.received) == 1:
            self.stalled.set()
            self.release.wait(STALL_SECONDS)


class Mailbox:
    def __init__(self, stall):
        self.stall = stall

    async def handle_DATA(self, server, session, envelope):
        message = message_from_bytes(envelope.content, policy=default)
        key = message["Message-ID"].strip("<>").split("@")[0]
        await asyncio.get_running_loop().run_in_executor(None, self.stall.take, key)
        return "250 OK"


def _robot(stall):
    class Feishu(BaseHTTPRequestHandler):
        def do_POST(self):
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            stall.take(body["content"]["text"].rsplit("#", 1)[1])
            try:
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(b'{"code": 0}')
            except OSError:  # the worker it stalled was killed: nobody to answer
                pass

        def log_message(self, *args):
            pass

    return Feishu


def _free_port():
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def shared_database(transactional_db, demo, tmp_path):
    """A database URL the worker process can open: on SQLite a file holding the
    suite's demo, on PostgreSQL the test database (transactional_db: real commits,
    emptied after the test)."""
    if connection.vendor == "sqlite":
        path = tmp_path / "kpitracker.sqlite3"
        snapshot.demo().write_sqlite_file(path)
        return f"sqlite:///{path}"
    db = connection.settings_dict
    return f"postgres://{db['USER']}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.fixture
def receivers():
    mail, robot = Stall(), Stall()
    smtp = Controller(Mailbox(mail), hostname="127.0.0.1", port=_free_port())
    smtp.start()
    http = ThreadingHTTPServer(("127.0.0.1", _free_port()), _robot(robot))
    threading.Thread(target=http.serve_forever, daemon=True).start()
    yield smtp.port, http.server_address[1], mail, robot
    mail.release.set()
    robot.release.set()
    http.shutdown()
    http.server_close()
    smtp.stop()


def test_a_worker_killed_mid_send_loses_nothing(shared_database, receivers):
    smtp_port, http_port, mail, robot = receivers
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "kpitracker.test_settings",
        "DATABASE_URL": shared_database,
        "KPI_NOTICE_CHANNELS": "app,email",
        "MAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "MAIL_HOST": "127.0.0.1",
        "MAIL_PORT": str(smtp_port),
        "MAIL_TIMEOUT": str(STALL_SECONDS),
        "KPI_FEISHU_WEBHOOK": f"http://127.0.0.1:{http_port}/feishu",
        "KPI_FEISHU_SECRET": "test-feishu-secret",
        "KPI_NOTICE_CLAIM_SECONDS": "1",  # a claim older than 1 s: its worker died
    }

    def manage(*args, **kwargs):
        return subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            check=True,
            **kwargs,
        ).stdout

    def read_notices():
        return json.loads(manage("shell", "--no-imports", "-c", READ_NOTICES))

    made = manage("shell", "--no-imports", "-c", MAKE_NOTICES + READ_NOTICES)
    expected = {key: channel for key, channel, _state in json.loads(made)}
    assert sorted(expected.values()) == ["email"] * 2 * EVENTS + ["feishu"] * EVENTS

    kills = []
    for _round in range(4):  # each stall kills one worker; two stalls, then the rest
        worker = subprocess.Popen(
            [sys.executable, "manage.py", "db_worker", "--no-startup-delay", "--interval=0.2"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        stall = _wait_for_stall_or_all(mail, robot, kills, expected)
        if stall is None:  # everything arrived: once recorded, stop it as systemd would
            for _wait in range(20):
                states = read_notices()  # checked below: read once more costs a process
                if all(state == "sent" for _k, _c, state in states):
                    break
            worker.send_signal(signal.SIGTERM)
            worker.wait(30)
            break
        worker.send_signal(signal.SIGKILL)
        worker.wait(30)
        kills.append((stall, stall.received[0]))
        time.sleep(1.1)  # the claim is now stale
        assert "1 notice(s) queued again." in manage("requeue_notices")
    else:
        pytest.fail(f"not all delivered; mail {mail.received}, robot {robot.received}")

    print(
        f"{connection.vendor}: {len(kills)} workers killed mid-send; e-mail received "
        f"{len(mail.received)} for {len(set(mail.received))} notices, robot "
        f"{len(robot.received)} for {len(set(robot.received))}"
    )
    # Both channels were cut mid-send once; each of their notices arrived, the one cut
    # off twice with its own key both times, the others once.
    assert sorted(stall is mail for stall, _key in kills) == [False, True]
    for stall, cut in kills:
        assert stall.received.count(cut) == 2
        assert all(stall.received.count(key) == 1 for key in stall.received if key != cut)
    assert set(mail.received) == {k for k, c in expected.items() if c == "email"}
    assert set(robot.received) == {k for k, c in expected.items() if c == "feishu"}
    # What the database holds once the last worker stopped (read after it recorded the
    # last sending; a stopped worker changes nothing).
    assert {key: state for key, _c, state in states} == dict.fromkeys(expected, "sent")
    assert manage("requeue_notices").strip() == "0 notice(s) queued again."


def _wait_for_stall_or_all(mail, robot, kills, expected, seconds=60):
    """The receiver that newly stalled, or None once every notice has arrived."""
    killed = {stall for stall, _key in kills}
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        for stall in (mail, robot):
            if stall.stalled.is_set() and stall not in killed:
                return stall
        # Each kill adds one repeat: the notice cut off, sent again.
        if len(mail.received) + len(robot.received) >= len(expected) + len(kills):
            return None
        time.sleep(0.05)
    pytest.fail(f"nothing moved in {seconds} s; mail {mail.received}, robot {robot.received}")
