"""`make bench`: the speed goals of the project, measured in one run, in one table.

Run by hand, not by the test suite (timings are not tests). Needs the local
PostgreSQL server (127.0.0.1:5432) and, for the throughput, Debian's `wrk`:

    make bench                                   # everything (the first run builds the data)
    .venv/bin/python bench/run.py --only pages   # or: exports, throughput
    .venv/bin/python bench/run.py --rebuild      # build the databases again

What it does:

1. **Data.** One PostgreSQL database per size, `kpi_bench_<n>`: the real 2024 plan
   with the demo accounts and reports, grown with synthetic copies of its 29
   indicators (bench/data.py, seed 2024; labelled "（基准合成）") to 29, 1,015,
   4,988 and 19,981 indicators, each copy with four quarters of reports and their
   history. Built once, reused until `--rebuild`.
2. **Pages**, in-process with Django's test client and DEBUG off (the server's own
   time, no network): the plan dashboard, a pillar page and an indicator page as a
   leader, "my reports" as an administrator (every section), the meeting summary
   as CSV and XLSX; the median of `--rounds` requests after a warm-up, the queries
   each ran, and the login page timed the same way as the anchor. The dashboards and
   the summaries are kept per state of the data (targets/views/fragments.py), so each
   is timed twice: served again while nothing changed, and the first view after a
   change (nothing kept: the standings computed and the page drawn).
3. **Exports** beside PostgreSQL's own COPY of the same rows: reports.csv and
   history.csv of 100,000 reports and 500,000 history lines (bench/export_bench.py;
   first byte, total, CPU, memory).
4. **Throughput** under gunicorn (2 sync workers on loopback, each keeping its
   database connection; `KPI_BENCH_DB=pool` for psycopg's pool instead) with wrk: the
   plan dashboard of the real plan against a trivial view (a redirect) of the same
   server in the same run.

It prints one table: each figure, its anchor from the same run, the ratio, the goal
and whether it is met; the rows also go to bench/results/bench.json.
"""

import argparse
import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BASE_URL = "postgres://postgres@127.0.0.1:5432"
SIZES = (29, 1015, 4988, 19981)  # 29 × (1 + copies)
SEED = 2024
PAGES = {
    "plan dashboard": ("leader", "/plans/2024/?quarter=3"),
    "plan dashboard, first view after a change": ("leader", "/plans/2024/?quarter=3"),
    "pillar page": ("leader", "/plans/2024/pillars/P3/?quarter=3"),
    "pillar page, first view after a change": ("leader", "/plans/2024/pillars/P3/?quarter=3"),
    "indicator page": ("leader", "/plans/2024/indicators/P6-04/?quarter=3"),
    "my reports (admin, every section)": ("admin", "/reports/"),
    "summary CSV": ("leader", "/plans/2024/export/summary.csv?quarter=3"),
    "summary CSV, first after a change": ("leader", "/plans/2024/export/summary.csv?quarter=3"),
    "summary XLSX": ("leader", "/plans/2024/export/summary.xlsx?quarter=3"),
    "summary XLSX, first after a change": ("leader", "/plans/2024/export/summary.xlsx?quarter=3"),
}
ANCHOR_PAGE = ("anonymous", "/accounts/login/")
# The goals of issue 10, in milliseconds of server time.
PAGE_GOALS = {
    ("plan dashboard", 19981): 100,
    ("pillar page", 19981): 100,
    ("indicator page", 19981): 100,
    ("summary CSV", 1015): 300,
    ("summary XLSX", 1015): 1000,
}


def setup_django(database_url):
    sys.path.insert(0, str(ROOT))
    os.environ["DATABASE_URL"] = database_url
    # Production settings (DEBUG off) with test-only secrets and plain static files.
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kpitracker.test_settings")
    import django

    django.setup()


# Another checkout benchmarking at the same time names its own (KPI_BENCH_PREFIX).
PREFIX = os.environ.get("KPI_BENCH_PREFIX", "kpi_bench")


def database_url(size):
    return f"{BASE_URL}/{PREFIX}_{size}"


# -- 1. Data ------------------------------------------------------------------------


