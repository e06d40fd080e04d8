"""Kept and pooled connections survive a database restart; the body cap holds under a
direct gunicorn (issue 23).

A real gunicorn (2 sync workers, the test settings) serves the test database, once
with persistent connections (DB_CONN_MAX_AGE) and once with psycopg's pool (DB_POOL).
Between rounds of requests a second connection terminates every connection the app
holds (pg_terminate_backend, as a restart does to them). With the health checks
(CONN_HEALTH_CHECKS; the pool's check_connection) each request gets a live
connection: 0 errors. Without them, issue 23 counted 4 and 12 500s.

Each request reads the database: it carries a session cookie, so the session table is
queried (the session does not exist: the answer is the redirect to the login page).
"""

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import psycopg
import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parent.parent
ROUNDS = 3
REQUESTS = 20  # per round: both workers answer some

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="terminating the app's connections is PostgreSQL's (pg_terminate_backend)",
)


def _free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _url():
    db = connection.settings_dict
    return f"postgres://{db['USER']}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"


def _gunicorn(port, **env):
    server = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "kpitracker.wsgi",
            "--workers=2",
            "--worker-class=sync",
            f"--bind=127.0.0.1:{port}",
            "--log-level=warning",
        ],
        cwd=ROOT,
        env={
            **os.environ,
            "DATABASE_URL": _url(),
            "DJANGO_SETTINGS_MODULE": "kpitracker.test_settings",
            "PYTHONPATH": str(ROOT),
            **env,
        },
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return server
        except OSError:
            time.sleep(0.2)
    server.terminate()
    raise RuntimeError("gunicorn did not start")


@pytest.fixture
def serve():
    started = []

    def start(**env):
        port = _free_port()
        started.append(_gunicorn(port, **env))
        return port

    yield start
    for server in started:  # only the servers this test started, by their own id
        server.terminate()
        server.wait(timeout=30)


def _status(port, path="/plans/2024/"):
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}{path}", headers={"Cookie": "sessionid=no-such-session-key"}
    )
    opener = urllib.request.build_opener(_NoRedirect)
    try:  # a worker's first request loads the application: seconds on a busy machine
        return opener.open(request, timeout=120).status
    except urllib.error.HTTPError as error:
        return error.code
    except OSError as error:  # no answer at all counts as an error too
        return repr(error)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def _terminate_the_apps_connections():
    """Every connection to the test database but this process's own: the app's."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        mine = cursor.fetchone()[0]
    db = connection.settings_dict
    with psycopg.connect(
        host=db["HOST"],
        port=db["PORT"] or 5432,
        user=db["USER"],
        dbname="postgres",
        autocommit=True,
    ) as killer:
        rows = killer.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = %s AND pid <> %s AND pid <> pg_backend_pid()",
            (db["NAME"], mine),
        ).fetchall()
    return len(rows)


@pytest.mark.parametrize(
    "mode", [{"DB_CONN_MAX_AGE": "600"}, {"DB_POOL": "1", "DB_POOL_MIN_SIZE": "1"}], ids=str
)
def test_connections_survive_a_restart(db, serve, mode):
    port = serve(**mode)
    statuses = [_status(port) for _ in range(REQUESTS)]
    terminated = 0
    for _ in range(ROUNDS):
        terminated += _terminate_the_apps_connections()
        time.sleep(0.2)  # as after a restart: the old connections are gone
        statuses += [_status(port) for _ in range(REQUESTS)]
    assert terminated >= ROUNDS  # the app really held connections, and lost them
    errors = [status for status in statuses if status != 302]
    print(f"{mode}: {len(statuses)} requests, {terminated} connections ended, {len(errors)} errors")
    assert errors == []


def test_gunicorn_refuses_a_huge_body_before_reading_it(db, serve):
    """A 1 GB POST to a direct gunicorn: declared, never sent; the answer comes at once."""
    port = serve()
    for _ in range(4):  # both workers have loaded the application
        _status(port, "/accounts/login/")
    with socket.create_connection(("127.0.0.1", port), timeout=30) as client:
        client.sendall(
            b"POST /accounts/login/ HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            b"Content-Type: application/x-www-form-urlencoded\r\n"
            b"Content-Length: 1073741824\r\n\r\nusername=x"
        )
        started = time.monotonic()
        answer = client.recv(4096)
        waited = time.monotonic() - started
    assert answer.startswith(b"HTTP/1.1 413"), answer[:200]
    print(f"413 after {waited * 1000:.0f} ms without the body")
