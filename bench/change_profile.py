"""The first screen after a change, in one process: CPU time, the costliest functions
and the process's memory. Run by hand, never by the test suite:

    .venv/bin/python bench/change_profile.py 19981            # a database of bench/run.py
    .venv/bin/python bench/change_profile.py 1015 --root DIR  # another tree's code

Wall-clock timings on a shared machine measure the machine; the CPU time of this
process (`time.process_time`) and the number of function calls do not move with the
load, so two trees can be compared on a busy machine. It uses the database
`bench/run.py` builds (`kpi_bench_<size>`, or KPI_BENCH_PREFIX's), draws the plan's
first screen once (the whole plan computed, as a worker's first drawing), then saves
`--changes` reports (its progress text changed, in a transaction) and
draws the first screen after each: the CPU time of each drawing, its median, the
cProfile of the last one (by cumulative time, the site's own functions and
django-tables2) and the resident memory. The body of the last drawing is written to
`--body` to compare two trees byte for byte.
"""

import argparse
import cProfile
import io
import os
import pstats
import statistics
import sys
import time
from pathlib import Path

PATH = "/plans/2024/?quarter=3"


def rss_mb():
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS"):
                return int(line.split()[1]) // 1024
    return None


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("size", type=int, help="indicators of the bench database")
    parser.add_argument("--root", default=str(Path(__file__).resolve().parent.parent))
    parser.add_argument("--changes", type=int, default=8)
    parser.add_argument("--body", help="write the last drawing's HTML here")
    args = parser.parse_args()

    prefix = os.environ.get("KPI_BENCH_PREFIX", "kpi_bench")
    os.environ["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:5432/{prefix}_{args.size}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kpitracker.test_settings")
    sys.dont_write_bytecode = True  # --root may be a tree that is not ours to write in
    sys.path.insert(0, args.root)
    import django

    django.setup()
    from django.db import transaction
    from django.test import Client

    from accounts.models import User
    from targets.models import QuarterlyReport

    client = Client()
    client.force_login(User.objects.get(username="leader"))
    print(f"{args.root}, {args.size:,} indicators; RSS at start {rss_mb()} MB")
    started = time.process_time()
    assert client.get(PATH).status_code == 200
    print(f"first drawing (whole plan): {1000 * (time.process_time() - started):.0f} ms CPU")
    print(f"RSS after it {rss_mb()} MB")
    report = (
        QuarterlyReport.objects.filter(indicator__plan__year=2024, quarter=3)
        .exclude(state=QuarterlyReport.State.APPROVED)
        .order_by("pk")
        .first()
    )
    cpu, profile, response = [], None, None
    for n in range(args.changes):
        with transaction.atomic():
            report.progress = f"change profile {n}"
            report.save()
        last = n == args.changes - 1
        profile = cProfile.Profile() if last else None
        started = time.process_time()
        if profile:
            profile.enable()
        response = client.get(PATH)
        if profile:
            profile.disable()
        if not last:
            cpu.append(1000 * (time.process_time() - started))
        assert response.status_code == 200
    print(
        "first screen after a change, ms CPU: "
        + ", ".join(f"{ms:.0f}" for ms in cpu)
        + f"; median {statistics.median(cpu):.0f}"
    )
    out = io.StringIO()
    stats = pstats.Stats(profile, stream=out)
    print(f"profiled drawing: {stats.total_calls:,} function calls")
    stats.sort_stats("cumulative").print_stats("targets|django_tables2", 30)
    print(out.getvalue())
    print(f"RSS at the end {rss_mb()} MB")
    if args.body:
        Path(args.body).write_bytes(response.content)


if __name__ == "__main__":
    main()
