"""The documented deployment, measured: docs/deploy.md's own environment file and
gunicorn command, on loopback, with the anchor a signed-in trivial view.

- `notes(root)` reads the environment file (section 3) and the gunicorn command
  (section 5) out of docs/deploy.md, so the bench cannot drift from the notes. Only
  what names the site is replaced (key, host, database, the port) and the Redis
  database is this run's own; nginx's `X-Forwarded-Proto: https` is sent with every
  request, as nginx would.
- The server is started from `bench/anchor.py`: the site's own WSGI application with
  one more URL, a signed-in trivial view behind the same middleware, so the anchor
  pays the same session and user lookups as the pages.
- Throughput: wrk, each target in turn within a round, over several rounds
  (interleaved, so a slow minute of the shared machine hits every target alike).
- The rush: staff threads saving reports while wrk plays leaders reloading; every
  save answered "saved" must be in the history exactly once.
- After a change: a report saved, then the first screen timed once, then again
  (served from the shared cache by whichever worker answers).
"""

import os
import re
import shlex
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
import uuid
from http.cookiejar import CookieJar
from pathlib import Path

BENCH = Path(__file__).resolve().parent
SITE = {
    "SECRET_KEY": "bench-only-secret-key-" + "x" * 40,
    "ALLOWED_HOSTS": "127.0.0.1",
    "CSRF_TRUSTED_ORIGINS": "https://127.0.0.1",
    "MAIL_HOST": "127.0.0.1",
}
HEADERS = {"X-Forwarded-Proto": "https"}  # what nginx adds (BEHIND_PROXY=1)
REDIS_BENCH_DB = "redis://127.0.0.1:6379/14"


def notes(root):
    """(environment, gunicorn arguments) as docs/deploy.md of `root` writes them."""
    text = (Path(root) / "docs" / "deploy.md").read_text()
    section = text[text.index("## 3. Environment") :]
    block = section[section.index("```sh\n") + 6 :]
    block = block[: block.index("```")]
    env = {}
    for line in block.splitlines():
        if "=" in line and not line.startswith("#"):
            name, value = line.split("=", 1)
            env[name.strip()] = value.split("#")[0].strip()
    unit = text[text.index("ExecStart=") + len("ExecStart=") :]
    unit = unit[: unit.index("\n\n") if "\n\n" in unit else None]
    command = unit.split("Restart=")[0].replace("\\\n", " ")
    args = shlex.split(command)[1:]  # without the gunicorn path
    return env, args


def start(root, database_url, port, *, extra_env=None):
    """gunicorn as the notes start it, serving `database_url` on 127.0.0.1:`port`."""
    env, args = notes(root)
    env.update(SITE, DATABASE_URL=database_url)
    if "CACHE_URL" in env:
        env["CACHE_URL"] = REDIS_BENCH_DB
    env.update(extra_env or {})
    args = [a for a in args if not a.startswith("kpitracker.wsgi")]
    args = _replace_bind(args, f"127.0.0.1:{port}")
    run_env = {
        "PATH": os.environ["PATH"],
        "HOME": os.environ.get("HOME", "/tmp"),
        **env,
        "PYTHONPATH": f"{root}:{BENCH}",
    }
    python = sys.executable
    subprocess.run(
        [python, str(BENCH / "anchor.py"), "collectstatic"],
        cwd=root,
        env=run_env,
        check=True,
        capture_output=True,
    )
    subprocess.run(
        [python, str(BENCH / "anchor.py"), "passwords"],
        cwd=root,
        env=run_env,
        check=True,
        capture_output=True,
    )
    gunicorn = str(Path(python).parent / "gunicorn")
    server = subprocess.Popen(
        # Its own control socket off: other gunicorns on the machine use the default path.
        [gunicorn, "anchor:application", *args, "--no-control-socket"],
        cwd=root,
        env=run_env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        _wait(port, server)
    except BaseException:
        stop(server)
        raise
    return server, env, args


def _replace_bind(args, bind):
    out, skip = [], False
    for a in args:
        if skip:
            skip = False
            out.append(bind)
            continue
        if a == "--bind":
            out.append(a)
            skip = True
        elif a.startswith("--bind="):
            out.append(f"--bind={bind}")
        else:
            out.append(a)
    return out


def _wait(port, server, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit("gunicorn ended at start")
        try:
            request = urllib.request.Request(
                f"http://127.0.0.1:{port}/accounts/login/", headers=HEADERS
            )
            urllib.request.urlopen(request, timeout=2)
            return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"gunicorn did not answer on port {port}")


def stop(server):
    """Stop the gunicorn started here, by its own id (its master ends its workers); if
    a worker still draws after the graceful time, its own process group is killed."""
    if server.poll() is None:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=45)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)  # the group start() made for it
            server.wait(timeout=10)


def worker_rss_mb(server):
    """Resident memory of each worker of `server`, in MB (from /proc)."""
    sizes = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            if int(fields[1]) != server.pid:
                continue
            status = (stat.parent / "status").read_text()
        except OSError:
            continue
        rss = int(re.search(r"VmRSS:\s+(\d+)", status).group(1))
        sizes.append(round(rss / 1024))
    return sorted(sizes)


