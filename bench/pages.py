"""Page benchmark: time and queries per page, with the demo plan and with 30× the indicators.

Run by hand (not part of the test suite):

    .venv/bin/python bench/pages.py            # SQLite in a temporary file
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kpi_bench .venv/bin/python bench/pages.py

It builds a throwaway database, loads the 2024 plan and the demo data, times each
page in-process with Django's test client (no network, so it measures Django and
the database, not a web server), grows the plan 30× and times again.
"""

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kpitracker.settings")
os.environ.setdefault("DJANGO_DEBUG", "1")
os.environ.setdefault("KPI_TODAY", "2024-10-08")
_tmp = tempfile.TemporaryDirectory()
os.environ.setdefault("DATABASE_URL", f"sqlite:///{_tmp.name}/bench.sqlite3")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402

PAGES = [
    "/plans/2024/?quarter=3",
    "/plans/2024/indicators/P6-04/?quarter=3",
    "/plans/2024/pillars/P3/?quarter=3",
    "/reports/",
    "/plans/2024/missing/",
    "/plans/2024/indicators/P6-04/history/",
    "/plans/2024/export/summary.csv?quarter=3",
    "/plans/2024/export/summary.xlsx?quarter=3",
    "/plans/2024/export/print/?quarter=3",
]
ROUNDS = 30


def measure(client, label):
    print(f"\n{label}")
    print(f"{'page':45} {'queries':>7} {'p50 ms':>8} {'p95 ms':>8}")
    for url in PAGES:
        client.get(url)  # warm up
        timings = []
        for _ in range(ROUNDS):
            with CaptureQueriesContext(connection) as queries:
                start = time.perf_counter()
                response = client.get(url)
                timings.append((time.perf_counter() - start) * 1000)
            assert response.status_code == 200, (url, response.status_code)
        timings.sort()
        p95 = timings[int(len(timings) * 0.95) - 1]
        print(f"{url:45} {len(queries):7} {statistics.median(timings):8.1f} {p95:8.1f}")


def main():
    setup_test_environment()
    settings.ALLOWED_HOSTS = ["testserver"]
    call_command("migrate", verbosity=0)
    call_command("load_plan", "2024", verbosity=0)
    call_command("setup_demo", verbosity=0)
    client = Client()
    # force_login: the login lockout (django-axes) needs a request, which
    # Client.login does not pass.
    from accounts.models import User

    client.force_login(User.objects.get(username="leader"))
    print(f"database: {connection.vendor}, {ROUNDS} rounds per page")
    measure(client, "demo plan (29 indicators, 79 reports)")
    from targets.models import Indicator, Plan, QuarterlyReport
    from tests.growth import grow_plan  # the same growth the query-count tests use

    grow_plan(Plan.objects.get(year=2024), 30)

    measure(
        client,
        f"grown plan ({Indicator.objects.count()} indicators, "
        f"{QuarterlyReport.objects.count()} reports)",
    )


if __name__ == "__main__":
    main()
