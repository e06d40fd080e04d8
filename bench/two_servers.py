"""`make bench-two-servers`: two app servers sharing one PostgreSQL behave as one site.

Run by hand, not by the test suite (it builds a database and starts servers; about
half a minute). Needs the local PostgreSQL server (127.0.0.1:5432); no cache server.

1. **Database.** Its own, `kpi_two_servers`, built again on every run by bench/run.py's
   `build`: migrate, the 2024 plan (`load_plan 2024`), the demo accounts and reports
   (`setup_demo`).
2. **Servers.** Two gunicorns, A and B (2 sync workers each, DEBUG off, the test
   settings' secrets: bench/two_servers_settings.py), on two free loopback ports, with
   one temporary MEDIA_ROOT for both and the same SECRET_KEY. No shared cache: each
   process keeps Django's default local-memory cache.
3. **Checks**, with plain HTTP as a browser sends it (cookies, the CSRF token and the
   fields read from the page's form), each printed PASS or FAIL:

   1. log in on A: the session cookie works on B;
   2. staff submit a changed figure through A's report form: B's plan dashboard and
      indicator page show it on the next request (B had served both pages before);
   4. an evidence file uploaded with A's report form (a ledger item of P3-04) downloads
      from B byte for byte;
   5. log out on A: B refuses the old session cookie;
   3. (last, because the lockout also locks the address 127.0.0.1 for 15 minutes) wrong
      passwords through A lock the account: B refuses its right password.
4. **Stop.** Both servers (only the two processes started here, by their ids), the
   temporary MEDIA_ROOT removed, the database dropped (`--keep-database` keeps it).

`--unshare media_root` or `--unshare secret_key` gives each server its own, to see the
checks that depend on it fail. Exit status 1 if a check fails. The servers' logs:
bench/results/two_servers-{A,B}.log.
"""

import argparse
import http.client
import json
import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile
import time
import uuid
import zlib
from dataclasses import dataclass
from html import unescape
from html.parser import HTMLParser
from http.cookies import SimpleCookie
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import run as bench  # bench/run.py: the database and gunicorn helpers

ROOT = bench.ROOT
DATABASE_URL = f"{bench.BASE_URL}/kpi_two_servers"
PASSWORD = "kpi-demo-2024"  # the demo accounts' published password (targets/demo.py)
FAILURE_LIMIT = 5  # LOGIN_FAILURE_LIMIT given to both servers
SETTINGS = "two_servers_settings"  # bench/two_servers_settings.py


@dataclass
class Server:
    name: str
    port: int
    process: subprocess.Popen = None


@dataclass
class Page:
    status: int
    location: str
    body: bytes

    @property
    def text(self):
        return words(self.body.decode("utf-8", "replace"))


def words(html):
    """The words of `html`, tags removed and spaces collapsed."""
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html))).strip()


class Browser:
    """One visitor's cookies, sent to whichever server it asks: as a browser behind a
    load balancer sends the same cookies whichever app server answers."""

    def __init__(self, cookies=None):
        self.cookies = dict(cookies or {})

    def get(self, server, path):
        return self._request(server, "GET", path)

    def post(self, server, path, fields, files=None):
        return self._request(server, "POST", path, fields, files or {})

    def _request(self, server, method, path, fields=None, files=None):
        headers = {"Accept-Language": "zh-hans"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if method == "POST":
            body, headers["Content-Type"] = _multipart(fields, files)
        connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60)
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            page = Page(response.status, response.getheader("Location", ""), response.read())
            for header in response.headers.get_all("Set-Cookie") or []:
                for name, morsel in SimpleCookie(header).items():
                    if morsel.value and morsel["max-age"] != "0":
                        self.cookies[name] = morsel.value
                    else:  # deleted (logout)
                        self.cookies.pop(name, None)
        finally:
            connection.close()
        return page


