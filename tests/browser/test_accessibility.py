"""Every main page passes axe-core with zero violations, for each role, in Chinese and
English, at 1440 and 375 px; at 375 px no page is wider than the screen.

axe-core 4.14.1 is vendored from npm (vendor/axe.min.js, MPL-2.0, with its licence)
and served to the page from the site's own origin through Playwright's router, so
the strict Content-Security-Policy stays on while it runs. For each role and
language (a test each), that role's pages are loaded once each and checked at both widths. Two
browser windows take turns (one loads while axe checks the other) and keep their
cache for the whole matrix; the role is set by its session cookie and the language
by Accept-Language, so the matrix stays fast.
"""

import csv
import datetime
import io
import json
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

from accounts.models import User
from targets.models import QuarterlyReport

from .conftest import screenshot_path

pytestmark = pytest.mark.browser

AXE = Path(__file__).resolve().parent / "vendor" / "axe.min.js"
AXE_PATH = "/__axe__/axe.min.js"  # not a route of the app: Playwright answers it
LANGUAGES = {"zh-CN": "zh-CN,zh;q=0.9", "en-US": "en-US,en;q=0.9"}  # Accept-Language
WIDTHS = (1440, 375)  # a desktop, then a phone
FORM = "/plans/2024/indicators/P6-04/report/3/"
IMPORT = "/plans/2024/reports/import/"

# What each role works with. The form with errors is a POST of a fraction of 次.
PAGES = {
    "leader": [
        ("plan", "/plans/2024/"),
        ("pillar", "/plans/2024/pillars/P5/"),
        ("indicator", "/plans/2024/indicators/P5-04/"),
        ("indicator with its ledger", "/plans/2024/indicators/P3-04/"),
        ("missing reports", "/plans/2024/missing/"),
        ("print view", "/plans/2024/export/print/?quarter=3"),
        ("not found", "/plans/2024/indicators/P9-99/"),
        ("forbidden", "/reports/"),
        ("follow-ups", "/follow-ups/"),
        ("write an instruction", "/plans/2024/instructions/new/?on=P5-04&quarter=3"),
        ("assign a follow-up", "/plans/2024/follow-ups/new/?indicator=P5-04"),
        ("a follow-up answered", "/follow-ups/{answered}/"),
        # Which events reach them, on which channel; the weekly digest.
        ("notice choices", "/notices/choices/"),
    ],
    "reviewer": [
        ("review queue", "/reviews/"),
        ("review queue, filtered and sorted", "/reviews/?lead_section=demo-platform&sort=status"),
        ("review page", FORM),
        ("review page with a ledger", "/plans/2024/indicators/P3-04/report/3/"),
        ("history", "/plans/2024/indicators/P6-04/history/"),
        ("a follow-up to check", "/follow-ups/{answered}/"),
    ],
    "staff": [
        ("my reports", "/reports/"),
        ("report form with errors", FORM),
        ("indicator", "/plans/2024/indicators/P6-04/"),
        ("report form with a ledger", "/plans/2024/indicators/P3-04/report/3/"),
        (
            "report form, last quarter's narrative copied",
            "/plans/2024/indicators/P6-04/report/4/?copy=previous",
        ),
        ("import reports", IMPORT),
        ("import preview", IMPORT),  # a clean upload: the changes and the confirmation
        ("import problems", IMPORT),  # an upload with a bad row: the problems' table
        ("follow-ups, own first", "/follow-ups/"),
        ("a follow-up to answer", "/follow-ups/{open}/"),
        ("notices", "/notices/"),  # the follow-ups assigned to the section, unread
    ],
    "admin": [
        ("quarters", "/plans/2024/quarters/"),
        ("my reports, a section picked", "/reports/?section=demo-platform"),
        # Its line across years (2024, the 2025 draft) and the demo's target revision.
        ("indicator across years", "/plans/2024/indicators/P1-02/"),
        ("plan setup, its approval chain", "/plans/2024/setup/"),
        # Issue 25: the checklist before closing, the draft's targets to confirm.
        ("close a quarter: the checklist", "/plans/2024/quarters/3/close/"),
        ("draft setup: targets to confirm", "/plans/2025/setup/"),
    ],
}

