"""Benchmark of the streamed exports (reports.csv, history.csv) on a very large plan.

Run by hand, not in the test suite:

    .venv/bin/python bench/export_bench.py                      # SQLite in /tmp
    .venv/bin/python bench/export_bench.py --database-url postgres://postgres@127.0.0.1:5432/kpi_exports_bench

It builds (once; `--rebuild` to start over) a throwaway database holding the 2024
plan plus `--indicators` generated count indicators (default 25,000), each with
four quarterly reports (100,000 reports) and `--history` historical rows per
report (default 1: 100,000 history rows, 500,000 lines of history.csv) — the
province-scale history of issue 22. Then each export is read in a fresh process,
through the whole Django stack (test client, middleware, login), and the script
prints: time to the first byte (the header) and to the first rows, total time,
the web process's CPU time and the load average (on a shared machine the wall
time also counts the waits for a core), size, lines, queries, and memory — the
peak RSS while the export runs over the RSS before it (Linux /proc), and in a
second run the peak of Python allocations (tracemalloc, which slows that run down).
Results also go to bench/results/ (git-ignored). PostgreSQL's own COPY of the same
rows is timed beside them, as a floor.

The goal (issue 22): ≤ 10 s, ≤ 50 MB more memory, first byte ≤ 0.5 s, on PostgreSQL.
Measured on a 2-core machine shared with other jobs (load average 15-16), Python
3.13, Django 6.1.3, PostgreSQL 15, before (COPY writers, pgcopy.py/copyparts.py)
and after (the one Python writer):

| export | | 1st byte | total | CPU of the web process | RSS growth |
|---|---|---|---|---|---|
| reports.csv (100,000 lines) | before | 1.26-1.54 s | 2.7-3.3 s | 0.48 s | 30 MB |
| | after | 0.37-0.41 s | 7.5-10.4 s | 1.7-2.0 s | 11 MB |
| history.csv (500,000 lines) | before | 1.16-2.47 s | 3.1-5.0 s | 0.62 s | 34 MB |
| | after | 0.35-0.47 s | 12.0-28.6 s | 2.8 s (6.1 s before the fast paths) | 11 MB |

COPY of the same rows: 0.9-1.1 s (reports), 0.7-0.8 s (history). The wall times
after are those of a machine with 8 times more work than cores; the CPU time says
what a free core would take.
"""

import argparse
import datetime
import json
import os
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SQLITE = "sqlite:////tmp/kpi-export-bench.sqlite3"
URLS = {
    "reports": "/plans/2024/export/reports.csv",
    "history": "/plans/2024/export/history.csv",
}
BATCH = 5000
NARRATIVE = (
    "（基准）本季度组织召开专题调度会{n}次，协调解决项目推进中的困难和问题，"
    "各项工作按计划有序推进。"
)


def setup_django(database_url):
    sys.path.insert(0, str(ROOT))
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kpitracker.test_settings")
    import django

    django.setup()


def ensure_database(database_url):
    """Create the PostgreSQL database if it does not exist (SQLite creates itself)."""
    if not database_url.startswith("postgres"):
        return
    import psycopg

    base, name = database_url.rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')


