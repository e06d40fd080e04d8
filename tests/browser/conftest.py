"""Fixtures for the end-to-end tests in headless Chromium (Debian's `chromium-headless-shell`).

Playwright drives the system Chromium (never `playwright install`, which cannot
download here); Django's live server serves the pages and the static files.
"""

import os
import threading
from pathlib import Path

import pytest
from django.core.servers.basehttp import ThreadedWSGIServer
from django.db import connection
from django.test.testcases import LiveServerThread

from targets.demo import DEMO_PASSWORD

# Playwright's sync API runs an event loop in the test thread, and Django refuses
# ORM calls from a thread with a running loop. The tests call the ORM only to set
# up data and to compute expectations, never concurrently with the live server's
# requests, so it is safe here; set for the test process only, never in settings.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

# Debian's build of Chromium's headless shell: the same engine as its `chromium`
# without the browser's own interface, whose renderers and GPU process the full
# browser runs even headless. The browser tests take a third less CPU with it (82
# CPU-seconds instead of 128 on 2 cores), which is most of the suite's time. The full
# browser is the fallback on a machine that has only that.
CHROMIUMS = (Path("/usr/bin/chromium-headless-shell"), Path("/usr/bin/chromium"))
CHROMIUM = next((path for path in CHROMIUMS if path.exists()), CHROMIUMS[0])
CJK_FONT = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")  # fonts-noto-cjk
INSTALL_HINT = "apt-get install -y chromium-headless-shell fonts-noto-cjk"
SCREENSHOTS = Path(os.environ.get("KPI_SCREENSHOTS", "/tmp/kpitracker-screenshots"))


class _OneRequestAtATime(ThreadedWSGIServer):
    """The live server, answering one request at a time.

    On in-memory SQLite every request thread shares the test's one connection, and
    SQLite refuses two statements at once on it ("bad parameter or other API
    misuse"), which a page's background fetch of the menu's counts (unread notices,
    reports waiting for review) beside the page's own requests, or two pages at once,
    set off. Each connection keeps its own thread (keep-alive
    works); the application is entered by one request at a time, until its
    response is closed. PostgreSQL gives each thread its own connection."""

    def set_app(self, application):
        super().set_app(_Serialised(application))


class _Serialised:
    def __init__(self, application):
        self.application = application
        self.lock = threading.Lock()

    def __call__(self, environ, start_response):
        self.lock.acquire()
        try:
            return _Released(self.application(environ, start_response), self.lock)
        except BaseException:
            self.lock.release()
            raise


class _Released:
    """A response that lets the next request in once the server has closed it."""

    def __init__(self, response, lock):
        self.response, self.lock = response, lock

    def __iter__(self):
        return iter(self.response)

    def close(self):
        try:
            if hasattr(self.response, "close"):
                self.response.close()
        finally:
            self.lock.release()


@pytest.fixture(scope="session", autouse=True)
def _live_server_one_request_at_a_time():
    if connection.vendor != "sqlite" or not connection.is_in_memory_db():
        yield
        return
    original, LiveServerThread.server_class = LiveServerThread.server_class, _OneRequestAtATime
    yield
    LiveServerThread.server_class = original


def _missing():
    """What the browser tests lack on this machine, or ""."""
    if not CHROMIUM.exists():
        return f"Chromium is missing ({CHROMIUM})"
    if not CJK_FONT.exists():
        return f"the Chinese fonts are missing ({CJK_FONT}): Chinese labels would not render"
    return ""


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if missing := _missing():
        message = f"{missing}; install them with: {INSTALL_HINT}"
        if os.environ.get("CI"):
            # CI installs them itself (.ci/run): a skip there would hide a failure.
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    return {
        **browser_type_launch_args,
        "executable_path": str(CHROMIUM),
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    # Leaders read the Chinese pages: Accept-Language zh-CN selects zh-hans.
    return {**browser_context_args, "locale": "zh-CN", "viewport": {"width": 1280, "height": 900}}


class PageProblems(list):
    """Console messages and uncaught errors of every page a test opens.

    A Content-Security-Policy violation shows up as a console error, so "none"
    also means the strict policy held.
    """

    def watch(self, page):
        page.on("console", lambda msg: self.append(_console(msg)))
        page.on("pageerror", lambda error: self.append(f"pageerror: {error}"))
        return page


def _console(message):
    return f"console.{message.type}: {message.text} ({message.location.get('url', '')})"


@pytest.fixture
def problems(page):
    """Problems of `page`; a test watches any other page it opens with `.watch()`."""
    found = PageProblems()
    found.watch(page)
    return found


@pytest.fixture
def site(live_server, demo):
    """The live server with the 2024 plan and the demo data loaded."""
    return live_server


def log_in(page, base_url, username):
    page.goto(f"{base_url}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click(".login-form button[type=submit]")
    page.wait_for_load_state()


def screenshot_path(name):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS / name