DRAWN = """() => [...document.querySelectorAll("canvas[data-chart]")]
    .every((canvas) => canvas.dataset.drawn === "true")"""
# The plan page loads Chart.js once a chart nears the screen (static/js/charts.js).
TO_CHARTS = """() => document.querySelector("canvas[data-chart]")?.scrollIntoView()"""


def _session_cookie(username, base_url):
    client = Client()
    client.force_login(User.objects.get(username=username))
    value = client.cookies[settings.SESSION_COOKIE_NAME].value
    return {"name": settings.SESSION_COOKIE_NAME, "value": value, "url": base_url}


def _changed_report():
    """A report submitted, then changed with reasons: the review page shows its trail."""
    report = QuarterlyReport.objects.get(indicator__code="P6-04", quarter=3)
    staff = User.objects.get(username="staff")
    for value, reason in (("3", "重复统计一场"), ("5", "补录一场")):
        report.value = Decimal(value)
        report.problems = f"(示例)第{value}场活动延期。"
        report.record_entry(by=staff, submit=True, reason=reason, expected_version=report.version)


def _oversight():
    """An instruction on the plan and on P5-04, an overdue follow-up of P6-04 (staff's
    section) and an answered one of P5-04, with a file: the ids for the pages' paths."""
    from oversight.models import Instruction
    from targets.models import Plan

    from ..oversight_helpers import follow_up

    users = {u.username: u for u in User.objects.all()}
    plan = Plan.objects.get(year=2024)
    for indicator in (None, plan.indicators.get(code="P5-04")):
        Instruction(
            plan=plan,
            indicator=indicator,
            quarter=3,
            text="（示例）抓紧推进，下月例会前报送进展和问题清单。",
            written_by=users["leader"],
        ).save_by(users["leader"], "written")
    overdue = follow_up(users, due=datetime.date(2024, 10, 1))
    answered = follow_up(users, code="P5-04", state="answered")
    return {"open": overdue.pk, "answered": answered.pk}


FOCUSED = """() => ({name: document.activeElement.name || "",
    text: document.activeElement.textContent.trim(),
    outline: getComputedStyle(document.activeElement).outlineStyle})"""


def _open(page, base_url, path, name, language):
    page.goto(base_url + path)
    # The page is in the language asked for (zh-CN -> zh-hans, en-US -> en).
    assert page.evaluate("document.documentElement.lang")[:2] == language[:2]
    if name == "report form with errors":
        page.fill("input[name=value]", "3.5")
        page.click("button[name=action][value=submit]")
        page.wait_for_load_state()
        assert page.locator(".invalid-feedback").count() >= 1
        # After a refused save the cursor is in the first field to correct.
        assert page.evaluate(FOCUSED)["name"] == "value"
    if name in ("import preview", "import problems"):
        _upload_sheet(page, base_url, figure="6" if name == "import preview" else "6.5")
    if name == "plan":
        # The first Tab reaches the skip link, with a visible focus ring.
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED)
        assert focused["text"] in {"跳到正文", "Skip to the content"}
        assert focused["outline"] == "solid"
    page.add_script_tag(url=base_url + AXE_PATH)


def _upload_sheet(page, base_url, figure):
    """The section's CSV template with P6-04's figure changed, uploaded for a preview."""
    content = page.context.request.get(f"{base_url}/plans/2024/reports/template.csv").body()
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"), newline="")))
    value = next(i for i, header in enumerate(rows[0]) if header.endswith("Figure"))
    for row in rows[1:]:
        if row[2] == "P6-04":
            row[value] = figure
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    page.set_input_files(
        "input[name=file]",
        {"name": "三季度.csv", "mimeType": "text/csv", "buffer": buffer.getvalue().encode()},
    )
    page.click(".upload-reports button[type=submit]")
    page.wait_for_load_state()
    assert page.locator("#preview-heading").count() == 1