def build(size, rebuild):
    """Create (or reuse) the database of `size` indicators; runs in a child process."""
    from io import StringIO

    from django.core.management import call_command
    from django.test import override_settings

    sys.path.insert(0, str(ROOT / "bench"))
    import data

    from accounts.models import User
    from targets.demo import setup_demo
    from targets.models import Indicator, Plan

    if rebuild:
        call_command("flush", interactive=False, verbosity=0)
    call_command("migrate", verbosity=0, stdout=StringIO())
    if Plan.objects.filter(year=2024).exists():
        return Indicator.objects.filter(plan__year=2024).count()
    call_command("load_plan", "2024", verbosity=0, stdout=StringIO())
    with override_settings(DEBUG=True):
        setup_demo()
    plan = Plan.objects.get(year=2024)
    copies = size // 29 - 1
    if copies:
        data.grow(plan, copies, SEED, author=User.objects.get(username="admin"))
    data.finish()
    return Indicator.objects.filter(plan__year=2024).count()


def ensure_database(url):
    import psycopg

    base, name = url.rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def drop_database(url):
    import psycopg

    base, name = url.rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


# -- 2. Pages -------------------------------------------------------------------------


def measure_pages(rounds):
    """Time every page and the anchor in this process; runs in a child process."""
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, setup_test_environment

    from accounts.models import User
    from targets.models import Indicator
    from targets.views import fragments

    setup_test_environment()
    clients = {"anonymous": Client()}
    for username in ("leader", "admin"):
        clients[username] = Client()
        clients[username].force_login(User.objects.get(username=username))
    results = {"indicators": Indicator.objects.filter(plan__year=2024).count()}
    for name, (who, url) in {**PAGES, "anchor: login page": ANCHOR_PAGE}.items():
        client = clients[who]
        response = client.get(url)  # warm-up
        assert response.status_code == 200, (url, response.status_code)
        timings = []
        for _ in range(rounds):
            if "after a change" in name:
                # What any change of the data does (a new version): nothing kept applies.
                cache.clear()
                fragments.forget()
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                response = client.get(url)
                body = b"".join(response) if not response.streaming else b""
                timings.append((time.perf_counter() - started) * 1000)
        results[name] = {
            "median_ms": round(statistics.median(timings), 1),
            "queries": len(queries),
            "kilobytes": round(len(body) / 1024, 1),
        }
    return results


def session_cookie(username):
    """A signed-in session of `username`, for wrk (child process)."""
    from django.test import Client

    from accounts.models import User

    client = Client()
    client.force_login(User.objects.get(username=username))
    return client.cookies["sessionid"].value


# -- 4. Throughput ----------------------------------------------------------------------


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# How the throughput's gunicorn reaches PostgreSQL: not a new connection (a new server
# process) for every request. KPI_BENCH_DB=pool uses psycopg's pool (DB_POOL=1, as
# docs/deploy.md sets it for gthread workers); the default keeps one connection per sync
# worker (DB_CONN_MAX_AGE), Django's own way for sync workers.
SERVER_ENV = (
    {"DB_POOL": "1"} if os.environ.get("KPI_BENCH_DB") == "pool" else {"DB_CONN_MAX_AGE": "600"}
)


def throughput(size, seconds):
    """Requests per second of the plan dashboard and of a trivial view (a redirect) on
    one gunicorn (2 sync workers), measured by wrk on loopback in the same run."""
    if not shutil.which("wrk"):
        raise SystemExit("wrk is missing: apt-get install -y wrk")
    url = database_url(size)
    cookie = child("--session", "leader", url=url)["cookie"]
    port = free_port()
    server = start_gunicorn(url, port, env=SERVER_ENV)
    try:
        base = f"http://127.0.0.1:{port}"
        rates = {}
        for name, path, headers in (
            ("trivial view (redirect)", "/favicon.ico", []),
            ("plan dashboard", "/plans/2024/?quarter=3", ["-H", f"Cookie: sessionid={cookie}"]),
        ):
            subprocess.run(
                ["wrk", "-t2", "-c4", "-d2s", *headers, base + path],
                check=True,
                capture_output=True,
            )  # warm-up
            out = subprocess.run(
                ["wrk", "-t2", "-c4", f"-d{seconds}s", "--latency", *headers, base + path],
                check=True,
                capture_output=True,
                text=True,
            ).stdout
            rates[name] = {
                "requests_per_s": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
                "non_2xx_3xx": int(m.group(1))
                if (m := re.search(r"Non-2xx or 3xx responses: (\d+)", out))
                else 0,
                "p50": re.search(r"^\s*50%\s+(\S+)", out, re.M).group(1),
            }
        return rates
    finally:
        stop_gunicorn(server)


