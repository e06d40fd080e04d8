"""Rounds of truly simultaneous requests, for tests/test_concurrency.py.

Each round starts two requests in two threads (each with its own database
connection) at one barrier, through Django's test client, so the whole request
runs: views, forms, the workflow, the database. The outcomes are counted, never
assumed.

PostgreSQL runs these in the test process (a transactional test). SQLite runs
them in a subprocess on a real database file (`python -m tests.concurrency`),
because the suite's in-memory SQLite (shared cache) locks differently from the
file a bureau runs on.
"""

import json
import sys
import threading
import time
from contextlib import closing

from django.db import close_old_connections, connection, connections
from django.test import Client

CREATE_SLOT = ("P5-05", 3)  # no Q3 report in the demo data; staff2's section leads it
CLOSE_SLOT = ("P6-04", 3)  # submitted in the demo data; staff's section leads it


def _url(code, quarter, year=2024):
    return f"/plans/{year}/indicators/{code}/report/{quarter}/"


def _client(username):
    from accounts.models import User

    client = Client(raise_request_exception=True)
    client.force_login(User.objects.get(username=username))
    return client


def _race(*jobs, delays=()):
    """Run the callables at the same moment, each in its own thread (the n-th after
    `delays[n]` seconds, to try other interleavings); return their results in order
    (an exception becomes ("error", repr))."""
    barrier = threading.Barrier(len(jobs))
    results = [None] * len(jobs)

    def run(index, job):
        try:
            barrier.wait(timeout=30)
            if index < len(delays) and delays[index]:
                time.sleep(delays[index])
            results[index] = job()
        except Exception as error:  # counted as a 500: what a user would have got
            results[index] = ("error", repr(error))
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, job)) for i, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def _post(client, url, data):
    def job():
        response = client.post(url, data)
        return (response.status_code, response.content.decode())

    return job


def two_creators(rounds):
    """Two people create the same quarter's report at once, `rounds` times.

    Returns one dict per round: the two statuses, whether the loser's figure and
    narrative came back in their page, and how many reports exist afterwards.
    """
    from targets.models import QuarterlyReport

    code, quarter = CREATE_SLOT
    url = _url(code, quarter)
    clients = {"staff2": _client("staff2"), "admin": _client("admin")}
    outcomes = []
    for number in range(rounds):
        typed = {
            name: {
                "value": str(10 + index),
                "progress": f"第{number}轮 {name} 的进展",
                "problems": "",
                "next_steps": "",
                "version": "0",
                "action": "submit",
            }
            for index, name in enumerate(clients)
        }
        results = _race(*(_post(clients[name], url, typed[name]) for name in clients))
        outcome = {"statuses": sorted(str(r[0]) for r in results), "loser_input_kept": None}
        for name, (status, content) in zip(clients, results, strict=True):
            if status != 302 and status != "error":
                kept = typed[name]
                outcome["loser_input_kept"] = kept["progress"] in content and (
                    f'value="{kept["value"]}"' in content
                )
        reports = QuarterlyReport.objects.filter(indicator__code=code, quarter=quarter)
        outcome["reports"] = reports.count()
        outcomes.append(outcome)
        # Make room for the next round (the history goes too: it is not the point here).
        QuarterlyReport.history.filter(indicator__code=code, quarter=quarter).delete()
        reports.delete()
    return outcomes


def close_vs_save(rounds):
    """The lead section saves a report while an administrator closes its quarter.

    Returns one dict per round: the save's status, whether the quarter ended closed,
    and whether the report's last save is after the quarter's close (it never may be).
    """
    from accounts.models import User
    from targets.models import Plan, QuarterlyReport

    code, quarter = CLOSE_SLOT
    plan = Plan.objects.get(year=2024)
    admin = User.objects.get(username="admin")
    staff, admin_client = _client("staff"), _client("admin")
    url = _url(code, quarter)
    outcomes = []
    for number in range(rounds):
        report = QuarterlyReport.objects.get(indicator__code=code, quarter=quarter)
        data = {
            "value": str(5 + number % 3),
            "progress": f"第{number}轮的修改",
            "problems": "",
            "next_steps": "",
            "version": str(report.version),
            "reason": "并发测试",
            "action": "submit",
        }
        save, close = _race(
            _post(staff, url, data),
            _post(admin_client, f"/plans/2024/quarters/{quarter}/close/", {"confirm": "yes"}),
            # The close starts 0-40 ms after the save: the save's request does more
            # work before it writes, so both orders happen.
            delays=(0, (number % 5) * 0.01),
        )
        report.refresh_from_db()
        period = plan.periods.get(quarter=quarter)
        outcomes.append(
            {
                "save": save[0],
                "close": close[0],
                "closed": period.is_closed,
                "input_kept": save[0] == 302 or data["progress"] in save[1],
                "saved_after_close": report.updated_at > period.changed_at,
            }
        )
        plan.reopen_quarter(quarter, by=admin, reason="下一轮")
    return outcomes


def busy_database(path):
    """SQLite only: another connection holds the write lock for longer than the busy
    timeout while a report is saved. The user must get their input back, not a 500."""
    import sqlite3

    code, quarter = CREATE_SLOT
    client = _client("staff2")
    connections.close_all()
    connections.settings["default"]["OPTIONS"]["timeout"] = 0.5
    typed = {
        "value": "7",
        "progress": "锁住时填写的进展",
        "problems": "",
        "next_steps": "",
        "version": "0",
        "action": "submit",
    }
    with closing(sqlite3.connect(path, timeout=0.5)) as holder:
        holder.execute("BEGIN IMMEDIATE")
        response = client.post(_url(code, quarter), typed)
        holder.rollback()
    content = response.content.decode()
    close_old_connections()
    from targets.models import QuarterlyReport

    return {
        "status": response.status_code,
        "input_kept": typed["progress"] in content and 'value="7"' in content,
        "stored": QuarterlyReport.objects.filter(indicator__code=code, quarter=quarter).count(),
    }


def _main():
    """Run every scenario on the database of DATABASE_URL (a SQLite file, holding the
    demo or empty) and print the outcomes as JSON."""
    import os

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kpitracker.test_settings")
    django.setup()
    from io import StringIO

    from django.core.management import call_command
    from django.test import override_settings

    from targets.demo import setup_demo

    rounds = int(sys.argv[1])
    if not connection.introspection.table_names():  # not the suite's copy of the demo
        call_command("migrate", verbosity=0, stdout=StringIO())
        call_command("load_plan", "2024", verbosity=0, stdout=StringIO())
        with override_settings(DEBUG=True):
            setup_demo()
    result = {
        "journal_mode": connection.cursor().execute("PRAGMA journal_mode").fetchone()[0],
        "two_creators": two_creators(rounds),
        "close_vs_save": close_vs_save(rounds),
        "busy": busy_database(connection.settings_dict["NAME"]),
    }
    print(json.dumps(result))


if __name__ == "__main__":
    _main()
