"""What a data platform's poll of the read API costs, with and without ETag.

Run by hand (timings are not tests):

    .venv/bin/python bench/api_poll.py                      # SQLite, a temporary file
    .venv/bin/python bench/api_poll.py --database postgres://postgres@127.0.0.1:5432/kpi_api_bench

The real 2024 plan with the demo data, one API client; each endpoint requested
`--rounds` times in-process (Django's test client, DEBUG off, no network) as a full
answer (200) and as a poll that sends the ETag it got (304). Prints the median time
and the queries of each.
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from io import StringIO
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
URLS = (
    "/api/v1/standings/?year=2024&quarter=3",
    "/api/v1/indicators/?year=2024",
    "/api/v1/reports/?year=2024&page_size=1000",
    "/api/v1/history/?year=2024&page_size=1000",
)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--database", default="")
    parser.add_argument("--rounds", type=int, default=50)
    args = parser.parse_args()
    database = args.database or f"sqlite:///{tempfile.mkdtemp()}/api_bench.sqlite3"
    os.environ.update(
        DATABASE_URL=database,
        DJANGO_DEBUG="0",
        SECRET_KEY="bench-only",
        ALLOWED_HOSTS="testserver",
        HTTPS="0",
        KPI_TODAY="2024-10-08",
        DJANGO_SETTINGS_MODULE="kpitracker.settings",
    )
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client, override_settings
    from django.test.utils import CaptureQueriesContext

    from api.models import ApiClient
    from targets.demo import setup_demo
    from targets.models import Plan

    call_command("migrate", verbosity=0, stdout=StringIO())
    if not Plan.objects.filter(year=2024).exists():
        call_command("load_plan", "2024", verbosity=0, stdout=StringIO())
        with override_settings(DEBUG=True):
            setup_demo()
    ApiClient.objects.filter(name="bench").delete()
    client = ApiClient.objects.create(name="bench", rate="100000/minute")
    _token, secret = client.issue_token(by=None)
    http = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")

    def measure(url, **headers):
        times, queries, status = [], 0, None
        for _ in range(args.rounds):
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                response = http.get(url, **headers)
                times.append(time.perf_counter() - started)
            queries, status, size = len(captured), response.status_code, len(response.content)
        return statistics.median(times) * 1000, queries, status, size

    # The anchor: a call refused before any query (no token), same stack, same run.
    anchor = Client()
    anchor_times = []
    for _ in range(args.rounds):
        started = time.perf_counter()
        anchor.get("/api/v1/plans/")
        anchor_times.append(time.perf_counter() - started)
    print(f"{connection.vendor}, {args.rounds} rounds, median")
    print(
        f"anchor: a call without a token (401, no query): "
        f"{statistics.median(anchor_times) * 1000:.1f} ms"
    )
    print(f"{'endpoint':46} {'full (200)':>22} {'poll with ETag (304)':>24}")
    for url in URLS:
        http.get(url)  # warm-up
        etag = http.get(url)["ETag"]
        full = measure(url)
        poll = measure(url, HTTP_IF_NONE_MATCH=etag)
        assert full[2] == 200 and poll[2] == 304, (full, poll)
        print(
            f"{url:46} {full[0]:7.1f} ms {full[1]:3d} q {full[3] // 1024:4d} KB"
            f" {poll[0]:7.1f} ms {poll[1]:3d} q {poll[3]:4d} B"
        )


if __name__ == "__main__":
    main()