def start_gunicorn(url, port, *, workers=2, env=None, **popen):
    """gunicorn (`workers` sync workers) serving the database at `url` on 127.0.0.1:`port`
    with the test settings (DEBUG off, test-only secrets) or those `env` names; returns
    the process once the port answers. Stop it with `stop_gunicorn`."""
    server = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "kpitracker.wsgi",
            f"--workers={workers}",
            "--worker-class=sync",
            f"--bind=127.0.0.1:{port}",
            "--log-level=warning",
        ],
        cwd=ROOT,
        env={
            **os.environ,
            "DATABASE_URL": url,
            "DJANGO_SETTINGS_MODULE": "kpitracker.test_settings",
            "PYTHONPATH": str(ROOT),
            **(env or {}),
        },
        **popen,
    )
    try:
        _wait_for(port)
    except BaseException:
        stop_gunicorn(server)
        raise
    return server


def stop_gunicorn(server):
    """Stop one gunicorn started here (its master ends its workers), by its own id."""
    if server.poll() is None:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)


def _wait_for(port, timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"gunicorn did not start on port {port}")


# -- 5. The documented deployment (bench/deployment.py) -----------------------------------

DEPLOYMENT_GOALS = {
    1015: 150,  # ms, first screen after a change
    4988: 300,
    19981: 1000,
}


def _ms(values):
    return f"{statistics.median(values):.0f} ms ({min(values):.0f}-{max(values):.0f})"


class _SizesOnly(Exception):
    pass