def _multipart(fields, files):
    boundary = uuid.uuid4().hex
    parts = []
    for name, value in fields.items():
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'.encode()
            + str(value).encode()
            + b"\r\n"
        )
    for name, (filename, content, mime) in files.items():
        parts.append(
            f"--{boundary}\r\nContent-Disposition: form-data; "
            f'name="{name}"; filename="{filename}"\r\nContent-Type: {mime}\r\n\r\n'.encode()
            + content
            + b"\r\n"
        )
    body = b"".join(parts) + f"--{boundary}--\r\n".encode()
    return body, f"multipart/form-data; boundary={boundary}"


class FormReader(HTMLParser):
    """What a browser would send from the first <form> with `css_class` (or `action`)
    if nobody changed a field: text fields and hidden fields, ticked boxes, the chosen
    option of each select (or its first). Also the options of each select. One value
    per name: the forms read here have no multiple choice that is ticked. The formset's
    empty template row (`__prefix__`) is left out, as a browser's JavaScript does."""

    def __init__(self, html, *, css_class=None, action=None):
        super().__init__()
        self.css_class, self.action = css_class, action
        self.fields, self.options = {}, {}
        self._inside = self._done = False
        self._textarea = self._select = None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and not self._done:
            self._inside = (
                self.css_class in (attrs.get("class") or "").split()
                if self.css_class
                else attrs.get("action") == self.action
            )
            return
        if not self._inside:
            return
        name = attrs.get("name")
        if tag == "input" and name and "__prefix__" not in name:
            kind = attrs.get("type", "text")
            if kind in ("checkbox", "radio"):
                if "checked" in attrs:
                    self.fields[name] = attrs.get("value", "on")
            elif kind not in ("submit", "button", "file", "reset", "image"):
                self.fields[name] = attrs.get("value") or ""
        elif tag == "textarea" and name and "__prefix__" not in name:
            self._textarea = name
            self.fields[name] = ""
        elif tag == "select" and name and "__prefix__" not in name:
            self._select = name
            self.options[name] = []
        elif tag == "option" and self._select:
            self.options[self._select].append(attrs.get("value", ""))
            if "selected" in attrs:
                self.fields[self._select] = attrs.get("value", "")

    def handle_data(self, data):
        if self._textarea:
            self.fields[self._textarea] += data

    def handle_endtag(self, tag):
        if tag == "form" and self._inside:
            self._inside, self._done = False, True
        elif tag == "textarea" and self._textarea:
            # The browser drops the one line break that follows <textarea>.
            value = self.fields[self._textarea]
            self.fields[self._textarea] = value[1:] if value.startswith("\n") else value
            self._textarea = None
        elif tag == "select" and self._select:
            if self._select not in self.fields and self.options[self._select]:
                self.fields[self._select] = self.options[self._select][0]
            self._select = None


def form_of(page, **which):
    return FormReader(page.body.decode("utf-8"), **which)


def log_in(browser, server, username, password):
    form = form_of(browser.get(server, "/accounts/login/"), css_class="login-form")
    fields = {**form.fields, "username": username, "password": password}
    return browser.post(server, "/accounts/login/", fields)