def build(indicators, history_per_report, rebuild):
    from io import StringIO

    from django.core.management import call_command
    from django.db import connection, transaction

    from accounts.models import User
    from targets.models import Indicator, Plan, PlanElement, QuarterlyReport

    if rebuild:
        call_command("flush", interactive=False, verbosity=0)
    call_command("migrate", verbosity=0, stdout=StringIO())
    if Plan.objects.filter(year=2024).exists() and not rebuild:
        User.objects.filter(username="bench").update(role=User.Role.LEADER)
        existing = QuarterlyReport.history.count()
        print(f"database ready: {QuarterlyReport.objects.count():,} reports, {existing:,} history")
        return
    started = time.perf_counter()
    call_command("load_plan", "2024", verbosity=0, stdout=StringIO())
    # A leader reads every report, drafts included (targets.read_report): the whole file.
    user = User.objects.create_user(
        "bench", password="bench-only-not-a-secret", role=User.Role.LEADER
    )
    plan = Plan.objects.get(year=2024)
    pillar = PlanElement.objects.get(plan=plan, code="P1")
    History = QuarterlyReport.history.model
    states = ["draft", "submitted", "returned", "submitted", "approved"]
    when = datetime.datetime(2024, 4, 1, tzinfo=datetime.UTC)
    for start in range(0, indicators, BATCH):
        with transaction.atomic():
            batch = Indicator.objects.bulk_create(
                Indicator(
                    plan=plan,
                    pillar=pillar,
                    code=f"B{n:06d}",
                    name_zh=f"基准指标{n}",
                    unit="项",
                    kind="count",
                    measure="flow",
                    comparison=">=",
                    target=Decimal(100),
                    order=100,  # after the plan's own; a smallint, so not n
                )
                for n in range(start, min(start + BATCH, indicators))
            )
            reports = QuarterlyReport.objects.bulk_create(
                QuarterlyReport(
                    indicator=indicator,
                    quarter=q,
                    value=Decimal(q * 7 + indicator.pk % 5),
                    state="approved",
                    progress=NARRATIVE.format(n=q),
                    problems="（基准）个别项目进度偏慢。",
                    next_steps="（基准）下季度加强调度。",
                    entered_by=user,
                )
                for indicator in batch
                for q in (1, 2, 3, 4)
            )
            History.objects.bulk_create(
                (
                    History(
                        id=r.pk,
                        indicator_id=r.indicator_id,
                        quarter=r.quarter,
                        value=r.value + step,
                        milestone_state="",
                        progress=NARRATIVE.format(n=step),
                        problems=r.problems,
                        next_steps=r.next_steps,
                        state=states[min(step, len(states) - 1)],
                        review_comment="请补充材料" if step == 2 else "",
                        version=step + 1,
                        entered_by_id=user.pk,
                        created_at=when,
                        updated_at=when + datetime.timedelta(days=step),
                        history_date=when + datetime.timedelta(days=step),
                        history_type="+" if step == 0 else "~",
                        history_user_id=user.pk,
                        history_change_reason="基准数据" if step == 0 else f"第{step}次修改",
                    )
                    for r in reports
                    for step in range(history_per_report)
                ),
                batch_size=BATCH,
            )
        done = min(start + BATCH, indicators)
        print(f"  {done:,} / {indicators:,} indicators", end="\r", flush=True)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    print(
        f"built {QuarterlyReport.objects.count():,} reports and "
        f"{History.objects.count():,} history rows in {time.perf_counter() - started:.0f} s"
    )


def measure(name, trace):
    """Read one export to the end; return its timings, size and memory."""
    import tracemalloc

    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from accounts.models import User

    client = Client()
    client.force_login(User.objects.get(username="bench"))
    _reset_peak_rss()
    rss_before = _status_kb("VmRSS")
    if trace:
        tracemalloc.start()
    size = rows = 0
    last_cr = False
    first_byte = first_row = None
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        cpu_started = time.process_time()
        response = client.get(URLS[name])
        for chunk in response.streaming_content:
            now = time.perf_counter() - started
            if first_byte is None:
                first_byte = now
            elif first_row is None:
                first_row = now
            size += len(chunk)
            # A chunk of a part read from its file may end between CR and LF.
            rows += chunk.count(b"\r\n") + (last_cr and chunk.startswith(b"\n"))
            last_cr = chunk.endswith(b"\r")
        total = time.perf_counter() - started
        cpu = time.process_time() - cpu_started
    result = {
        "export": name,
        "status": response.status_code,
        "first_byte_s": round(first_byte, 4),
        "first_row_s": round(first_row or total, 3),
        "total_s": round(total, 2),
        # the web process's own CPU time: on a shared machine the wall time also
        # counts the waits for a core (report the load average beside it)
        "cpu_s": round(cpu, 2),
        "load_average": round(os.getloadavg()[0], 1),
        "megabytes": round(size / 1e6, 1),
        "lines": rows - 1,
        "queries": len(queries),
        "rss_start_mb": round(rss_before / 1024, 1),
        "rss_peak_mb": round(_status_kb("VmHWM") / 1024, 1),
    }
    result["rss_growth_mb"] = round(result["rss_peak_mb"] - result["rss_start_mb"], 1)
    if trace:
        _current, peak = tracemalloc.get_traced_memory()
        result["tracemalloc_peak_mb"] = round(peak / 1e6, 1)
    return result