def deployment_bench(root, sizes, rounds, seconds, rush_seconds, sizes_only=False):
    """The notes' gunicorn and environment file (of the tree `root`) on loopback:
    throughput against a signed-in trivial view, the rush, and per plan size the first
    screen after a change and the workers' memory. Returns the table's rows."""
    sys.path.insert(0, str(ROOT / "bench"))
    import deployment as d

    rows, raw = [], {}
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    url = database_url(29)
    server, env, args = d.start(root, url, port)
    if sizes_only:
        d.stop(server)
    described = " ".join(f"{k}={v}" for k, v in env.items() if k.startswith(("DB_", "CACHE")))
    print(f"deployment: gunicorn {' '.join(args)}; {described or 'no pool, no cache server'}")
    try:
        if sizes_only:
            raise _SizesOnly
        leader = d.login(base, "leader")
        staff = [d.login(base, "admin") for _ in range(30)]
        targets = {
            "signed-in trivial view": ("/bench/trivial/", leader),
            "first screen (plan dashboard, kept)": ("/plans/2024/?quarter=3", leader),
            "indicator page": ("/plans/2024/indicators/P6-04/?quarter=3", leader),
        }
        runs = d.interleaved(base, targets, rounds, seconds)
        raw["throughput"] = runs
        trivial = [r["rate"] for r in runs["signed-in trivial view"]]
        for name, goal in (
            ("signed-in trivial view", None),
            ("first screen (plan dashboard, kept)", 0.25),
            ("indicator page", 0.15),
        ):
            rates = [r["rate"] for r in runs[name]]
            shares = [r / t for r, t in zip(rates, trivial, strict=True)]
            p50 = [r["p50"] for r in runs[name]]
            rows.append(
                (
                    f"{name}, req/s (p50 {_ms(p50)})",
                    "29",
                    f"{statistics.median(rates):.0f} ({min(rates):.0f}-{max(rates):.0f})",
                    f"{statistics.median(trivial):.0f} req/s trivial",
                    f"{statistics.median(shares):.1%} ({min(shares):.1%}-{max(shares):.1%})"
                    if goal
                    else "",
                    f">= {goal:.0%}" if goal else "",
                    ("yes" if statistics.median(shares) >= goal else "NO") if goal else "",
                )
            )
        print(table(rows), flush=True)
        reports = d.savable_reports(base, staff[0])
        leaders, latencies, saved, refused = d.rush(
            base,
            staff,
            leader,
            reports,
            rush_seconds,
            {
                "first screen": "/plans/2024/?quarter=3",
                "indicator page": "/plans/2024/indicators/P6-04/?quarter=3",
            },
        )
        once, wrong = d.stored_once(url, [reason for reason, _ in saved])
        raw["rush"] = {"leaders": leaders, "saves": len(saved), "refused": refused}
        for route, figures in leaders.items():
            figures = [f for f in figures if f["requests"]] or figures
            p95 = [f["p95"] for f in figures]
            rows.append(
                (
                    f"rush, leaders' {route}: p50 {_ms([f['p50'] for f in figures])}, "
                    f"p99 {_ms([f['p99'] for f in figures])}",
                    "29",
                    f"p95 {_ms(p95)}",
                    "10 leaders, 30 staff",
                    "",
                    "p95 <= 50 ms" if route == "first screen" else "",
                    ("yes" if statistics.median(p95) <= 50 else "NO")
                    if route == "first screen"
                    else "",
                )
            )
        latencies.sort()
        pct = {
            q: latencies[min(len(latencies) - 1, int(len(latencies) * q / 100))]
            for q in (50, 95, 99)
        }
        rows.append(
            (
                f"rush, staff saves (form + POST): p50 {pct[50]:.0f} ms, p95 {pct[95]:.0f} ms, "
                f"p99 {pct[99]:.0f} ms",
                "29",
                f"{len(saved)} saved, {len(refused)} refused",
                f"{once} stored exactly once",
                "",
                "each save stored once",
                "yes" if once == len(saved) and not wrong else f"NO {wrong}",
            )
        )
        print(table(rows), flush=True)
    except _SizesOnly:
        pass
    finally:
        d.stop(server)
    for size in sizes:
        url = database_url(size)
        server, _env, _args = d.start(root, url, port)
        try:
            admin, leader = d.login(base, "admin"), d.login(base, "leader")
            report = d.savable_reports(base, admin, wanted=1)[0]
            path = "/plans/2024/?quarter=3"
            d.Browser(base, leader).request(path)  # every worker's standings, once
            d.wrk(base + path, leader, 3)
            results = d.first_screen_after_change(base, admin, leader, report, path, rounds)
            rss = d.worker_rss_mb(server)
        finally:
            d.stop(server)
        raw[f"after-change-{size}"] = {"results": results, "rss_mb": rss}
        firsts = [first for first, _, _ in results]
        agains = [again for _, again, _ in results]
        saves = [saving for _, _, saving in results]
        goal = DEPLOYMENT_GOALS.get(size)
        rows.append(
            (
                f"first screen after a change (then {_ms(agains)} again; the save {_ms(saves)})",
                f"{size:,}",
                _ms(firsts),
                "",
                "",
                f"<= {goal} ms" if goal else "",
                ("yes" if statistics.median(firsts) <= goal else "NO") if goal else "",
            )
        )
        rows.append(
            (
                "memory per worker (RSS)",
                f"{size:,}",
                ", ".join(f"{m} MB" for m in rss),
                "",
                "",
                "<= 250 MB" if size >= 19981 else "",
                ("yes" if max(rss) <= 250 else "NO") if size >= 19981 else "",
            )
        )
        print(table(rows), flush=True)
    return rows, raw


# -- The run ------------------------------------------------------------------------


def child(*args, url):
    """Run this script in a child process against `url` and return its JSON."""
    command = [sys.executable, __file__, "--child", "--url", url, *args]
    output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    return json.loads(output.strip().splitlines()[-1])


def run_child(args):
    setup_django(args.url)
    if args.build:
        print(json.dumps({"indicators": build(args.build, args.rebuild)}))
    elif args.session:
        print(json.dumps({"cookie": session_cookie(args.session)}))
    else:
        print(json.dumps(measure_pages(args.rounds)))


