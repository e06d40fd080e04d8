"""Benchmark of the meeting briefing (Word, PDF) and workbook: the real plan, then 1,000
indicators.

Run by hand (not part of the test suite):

    .venv/bin/python bench/briefing.py             # SQLite in a temporary file
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kpi_bench .venv/bin/python bench/briefing.py

It builds a throwaway database with the 2024 plan and the demo data and times each
download in-process with Django's test client (no network: Django, the database,
the charts and the document writers), the whole plan as of Q3 in Chinese: the
first request of the process (which pays for importing matplotlib and
WeasyPrint) and the median of the next `ROUNDS`, in wall-clock time and in CPU
time of this process (the same on an idle machine; on a busy one the CPU time
says what the code costs). Then it grows the plan to about
1,000 indicators (35 copies of each of the 29, each with Q1–Q3 reports and a
narrative, as tests/growth.py grows it) and times again. It prints the size and
page count of each file (pages with poppler's pdfinfo).

Measured on this project's 2-core machine (Python 3.13, Django 6.1.3, SQLite), the
whole plan as of Q3 in Chinese, shared with other jobs (load 3-4), wall-clock / CPU
seconds of a request after the first:

| download | 2024 plan (29) | 1,015 indicators | PDF pages |
|---|---|---|---|
| briefing.docx | 0.8 / 0.8 | 7.9-8.6 / 8.5 | |
| briefing.pdf | 1.6 / 1.6 | 12.6-16.4 / 12.8 | 8 / 152 |
| summary.xlsx | 0.09 / 0.08 | 3.0 / 1.9 | |

The first request of a process adds the imports: 1.6 s for the plan's first Word
file, 3.0 s for its first PDF (the web server imports them as it starts:
kpitracker/wsgi.py). Past 200 indicators the briefing's appendix gives way to a
pointer to the workbook; with the whole 1,015-row appendix forced, the PDF took
20.5 s CPU (22.9 s wall).
"""

import os
import statistics
import subprocess
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

URLS = [
    "/plans/2024/export/briefing.docx?quarter=3",
    "/plans/2024/export/briefing.pdf?quarter=3",
    "/plans/2024/export/summary.xlsx?quarter=3",
]
ROUNDS = 5
GROWN_ROUNDS = 2
COPIES = 34  # 29 × (1 + 34) = 1,015 indicators
NARRATIVE = {
    "progress": (
        "（基准）本季度组织召开专题调度会，协调解决项目推进中的困难和问题，各项工作按计划有序推进。"
    ),
    "problems": "（基准）部分项目前期手续办理周期较长，资金到位进度偏慢。",
    "next_steps": "（基准）下季度逐项销号推进，加强跟踪调度，确保完成年度任务。",
}


def pages(content, suffix):
    if suffix != "pdf":
        return ""
    with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
        handle.write(content)
        handle.flush()
        info = subprocess.run(["pdfinfo", handle.name], capture_output=True, text=True).stdout
    return next((line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")), "")


def measure(client, label, rounds):
    print(f"\n{label}")
    print(
        f"{'download':44} {'queries':>7} {'first s':>8} {'next s':>7} {'next cpu':>8} "
        f"{'size KB':>8} {'pages':>5}"
    )
    for url in URLS:
        wall, cpu = [], []
        for _ in range(rounds + 1):
            with CaptureQueriesContext(connection) as queries:
                start, start_cpu = time.perf_counter(), time.process_time()
                response = client.get(url)
                wall.append(time.perf_counter() - start)
                cpu.append(time.process_time() - start_cpu)
            assert response.status_code == 200, (url, response.status_code)
        suffix = url.split("?")[0].rsplit(".", 1)[-1]
        print(
            f"{url:44} {len(queries):7} {wall[0]:8.2f} {statistics.median(wall[1:]):7.2f} "
            f"{statistics.median(cpu[1:]):8.2f} {len(response.content) // 1024:8} "
            f"{pages(response.content, suffix):>5}"
        )


def main():
    setup_test_environment()
    settings.ALLOWED_HOSTS = ["testserver"]
    call_command("migrate", verbosity=0)
    call_command("load_plan", "2024", verbosity=0)
    call_command("setup_demo", verbosity=0)
    client = Client()
    client.login(username="leader", password="kpi-demo-2024")
    print(f"database: {connection.vendor}; the first request, then the median of the next")
    measure(client, "the real plan (29 indicators, 79 reports)", ROUNDS)

    from targets.models import Indicator, Plan, QuarterlyReport
    from tests.growth import grow_plan  # the same growth the query-count tests use

    grow_plan(Plan.objects.get(year=2024), COPIES)
    # Narratives as staff write them, so the text and tables have their real length.
    QuarterlyReport.objects.filter(indicator__code__startswith="X").update(**NARRATIVE)
    measure(
        client,
        f"grown plan ({Indicator.objects.count()} indicators, "
        f"{QuarterlyReport.objects.count()} reports)",
        GROWN_ROUNDS,
    )


if __name__ == "__main__":
    main()