# PostgreSQL's own COPY of the rows each export reads, in the same order, as CSV: the
# floor the exports are shown beside (the goal is in seconds, not a ratio of it).
ANCHORS = {
    "reports": (
        "SELECT i.code, i.name_zh, i.name_en, i.unit, r.quarter, r.value, r.milestone_state, "
        "r.done_on, r.progress, r.problems, r.next_steps, r.state, r.review_comment, "
        "u.username, u.first_name, u.last_name, r.created_at, r.updated_at "
        "FROM targets_quarterlyreport r JOIN targets_indicator i ON i.id = r.indicator_id "
        "LEFT JOIN accounts_user u ON u.id = r.entered_by_id "
        'ORDER BY i."order", i.code, r.quarter'
    ),
    "history": (
        "SELECT h.history_date, u.username, u.first_name, u.last_name, i.code, i.name_zh, "
        "i.name_en, h.quarter, h.history_type, h.value, h.milestone_state, h.done_on, h.state, "
        "h.progress, h.problems, h.next_steps, h.review_comment, h.history_change_reason "
        "FROM targets_historicalquarterlyreport h "
        "LEFT JOIN targets_indicator i ON i.id = h.indicator_id "
        "LEFT JOIN accounts_user u ON u.id = h.history_user_id "
        "ORDER BY h.id, h.history_date, h.history_id"
    ),
}


def anchor(name):
    """Time PostgreSQL's COPY of the export's rows to the client (read and dropped)."""
    from django.db import connection

    connection.ensure_connection()
    size = 0
    started = time.perf_counter()
    with (
        connection.connection.cursor() as cursor,
        cursor.copy(f"COPY ({ANCHORS[name]}) TO STDOUT (FORMAT csv)") as copy,
    ):
        for row in copy:
            size += len(row)
    return {
        "anchor": f"COPY {name}",
        "total_s": round(time.perf_counter() - started, 2),
        "megabytes": round(size / 1e6, 1),
    }


def _status_kb(field):
    """A memory figure of this process from /proc/self/status (Linux), in kB.

    Not `ru_maxrss`: Linux carries it over from the parent through fork and exec,
    so a child would report the peak of the process that built the database.
    """
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise LookupError(field)


def _reset_peak_rss():
    """Reset VmHWM to the current RSS, so the peak is the export's own."""
    Path("/proc/self/clear_refs").write_text("5")


BENCH_URL = "postgres://postgres@127.0.0.1:5432/kpi_exports_bench"


def run_for_bench(database_url=BENCH_URL, indicators=25_000, history=1):
    """For bench/run.py: 100,000 reports and 100,000 history rows on PostgreSQL;
    each export beside PostgreSQL's own COPY of the rows it reads, in fresh processes."""
    ensure_database(database_url)
    command = [sys.executable, __file__, "--database-url", database_url]
    subprocess.run(
        [*command, "--indicators", str(indicators), "--history", str(history), "--build-only"],
        check=True,
    )
    results = []
    for name in URLS:
        anchor_run = subprocess.run(
            [*command, "--anchor", name], check=True, capture_output=True, text=True
        )
        measured = subprocess.run(
            [*command, "--measure", name], check=True, capture_output=True, text=True
        )
        result = json.loads(measured.stdout.strip().splitlines()[-1])
        result["anchor_s"] = json.loads(anchor_run.stdout.strip().splitlines()[-1])["total_s"]
        results.append(result)
    return results


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=DEFAULT_SQLITE)
    parser.add_argument("--indicators", type=int, default=25_000)
    parser.add_argument("--history", type=int, default=1, help="history rows per report")
    parser.add_argument("--rebuild", action="store_true")
    parser.add_argument("--no-trace", action="store_true", help="skip the tracemalloc runs")
    parser.add_argument("--measure", choices=sorted(URLS), help=argparse.SUPPRESS)
    parser.add_argument("--trace", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--anchor", choices=sorted(URLS), help=argparse.SUPPRESS)
    parser.add_argument("--build-only", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.measure:  # the child process: one export, one measurement
        setup_django(args.database_url)
        print(json.dumps(measure(args.measure, args.trace)))
        return
    if args.anchor:  # the child process: PostgreSQL's COPY of the same rows
        setup_django(args.database_url)
        print(json.dumps(anchor(args.anchor)))
        return

    ensure_database(args.database_url)
    setup_django(args.database_url)
    build(args.indicators, args.history, args.rebuild)
    if args.build_only:
        return
    from django.db import connection

    results = []
    for name in URLS:
        if connection.vendor == "postgresql":
            results.append(anchor(name))
            print(results[-1])
        for trace in (False,) if args.no_trace else (False, True):
            command = [sys.executable, __file__, "--database-url", args.database_url]
            command += ["--measure", name] + (["--trace"] if trace else [])
            output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
            results.append(json.loads(output.strip().splitlines()[-1]))
            print(results[-1])
    out = ROOT / "bench" / "results" / f"export-{connection.vendor}.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(results, indent=2))
    print(f"written to {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
