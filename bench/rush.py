"""The rush alone, to compare trees in pairs: the documented deployment of `--root`
(bench/deployment.py) on the real plan's bench database, ten leaders reloading the
first screen about once a second with no save, then while 30 staff save (about 1.7
saves a second). Prints each wrk run's p50/p95/p99 and the saves' latencies.

    KPI_BENCH_PREFIX=kpi_bench bench/rush.py --root ../other-tree --seconds 20

The database must exist (`make bench` builds it); `make bench` runs the same rush
within its table, alternating the first screen with the indicator page.
"""

import argparse
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

import deployment as d  # noqa: E402  (after the path: bench/ is not a package)
import run  # noqa: E402

FIRST_SCREEN = "/plans/2024/?quarter=3"


def _line(label, figures):
    return (
        f"{label}: p50 {figures['p50']:.0f} p95 {figures['p95']:.0f} "
        f"p99 {figures['p99']:.0f} ms, {figures['requests']} requests"
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--root", default=str(BENCH.parent), help="the tree to serve")
    parser.add_argument("--seconds", type=int, default=20, help="the rush's length")
    args = parser.parse_args()
    port = run.free_port()
    base = f"http://127.0.0.1:{port}"
    server, _env, _args = d.start(args.root, run.database_url(29), port)
    try:
        leader = d.login(base, "leader")
        staff = [d.login(base, "admin") for _ in range(30)]
        d.wrk(base + FIRST_SCREEN, leader, 2, connections=4)  # every page kept once
        for _ in range(2):
            quiet = d.wrk(base + FIRST_SCREEN, leader, 8, connections=10, pause_ms=1000)
            print(_line("no save, first screen", quiet), flush=True)
        reports = d.savable_reports(base, staff[0])
        leaders, latencies, saved, _refused = d.rush(
            base, staff, leader, reports, args.seconds, {"first screen": FIRST_SCREEN}
        )
        for figures in leaders["first screen"]:
            print(_line("rush, first screen", figures))
        latencies.sort()
        p50, p95 = latencies[len(latencies) // 2], latencies[int(len(latencies) * 0.95)]
        print(f"rush, saves (form + POST): p50 {p50:.0f} p95 {p95:.0f} ms, {len(saved)} saved")
    finally:
        d.stop(server)


if __name__ == "__main__":
    main()