def table(rows):
    headers = ("measure", "size", "figure", "anchor", "ratio", "goal", "met")
    widths = [max(len(str(r[i])) for r in (headers, *rows)) for i in range(len(headers))]
    lines = [" | ".join(str(h).ljust(w) for h, w in zip(headers, widths, strict=True))]
    lines.append("-|-".join("-" * w for w in widths))
    lines += [" | ".join(str(c).ljust(w) for c, w in zip(r, widths, strict=True)) for r in rows]
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", choices=("deployment", "pages", "exports", "throughput"))
    parser.add_argument(
        "--root", default=str(ROOT), help="the tree whose code and docs/deploy.md to serve"
    )
    parser.add_argument("--rush-seconds", type=int, default=30)
    parser.add_argument(
        "--sizes-only", action="store_true", help="only the first screen after a change"
    )
    parser.add_argument("--sizes", default=",".join(map(str, SIZES)))
    parser.add_argument("--rounds", type=int, default=3, help="rounds (15 for --only pages)")
    parser.add_argument("--seconds", type=int, default=5, help="wrk duration of each run")
    parser.add_argument("--rebuild", action="store_true")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    parser.add_argument("--build", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--session", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        return run_child(args)

    sizes = [int(s) for s in args.sizes.split(",")]
    rows, raw = [], {}
    if args.only in (None, "deployment", "pages", "throughput"):
        for size in sorted({29, *sizes}) if args.only != "throughput" else [29]:
            url = database_url(size)
            if args.rebuild:
                drop_database(url)
            ensure_database(url)
            started = time.perf_counter()
            built = child("--build", str(size), url=url)
            print(
                f"database of {built['indicators']:,} indicators ready "
                f"({time.perf_counter() - started:.0f} s)",
                flush=True,
            )
    if args.only in (None, "deployment"):
        found, raw_deployment = deployment_bench(
            args.root,
            [s for s in sizes if s != 29],
            args.rounds,
            args.seconds,
            args.rush_seconds,
            args.sizes_only,
        )
        rows += found
        raw.update(raw_deployment)
    if args.only == "pages":
        for size in sizes:
            result = child("--rounds", str(args.rounds), url=database_url(size))
            raw[f"pages-{size}"] = result
            anchor = result["anchor: login page"]["median_ms"]
            for name in PAGES:
                figure = result[name]["median_ms"]
                goal = PAGE_GOALS.get((name, size))
                rows.append(
                    (
                        f"{name} ({result[name]['queries']} queries)",
                        f"{result['indicators']:,}",
                        f"{figure} ms",
                        f"{anchor} ms login page",
                        f"{figure / anchor:.1f}x",
                        f"< {goal} ms" if goal else "",
                        ("yes" if figure < goal else "NO") if goal else "",
                    )
                )
            print(table(rows), flush=True)
    if args.only == "throughput":
        rates = throughput(29, args.seconds)
        raw["throughput"] = rates
        trivial = rates["trivial view (redirect)"]["requests_per_s"]
        plan = rates["plan dashboard"]["requests_per_s"]
        share = plan / trivial
        rows.append(
            (
                f"plan dashboard under gunicorn, p50 {rates['plan dashboard']['p50']}",
                "29",
                f"{plan:.0f} req/s",
                f"{trivial:.0f} req/s trivial view",
                f"{share:.1%}",
                ">= 10%",
                "yes" if share >= 0.10 else "NO",
            )
        )
    if args.only == "exports":
        sys.path.insert(0, str(ROOT / "bench"))
        import export_bench

        for result in export_bench.run_for_bench():
            raw[f"export-{result['export']}"] = result
            rows.append(
                (
                    f"{result['export']}.csv, 1st byte {result['first_byte_s']} s, "
                    f"+{result['rss_growth_mb']} MB",
                    f"{result['lines']:,} lines",
                    f"{result['total_s']} s",
                    f"{result['anchor_s']} s COPY",
                    f"{result['total_s'] / result['anchor_s']:.1f}x",
                    "<= 2x, < 50 MB, < 0.5 s",
                    "yes"
                    if result["total_s"] <= 2 * result["anchor_s"]
                    and result["rss_growth_mb"] < 50
                    and result["first_byte_s"] < 0.5
                    else "NO",
                )
            )
    print()
    print(table(rows))
    out = ROOT / "bench" / "results" / "bench.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps({"rows": rows, "raw": raw}, indent=2, ensure_ascii=False))
    print(f"\nwritten to {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