def png(side=320):
    """A photo-sized PNG of random pixels (about 300 KB, more than one block of the
    download's stream), new on every run; evidence types are judged from the content."""

    def chunk(kind, data):
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    rows = b"".join(b"\x00" + os.urandom(side * 3) for _ in range(side))  # filter 0, RGB
    header = struct.pack(">IIBBBBB", side, side, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


# -- The checks -------------------------------------------------------------------------
# Each returns (passed, what was seen); every figure in the words is read from a response.

results = []


def check(number, title, function, *args):
    """Run one check and print PASS or FAIL with what it saw; an error is a FAIL too."""
    try:
        passed, seen = function(*args)
    except Exception as error:  # a page without the expected form, a refused connection…
        passed, seen = False, f"stopped by {type(error).__name__}: {error}"
    results.append(passed)
    print(f"{'PASS' if passed else 'FAIL'}  {number}. {title}\n        {seen}", flush=True)


def signed_in_as(page):
    """The account name in the menu, or "nobody"."""
    found = re.search(r'class="who link-light"[^>]*>([^<]+)<', page.body.decode())
    return found.group(1) if found else "nobody"


def row_of(page, code):
    """The plan table's cells of indicator `code` (class name -> words)."""
    html = page.body.decode("utf-8")
    start = html.find(f'<td class="col-code"><a href="/plans/2024/indicators/{code}/')
    row = html[start : html.find("</tr>", start)] if start >= 0 else ""
    cells = re.findall(r'<td class="col-([a-z-]+)[^"]*">(.*?)</td>', row, re.S)
    return {name: words(cell) for name, cell in cells}


def first(pattern, text):
    found = re.search(pattern, text)
    return found.group(1) if found else "?"


def session_is_shared(a, b, staff):
    page = log_in(staff, a, "staff", PASSWORD)
    on_b = Browser({"sessionid": staff.cookies.get("sessionid", "")}).get(b, "/reports/")
    anonymous = Browser().get(b, "/reports/")
    return (
        page.status == 302
        and on_b.status == 200
        and signed_in_as(on_b) == "staff"
        and anonymous.status == 302
    ), (
        f"login POST on A: {page.status} -> {page.location}; B /reports/ with A's "
        f"sessionid: {on_b.status}, signed in as {signed_in_as(on_b)}; B without it: "
        f"{anonymous.status} -> {anonymous.location}"
    )


def report_is_shared(a, b, staff, leader):
    # The demo's P6-04 (targets/demo.py): Q1 3, Q2 4, Q3 4 (submitted) of a target of
    # at least 15 次; Q3 changed to 7 makes 14 of 15, 93.3 %.
    dashboard, indicator = "/plans/2024/?quarter=3", "/plans/2024/indicators/P6-04/?quarter=3"
    form_path = "/plans/2024/indicators/P6-04/report/3/"
    before = row_of(leader.get(b, dashboard), "P6-04")
    before_page = leader.get(b, indicator)  # B has served both pages before the save
    form = form_of(staff.get(a, form_path), css_class="report-form")
    fields = {
        **form.fields,
        "value": "7",
        "reason": "（两台服务器检查）第3季度数字更正为7次",
        "action": "submit",
    }
    saved = staff.post(a, form_path, fields)
    after = row_of(leader.get(b, dashboard), "P6-04")
    after_page = leader.get(b, indicator)
    seen = {
        "before": (first(r"^(\S+ 次)", before.get("actual", "")), before.get("completion")),
        "after": (first(r"^(\S+ 次)", after.get("actual", "")), after.get("completion")),
        "page before": first(r"累计完成 (\S+ 次)", before_page.text),
        "page after": first(r"累计完成 (\S+ 次)", after_page.text),
        "page Q3": first(r"Q3 · \S+ (\S+ 次)", after_page.text),
    }
    return (
        saved.status == 302
        and saved.location.endswith("/reports/")
        and seen["before"] == ("11 次", "73.3%")
        and seen["after"] == ("14 次", "93.3%")
        and (seen["page before"], seen["page after"], seen["page Q3"]) == ("11 次", "14 次", "7 次")
    ), (
        f"form POST on A: {saved.status} -> {saved.location}; B's plan dashboard, P6-04: "
        f"{', '.join(map(str, seen['before']))} before -> {', '.join(map(str, seen['after']))} "
        f"on the next request; B's indicator page: year to date {seen['page before']} -> "
        f"{seen['page after']}, Q3 {seen['page Q3']}"
    )


def evidence_is_shared(a, b, staff, leader, content):
    path = "/plans/2024/indicators/P3-04/report/3/"
    opened = staff.get(a, path)
    form = form_of(opened, css_class="report-form")
    blank = next(  # the form's blank row for a new ledger item
        (
            re.fullmatch(r"entries-(\d+)-id", name).group(1)
            for name, value in form.fields.items()
            if re.fullmatch(r"entries-\d+-id", name) and not value
        ),
        None,
    )
    if blank is None:
        return False, f"A's P3-04 report form ({opened.status}) has no row for a new item"
    filename = "两台服务器检查-现场照片.png"
    fields = {
        **form.fields,
        f"entries-{blank}-name": "（两台服务器检查）新型研发机构",
        f"entries-{blank}-date": "2024-08-15",
        f"entries-{blank}-division": next(
            v for v in form.options[f"entries-{blank}-division"] if v
        ),
        "reason": "（两台服务器检查）新增一个台账条目",
        "action": "submit",
    }
    saved = staff.post(
        a, path, fields, {f"entries-{blank}-files": (filename, content, "image/png")}
    )
    page = leader.get(b, "/plans/2024/indicators/P3-04/?quarter=3")
    link = re.search(
        rf'<a href="(/plans/2024/indicators/P3-04/evidence/\d+/)" class="evidence-link">'
        rf"{re.escape(filename)}</a>",
        page.body.decode(),
    )
    download = leader.get(b, link.group(1)) if link else Page(0, "", b"")
    return (saved.status == 302 and download.status == 200 and download.body == content), (
        f"form POST on A (P3-04 Q3, a new ledger item with {filename}, {len(content)} bytes): "
        f"{saved.status}; B's indicator page links it: {'yes' if link else 'no'}; GET "
        f"{link.group(1) if link else '-'} on B: {download.status}, {len(download.body)} bytes, "
        f"{'identical' if download.body == content else 'not the bytes uploaded'}"
    )


def logout_is_shared(a, b, staff):
    old = staff.cookies.get("sessionid", "")
    before = Browser({"sessionid": old}).get(b, "/reports/")
    form = form_of(staff.get(a, "/reports/"), action="/accounts/logout/")
    out = staff.post(a, "/accounts/logout/", form.fields)
    after = Browser({"sessionid": old}).get(b, "/reports/")
    return (
        before.status == 200
        and out.status == 302
        and after.status == 302
        and after.location.startswith("/accounts/login/")
    ), (
        f"B /reports/ with the cookie before: {before.status}; logout POST on A: {out.status} "
        f"-> {out.location}; B with the same cookie after: {after.status} -> {after.location}"
    )


def lockout_is_shared(a, b):
    first_login = Browser()
    before = log_in(first_login, b, "staff2", PASSWORD)  # B accepts staff2 before
    guesser = Browser()
    statuses = [
        log_in(guesser, a, "staff2", f"wrong-password-{n}").status for n in range(FAILURE_LIMIT)
    ]
    user = Browser()
    refused = log_in(user, b, "staff2", PASSWORD)
    return (
        before.status == 302
        and statuses == [200] * (FAILURE_LIMIT - 1) + [429]
        and refused.status == 429
        and "sessionid" not in user.cookies
    ), (
        f"staff2's right password on B before: {before.status}; {FAILURE_LIMIT} wrong ones "
        f"on A: {', '.join(map(str, statuses))}; the right one on B after: {refused.status}"
        f"{' (the lockout page)' if refused.status == 429 else ''}, "
        f"{'signed in' if 'sessionid' in user.cookies else 'no session'}"
    )


# -- The run --------------------------------------------------------------------------


def shared_state(env):
    """Where a server of these settings keeps each kind of state (a child process)."""
    code = (
        "import django, json; django.setup(); from django.conf import settings as s; "
        "print(json.dumps({'sessions': s.SESSION_ENGINE, "
        "'cache': s.CACHES['default']['BACKEND'], 'login lockouts': s.AXES_HANDLER, "
        "'evidence files': s.STORAGES['default']['BACKEND'] + ' in ' + str(s.MEDIA_ROOT), "
        "'messages': s.MESSAGE_STORAGE}))"
    )
    output = subprocess.run(
        [sys.executable, "-c", code], env=env, cwd=ROOT, check=True, capture_output=True, text=True
    )
    return json.loads(output.stdout)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--keep-database", action="store_true", help="do not drop it at the end")
    parser.add_argument(
        "--unshare",
        choices=("media_root", "secret_key"),
        action="append",
        default=[],
        help="give each server its own (to see the checks that depend on it fail)",
    )
    args = parser.parse_args()

    started = time.perf_counter()
    bench.drop_database(DATABASE_URL)
    bench.ensure_database(DATABASE_URL)
    built = bench.child("--build", "29", url=DATABASE_URL)
    print(
        f"database kpi_two_servers: {built['indicators']} indicators, the demo accounts "
        f"and reports ({time.perf_counter() - started:.0f} s)",
        flush=True,
    )
    media = tempfile.mkdtemp(prefix="kpi-two-servers-media-")
    env = {
        "DJANGO_SETTINGS_MODULE": SETTINGS,
        "PYTHONPATH": f"{ROOT}{os.pathsep}{ROOT / 'bench'}",
        "KPI_SHARED_MEDIA_ROOT": media,
        "LOGIN_FAILURE_LIMIT": str(FAILURE_LIMIT),
        "DATABASE_URL": DATABASE_URL,
    }
    for what, where in shared_state({**os.environ, **env}).items():
        print(f"  {what}: {where}")
    logs = ROOT / "bench" / "results"
    logs.mkdir(exist_ok=True)
    ports = set()
    while len(ports) < 2:
        ports.add(bench.free_port())
    servers = [Server(name, port) for name, port in zip("AB", sorted(ports), strict=True)]
    try:
        for server in servers:
            own = {}
            if "media_root" in args.unshare:
                own["KPI_SHARED_MEDIA_ROOT"] = os.path.join(media, server.name)
                os.mkdir(own["KPI_SHARED_MEDIA_ROOT"])
            if "secret_key" in args.unshare:
                own["SECRET_KEY"] = f"two-servers-bench-key-of-server-{server.name}-only"
            with open(logs / f"two_servers-{server.name}.log", "w") as log:
                # gunicorn holds its own copy of the file descriptor.
                server.process = bench.start_gunicorn(
                    DATABASE_URL,
                    server.port,
                    env={**env, **own},
                    stdout=log,
                    stderr=subprocess.STDOUT,
                )
            print(
                f"server {server.name}: gunicorn pid {server.process.pid}, "
                f"http://127.0.0.1:{server.port}/ (2 sync workers)"
                + (f", its own {' and '.join(sorted(own))}" if own else ""),
                flush=True,
            )
        print()
        a, b = servers
        staff, leader = Browser(), Browser()
        log_in(leader, b, "leader", PASSWORD)
        check(1, "log in on A, the session cookie works on B", session_is_shared, a, b, staff)
        check(
            2,
            "a report submitted through A's form is on B's dashboard and indicator page at once",
            report_is_shared,
            *(a, b, staff, leader),
        )
        check(
            4,
            "an evidence file uploaded through A's report form downloads from B, byte-identical",
            evidence_is_shared,
            *(a, b, staff, leader, png()),
        )
        check(5, "log out on A: B refuses the old session cookie", logout_is_shared, a, b, staff)
        check(
            3,
            "wrong passwords through A lock the account; B refuses it too",
            lockout_is_shared,
            a,
            b,
        )
    finally:
        for server in servers:
            if server.process:
                bench.stop_gunicorn(server.process)
                print(f"stopped server {server.name} (pid {server.process.pid})")
        shutil.rmtree(media, ignore_errors=True)
        if not args.keep_database:
            bench.drop_database(DATABASE_URL)
    passed = sum(results)
    print(f"\n{passed} of {len(results)} checks passed ({time.perf_counter() - started:.0f} s)")
    return 0 if results and all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