# -- wrk ---------------------------------------------------------------------------

# Each connection waits about `pause` before each request, its first included: drawn
# between half and one and a half times it, so ten leaders reloading "once a second"
# come as people do, at their own moments, not all in the same millisecond at every
# start of wrk (which set the p95 of a 5 s run of 50 requests by itself).
LUA = """
pause = tonumber(os.getenv("KPI_BENCH_PAUSE_MS") or "0")
init = function(args)
  math.randomseed(os.time() + tonumber(tostring({}):match("0x(%x+)") or "0", 16) % 100000)
end
delay = function()
  if pause == 0 then
    return 0
  end
  return math.floor(pause * (0.5 + math.random()))
end
done = function(summary, latency, requests)
  io.write(string.format("P %d %d %d %d %d\\n", latency:percentile(50),
    latency:percentile(95), latency:percentile(99), summary.requests,
    summary.errors.status))
end
"""


def wrk(url, cookie, seconds, connections=4, pause_ms=0):
    """Requests per second and p50/p95/p99 (ms) of `url` with wrk; each connection
    waits `pause_ms` between its requests (0: as fast as the server answers)."""
    script = Path(tempfile.gettempdir()) / "kpi-bench-percentiles.lua"
    script.write_text(LUA)
    headers = ["-H", "X-Forwarded-Proto: https"]
    if cookie:
        headers += ["-H", f"Cookie: sessionid={cookie}"]
    out = subprocess.run(
        [
            "wrk",
            "-t2",
            f"-c{connections}",
            f"-d{seconds}s",
            "--timeout=30s",
            "-s",
            str(script),
            *headers,
            url,
        ],
        check=True,
        capture_output=True,
        text=True,
        env={**os.environ, "KPI_BENCH_PAUSE_MS": str(pause_ms)},
    ).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p50, p95, p99, count, _errors = map(int, re.search(r"^P (.*)$", out, re.M).group(1).split())
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    timeouts = re.search(r"timeout (\d+)", out)
    return {
        "timeouts": int(timeouts.group(1)) if timeouts else 0,
        "rate": rate,
        "p50": p50 / 1000,
        "p95": p95 / 1000,
        "p99": p99 / 1000,
        "requests": count,
        "non_2xx_3xx": int(non2xx.group(1)) if non2xx else 0,
    }


def interleaved(base, targets, rounds, seconds, connections=4):
    """Each target of `targets` ({name: (path, cookie)}) in turn, `rounds` times."""
    runs = {name: [] for name in targets}
    for path, cookie in targets.values():  # warm-up: draw and keep every page
        wrk(base + path, cookie, 1, connections)
    for _ in range(rounds):
        for name, (path, cookie) in targets.items():
            runs[name].append(wrk(base + path, cookie, seconds, connections))
    return runs


def summary(values):
    return {"median": statistics.median(values), "low": min(values), "high": max(values)}


# -- An HTTP client that signs in as a browser does ---------------------------------------


class Browser:
    def __init__(self, base, session):
        self.base = base
        self.jar = CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))
        self.session = session

    def request(self, path, data=None):
        headers = {**HEADERS, "Cookie": f"sessionid={self.session}"}
        csrf = next((c.value for c in self.jar if c.name == "csrftoken"), None)
        if csrf:
            headers["Cookie"] += f"; csrftoken={csrf}"
        body = None
        if data is not None:
            body = urllib.parse.urlencode(data).encode()
            headers["Referer"] = "https://127.0.0.1" + path
            headers["Origin"] = "https://127.0.0.1"
        request = urllib.request.Request(self.base + path, data=body, headers=headers)
        opener = urllib.request.build_opener(
            _NoRedirect, urllib.request.HTTPCookieProcessor(self.jar)
        )
        try:
            with opener.open(request, timeout=60) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode(errors="replace")


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


FIELD = re.compile(r'<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"', re.S)
TEXTAREA = re.compile(r'<textarea[^>]*name="([^"]+)"[^>]*>(.*?)</textarea>', re.S)


def form_fields(html):
    import html as html_lib

    fields = {name: html_lib.unescape(value) for name, value in FIELD.findall(html)}
    fields.update(
        {name: html_lib.unescape(value.strip("\n")) for name, value in TEXTAREA.findall(html)}
    )
    return fields


def save_report(browser, url, value, reason):
    """A report saved through its form as a person does: the form, then the POST.
    Returns the POST's status (302: saved)."""
    status, html = browser.request(url)
    if status != 200:
        return status
    data = form_fields(html)
    data.pop("comment", None)
    # The reason goes into the progress text too: every save leaves a history row
    # carrying it (a first submission asks no reason), so it can be counted.
    data.update(
        value=str(value), reason=reason, progress=reason, confirm_large="on", action="submit"
    )
    status, _ = browser.request(url, data)
    return status


