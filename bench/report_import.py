"""The preview of a 2,000-row report sheet, timed (issue 12: "within a few seconds").

Run by hand, not by the test suite (timings are not tests):

    .venv/bin/python bench/report_import.py            # SQLite in /tmp, built once
    .venv/bin/python bench/report_import.py --database-url postgres://postgres@127.0.0.1:5432/kpi_bench_import

The database holds the real 2024 plan with the demo accounts and reports, grown with
68 synthetic copies of each of its 29 indicators (bench/data.py, seed 2024; labelled
"（基准合成）"): 2,001 indicators, each with four quarters of reports. An administrator
downloads the Q3 template of every section (2,001 rows), changes the figure and the
progress of every row that can still change (the others are approved: locked), and
uploads it; the server's time for the preview is the median of `--rounds` uploads,
in-process with Django's test client and DEBUG off. The confirmation (every changed
row saved through `record_entry`, in one transaction) is timed once and rolled back.
"""

import argparse
import io
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
COPIES = 68  # 29 × 69 = 2,001 indicators
DEFAULT_URL = "sqlite:////tmp/kpi_bench_report_import.sqlite3"


def setup(url):
    if url.startswith("postgres"):
        import psycopg

        base, name = url.rsplit("/", 1)
        with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
            if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
                conn.execute(f'CREATE DATABASE "{name}"')
    sys.path.insert(0, str(ROOT))
    sys.path.insert(0, str(ROOT / "bench"))
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kpitracker.test_settings")
    import django

    django.setup()


def build():
    import data
    from django.core.management import call_command
    from django.test import override_settings

    from accounts.models import User
    from targets.demo import setup_demo
    from targets.models import Indicator, Plan

    call_command("migrate", verbosity=0, stdout=io.StringIO())
    if not Plan.objects.filter(year=2024).exists():
        call_command("load_plan", "2024", verbosity=0, stdout=io.StringIO())
        with override_settings(DEBUG=True):
            setup_demo()
        plan = Plan.objects.get(year=2024)
        data.grow(plan, COPIES, 2024, author=User.objects.get(username="admin"))
        data.finish()
    return Indicator.objects.filter(plan__year=2024).count()


def filled_sheet(client):
    import openpyxl

    from targets.report_sheet.columns import REPORTS

    started = time.perf_counter()
    response = client.get("/plans/2024/reports/template.xlsx?quarter=3")
    template_ms = (time.perf_counter() - started) * 1000
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    sheet = workbook.worksheets[0]
    keys = [c.key for c in REPORTS.columns]
    value, progress = keys.index("value") + 1, keys.index("progress") + 1
    confirm = keys.index("confirm_large") + 1
    state = keys.index("milestone_state") + 1
    changed = 0
    for row in range(2, sheet.max_row + 1):
        figure = sheet.cell(row, value)
        if not figure.protection.locked:
            figure.value = (figure.value or 0) + 1
            sheet.cell(row, confirm).value = "是"
        milestone = sheet.cell(row, state)
        if not milestone.protection.locked and not milestone.value:
            milestone.value = "推进中"  # a synthetic milestone without its state
        text = sheet.cell(row, progress)
        if not text.protection.locked:
            text.value = f"{text.value or ''}（基准合成）导入"
            changed += 1
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue(), sheet.max_row - 1, changed, template_ms, len(response.content)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database-url", default=DEFAULT_URL)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    setup(args.database_url)

    import re

    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.db import connection, transaction
    from django.test import Client

    from accounts.models import User

    indicators = build()
    client = Client()
    client.force_login(User.objects.get(username="admin"))
    content, rows, changed, template_ms, template_bytes = filled_sheet(client)

    def upload():
        return client.post(
            "/plans/2024/reports/import/",
            {"file": SimpleUploadedFile("bench.xlsx", content), "quarter": 3},
        )

    from targets.report_sheet import files, reader

    started = time.perf_counter()
    reader.read(files.classify(content, "bench.xlsx"))
    read_ms = (time.perf_counter() - started) * 1000
    queries = []

    def count(execute, sql, params, many, context):
        queries.append(sql)
        return execute(sql, params, many, context)

    timings = []
    for _ in range(args.rounds):
        queries.clear()
        with connection.execute_wrapper(count):
            started = time.perf_counter()
            response = upload()
            timings.append((time.perf_counter() - started) * 1000)
    page = response.content.decode()
    token = re.search(r'name="token" value="([^"]+)"', page)
    problems = re.findall(r"<td class=\"num\">(.*?)</td><td>(.*?)</td><td>(.*?)</td>", page)
    feedback = re.findall(r"(invalid-feedback|alert-danger)[^>]*>(.*?)<", page)
    assert response.status_code == 200 and token, (problems[:20], feedback)
    with transaction.atomic():
        started = time.perf_counter()
        applied = client.post(
            "/plans/2024/reports/import/confirm/", {"token": token.group(1), "action": "submit"}
        )
        confirm_ms = (time.perf_counter() - started) * 1000
        assert applied.status_code == 302, applied.content.decode()[:2000]
        transaction.set_rollback(True)
    print(f"database: {connection.vendor}; indicators in the plan: {indicators:,}")
    print(f"template: {rows:,} rows, {template_bytes / 1024:.0f} KB, {template_ms:,.0f} ms")
    print(f"upload: {len(content) / 1024:.0f} KB, {changed:,} rows to change")
    print(
        f"preview: median {statistics.median(timings):,.0f} ms of {args.rounds} "
        f"({', '.join(f'{t:,.0f}' for t in timings)}), {len(queries):,} queries"
    )
    print(
        f"of which reading the workbook (openpyxl, read-only, plus the XML scan): {read_ms:,.0f} ms"
    )
    print(f"confirm (all {changed:,} rows saved, then rolled back): {confirm_ms:,.0f} ms")


if __name__ == "__main__":
    main()