START_AXE = """() => { window.kpiAxe = axe.run(document, {resultTypes: ["violations"]})
    .then((r) => r.violations.map((v) => ({id: v.id, impact: v.impact,
        nodes: v.nodes.map((n) => n.target.join(" ")).slice(0, 5)}))); }"""
AXE_RESULT = "() => window.kpiAxe"


class Matrix:
    """Collects what axe finds, page by page and width by width."""

    def __init__(self):
        self.found, self.wide, self.counts = [], [], {}

    def record(self, page, where, width, violations):
        where = f"{where[0]} · {where[1]} · {width} px · {where[2]}"
        self.counts[where] = sum(len(v["nodes"]) for v in violations)
        self.found += [{"page": where, **v} for v in violations]
        scroll_width = page.evaluate("document.documentElement.scrollWidth")
        if scroll_width > width:
            self.wide.append(f"{where}: {scroll_width} px")

    def finish(self, page, where):
        """The 1440 px result started earlier, then the same page narrowed to 375 px."""
        self.record(page, where, WIDTHS[0], page.evaluate(AXE_RESULT))
        page.set_viewport_size({"width": WIDTHS[1], "height": 900})
        page.wait_for_function(DRAWN)
        page.evaluate(START_AXE)
        self.record(page, where, WIDTHS[1], page.evaluate(AXE_RESULT))


def _window(browser, base_url, problems):
    """A page of its own window (context): each stays in the foreground, so its
    layout follows a resize at once, as on a real screen. Kept for the whole matrix,
    so the static files load once; the role is its session cookie, the language its
    Accept-Language header."""
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    context.route(
        base_url + AXE_PATH,
        lambda route: route.fulfill(path=AXE, content_type="text/javascript"),
    )
    page = context.new_page()
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on(
        "console",
        lambda msg: (
            msg.type == "error"
            # The refusals on purpose: not found, forbidden, a form with its errors.
            and not {"404", "403", "400"} & set(msg.text.split())
            and problems.append(msg.text)
        ),
    )
    return page


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("role", PAGES)
def test_every_main_page_passes_axe_for_each_role_language_and_width(browser, site, role, language):
    """Each page is loaded once, checked at 1440 px, then the window is narrowed to
    375 px (the same CSS media queries apply as on a phone) and checked again. Two
    windows take turns, so one page loads while axe checks the one before. One test
    per role and language, so that parallel test workers share the matrix evenly
    (the leader's pages alone took 17 s, the longest test of the suite)."""
    _changed_report()
    ids = _oversight()
    matrix, problems = Matrix(), []
    tabs = [_window(browser, site.url, problems) for _ in range(2)]
    pages = PAGES[role]
    cookie = _session_cookie(role, site.url)
    for tab in tabs:
        tab.context.add_cookies([cookie])
        tab.context.set_extra_http_headers({"Accept-Language": LANGUAGES[language]})
    pending = None
    for number, (name, path) in enumerate(pages):
        path = path.format(**ids)
        page = tabs[number % 2]
        page.set_viewport_size({"width": WIDTHS[0], "height": 900})
        _open(page, site.url, path, name, language)
        page.evaluate(TO_CHARTS)
        page.wait_for_function(DRAWN)
        page.evaluate(START_AXE)
        if pending:
            matrix.finish(*pending)
        pending = (page, (role, language, f"{name} ({path})"))
    matrix.finish(*pending)
    for tab in tabs:
        tab.context.close()
    found, wide, counts = matrix.found, matrix.wide, matrix.counts
    report = screenshot_path(f"axe-results-{role}-{language}.json")
    report.write_text(
        json.dumps({"counts": counts, "violations": found}, ensure_ascii=False, indent=1)
    )
    assert len(counts) == len(WIDTHS) * len(pages)
    assert found == [], json.dumps(found, ensure_ascii=False, indent=1)
    assert wide == []
    assert problems == []