def rush(base, staff_sessions, leader_cookie, report_urls, seconds, leader_paths):
    """Staff saving (one thread each, one save every ~18 s, about 1.7 a second for 30)
    while 10 leaders reload `leader_paths` with wrk, each once a second. Returns the
    leaders' figures per route, the saves' latencies and the saves answered "saved"."""
    saved, refused, latencies = [], [], []
    lock = threading.Lock()
    stop_at = time.monotonic() + seconds
    pause = len(staff_sessions) / 1.7

    def staff(n, session):
        browser = Browser(base, session)
        time.sleep(pause * n / len(staff_sessions))
        k = 0
        while time.monotonic() < stop_at:
            url = report_urls[(n + k * len(staff_sessions)) % len(report_urls)]
            reason = f"bench rush {uuid.uuid4().hex}"
            started = time.perf_counter()
            status = save_report(browser, url, 10 + (n + k) % 90, reason)
            elapsed = time.perf_counter() - started
            with lock:
                latencies.append(elapsed * 1000)
                (saved if status == 302 else refused).append((reason, status))
            k += 1
            time.sleep(max(0, pause - elapsed))

    threads = [
        threading.Thread(target=staff, args=(n, s), daemon=True)
        for n, s in enumerate(staff_sessions)
    ]
    for thread in threads:
        thread.start()
    leaders = {}
    per_route = max(2, seconds // len(leader_paths))
    while time.monotonic() < stop_at - 1:
        for name, path in leader_paths.items():
            leaders.setdefault(name, []).append(
                wrk(base + path, leader_cookie, min(per_route, 5), connections=10, pause_ms=1000)
            )
    for thread in threads:
        thread.join()
    return leaders, latencies, saved, refused


def first_screen_after_change(
    base, admin_session, leader_cookie, report_url, path, rounds, warmup=4, repeats=4
):
    """A report saved (timed: the writer draws the pages being read before it commits,
    targets/views/ahead.py), then the first screen asked once (timed), then the same
    page asked again `repeats` times (any worker: served from what was kept, when the
    cache is shared). Returns (first ms, the median of the repeats ms, the save's ms:
    its form and its POST) per round.

    The first `warmup` changes are not counted: a worker just started has no
    standings yet and computes the whole plan once in its life; after it, it catches
    up on each change (targets/views/fragments.py). A site that has run a while is
    in that state."""
    admin = Browser(base, admin_session)
    leader = Browser(base, leader_cookie)
    results = []
    for n in range(-warmup, rounds):
        started = time.perf_counter()
        status = save_report(admin, report_url, 20 + n, f"bench change {uuid.uuid4().hex}")
        saving = (time.perf_counter() - started) * 1000
        assert status == 302, status
        started = time.perf_counter()
        status, _ = leader.request(path)
        first = (time.perf_counter() - started) * 1000
        assert status == 200, status
        again = []
        for _ in range(repeats):
            started = time.perf_counter()
            leader.request(path)
            again.append((time.perf_counter() - started) * 1000)
        if n >= 0:
            results.append((first, statistics.median(again), saving))
    return results


def login(base, username, password="kpi-demo-2024"):
    """A session signed in through the login form, as a browser gets one."""
    browser = Browser(base, "")
    status, html = browser.request("/accounts/login/")
    data = form_fields(html)
    data.update(username=username, password=password)
    status, _ = browser.request("/accounts/login/", data)
    session = next((c.value for c in browser.jar if c.name == "sessionid"), None)
    if status != 302 or not session:
        raise SystemExit(f"could not sign in as {username} ({status})")
    return session


REAL_CODES = [f"P{p}-0{n}" for p in range(1, 7) for n in range(1, 7)]


def savable_reports(base, session, quarter=4, wanted=12):
    """Report forms of the real plan's indicators that a save goes through (a figure
    to type, not locked), found by saving each once."""
    browser = Browser(base, session)
    found = []
    for code in REAL_CODES:
        url = f"/plans/2024/indicators/{code}/report/{quarter}/"
        status, html = browser.request(url)
        if status != 200 or 'name="value"' not in html:
            continue
        if save_report(browser, url, 12, f"bench warm-up {uuid.uuid4().hex}") == 302:
            found.append(url)
        if len(found) >= wanted:
            break
    if not found:
        raise SystemExit("no report of the real plan can be saved")
    return found


def stored_once(database_url, reasons):
    """How many of the saves answered "saved" are in the history exactly once, and the
    reasons found another number of times."""
    import psycopg

    with psycopg.connect(database_url) as conn:
        rows = conn.execute(
            "SELECT progress, count(*) FROM targets_historicalquarterlyreport "
            "WHERE progress = ANY(%s) GROUP BY 1",
            [list(reasons)],
        ).fetchall()
    counts = dict(rows)
    once = sum(1 for r in reasons if counts.get(r) == 1)
    wrong = {r: counts.get(r, 0) for r in reasons if counts.get(r) != 1}
    return once, wrong
