"""The dashboards in a real browser: headless Chromium driven by Playwright.

What the Django test client cannot see: that the charts are really drawn (the
canvas is not blank), that no script error or Content-Security-Policy violation
happens on any page, that the vendored Chart.js is there when a CDN is not, and
that the pages fit a phone's width.
"""

import re
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.urls import reverse
from playwright.sync_api import expect

from kpitracker.settings import url_origin
from targets.assets import CHART_SCRIPTS
from targets.models import Plan

from .conftest import log_in, screenshot_path

pytestmark = pytest.mark.browser

STATIC_ROOT = Path(django_settings.BASE_DIR) / "static"
CDN = "https://cdn.jsdelivr.net/npm/"

# Non-transparent pixels of a canvas, and how many of them have each given colour.
PAINTED = """(canvas, colours) => {
  const {data} = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height);
  const hits = colours.map(() => 0);
  let painted = 0;
  for (let i = 0; i < data.length; i += 4) {
    if (data[i + 3] === 0) continue;
    painted++;
    colours.forEach(([r, g, b], n) => {
      const d = Math.abs(data[i] - r) + Math.abs(data[i + 1] - g) + Math.abs(data[i + 2] - b);
      if (d < 12) hits[n]++;
    });
  }
  return {painted, share: painted / (canvas.width * canvas.height), hits};
}"""
# The palette's fills (targets/palette.py): met is drawn solid, behind under its
# cross-hatch, whose gaps still show the fill.
MET_BLUE = (0x1B, 0x4F, 0x8A)
BEHIND_RED = (0x93, 0x1A, 0x1F)
FIGURE_BLUE = (0x9E, 0xC5, 0xE8)
TARGET_PURPLE = (0x6F, 0x42, 0xC1)


def assert_drawn(page, selector="canvas[data-chart]", colours=()):
    """Every chart on the page was drawn by Chart.js and is not blank."""
    canvases = page.locator(selector)
    # The plan page loads Chart.js only once a chart nears the screen: go there.
    canvases.first.scroll_into_view_if_needed()
    expect(canvases.first).to_have_attribute("data-drawn", "true")  # waits for the page
    for canvas in canvases.all():
        expect(canvas).to_have_attribute("data-drawn", "true")
        result = canvas.evaluate(PAINTED, [list(c) for c in colours])
        assert result["share"] > 0.02, result
        for colour, hits in zip(colours, result["hits"], strict=True):
            assert hits > 50, f"colour {colour} not drawn: {result}"


def status_counts(page, scope=".summary"):
    return {
        item.get_attribute("data-status"): int(item.locator("strong").inner_text())
        for item in page.locator(f"{scope} .status-counts li").all()
    }


def expected_counts(quarter):
    overview = Plan.objects.get(year=2024).overview(quarter)
    # The badges count 未报送 as the page defines it (qualitative included).
    return {status.value: count for status, count in overview.screen_counts}


def test_leader_reads_the_dashboards(page, problems, site):
    log_in(page, site.url, "leader")
    # The home page leads to the plan dashboard, as of the latest reported quarter.
    expect(page).to_have_url(re.compile(r"/plans/2024/$"))
    expect(page.locator(".quarter-picker [aria-current=page]")).to_have_text("Q3")
    assert_drawn(page, colours=[MET_BLUE, BEHIND_RED])
    assert status_counts(page) == expected_counts(3)
    assert problems == []
    page.screenshot(path=screenshot_path("dashboard-desktop.png"), full_page=True)

    # A pillar: its indicators, each with a small chart; links keep the quarter.
    page.click(".pillar-card a[href*='/pillars/P3/']")
    expect(page).to_have_url(re.compile(r"/plans/2024/pillars/P3/\?quarter=3$"))
    expect(page.locator("h1")).to_contain_text("效能提升")
    assert page.locator(".indicator-card").count() == 7
    assert_drawn(page, colours=[FIGURE_BLUE])
    assert problems == []
    page.screenshot(path=screenshot_path("pillar-desktop.png"), full_page=True)

    # An indicator: figures, year to date, pace and target in one chart (and, as P3-04
    # counts from its ledger, a second chart of its items by county or district).
    page.click(".indicator-card a[href*='/indicators/P3-04/']")
    expect(page).to_have_url(re.compile(r"/plans/2024/indicators/P3-04/\?quarter=3$"))
    progress = "section[aria-labelledby=chart-heading]"
    assert_drawn(page, f"{progress} canvas", colours=[FIGURE_BLUE, TARGET_PURPLE])
    assert_drawn(page, "canvas[data-chart=chart-ledger-divisions]", colours=[FIGURE_BLUE])
    expect(page.locator(f"{progress} .chart-table tbody tr")).to_have_count(4)
    expect(page.locator(".projection")).to_contain_text("9")  # 7 by Q3 at 75 %: 9 of 10
    assert problems == []
    page.screenshot(path=screenshot_path("indicator-desktop.png"), full_page=True)

    # Another quarter: the indicator as of Q2, and the way back keeps Q2.
    page.click(".quarter-picker a:text-is('Q2')")
    expect(page).to_have_url(re.compile(r"/indicators/P3-04/\?quarter=2$"))
    expect(page.locator(".chart-table tbody tr").nth(1).locator("td").nth(1)).to_have_text("4")
    assert_drawn(page)
    page.click(".breadcrumb a >> nth=0")
    expect(page).to_have_url(re.compile(r"/plans/2024/\?quarter=2$"))
    assert_drawn(page)
    assert status_counts(page) == expected_counts(2)
    assert problems == []


def test_filters_and_sorting_stay_in_the_url(page, problems, site):
    log_in(page, site.url, "leader")
    page.goto(f"{site.url}/plans/2024/?quarter=3")
    page.select_option("#id_status", "behind")
    page.click(".filters button[type=submit]")
    expect(page).to_have_url(re.compile(r"status=behind"))
    rows = page.locator("table.indicators tbody tr")
    expect(rows).to_have_count(expected_counts(3)["behind"])
    page.click("table.indicators th.col-completion a")
    expect(page).to_have_url(
        re.compile(r"status=behind.*sort=completion|sort=completion.*status=behind")
    )
    # The quarter picker keeps the filter and the sort.
    expect(page.locator(".quarter-picker a:text-is('Q2')")).to_have_attribute(
        "href", re.compile(r"status=behind")
    )
    assert problems == []


def test_staff_submits_a_figure_and_the_dashboard_changes(page, problems, site):
    form_url = reverse("targets:report", kwargs={"year": 2024, "code": "P3-06", "quarter": 3})
    before = expected_counts(3)
    log_in(page, site.url, "staff")
    page.goto(site.url + form_url)
    page.fill("input[name=value]", "3")
    page.click("button[name=action][value=submit]")  # not "save draft"
    page.wait_for_load_state()
    assert problems == []
    # P3-06 had only a draft for Q3 (not reported); 1 + 2 + 3 = 6 of 6 is met.
    page.goto(f"{site.url}/plans/2024/?quarter=3")
    after = status_counts(page)
    assert after == expected_counts(3)
    assert after["not_reported"] == before["not_reported"] - 1
    assert after["met"] == before["met"] + 1
    assert problems == []


@pytest.mark.parametrize(
    "path", ["/plans/2024/", "/plans/2024/pillars/P5/", "/plans/2024/indicators/P5-01/"]
)
def test_pages_fit_a_phone(browser, site, path):
    context = browser.new_context(
        viewport={"width": 375, "height": 812}, device_scale_factor=2, locale="zh-CN"
    )
    page = context.new_page()
    problems = []
    page.on("console", lambda msg: problems.append(msg.text))
    page.on("pageerror", lambda error: problems.append(str(error)))
    log_in(page, site.url, "leader")
    page.goto(site.url + path + "?quarter=3")
    assert_drawn(page)
    # Nothing wider than the screen: wide tables scroll inside their own box.
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    name = path.strip("/").replace("/", "-")
    page.screenshot(path=screenshot_path(f"phone-{name}.png"), full_page=True)
    assert problems == []
    context.close()


@pytest.mark.parametrize("locale", ["zh-CN", "en"])
def test_my_reports_on_a_phone_show_each_forms_link(browser, site, locale):
    # Staff open their forms from here: on a phone each report is a block whose link
    # is on screen, not in a table scrolled sideways (six columns were 443-571 px).
    context = browser.new_context(viewport={"width": 375, "height": 812}, locale=locale)
    page = context.new_page()
    log_in(page, site.url, "staff")
    page.goto(site.url + "/reports/")
    links = page.locator("table.work-items td.action a")
    assert links.count() > 10
    for n in range(links.count()):
        box = links.nth(n).bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 375, (n, box)
    regions = page.evaluate(
        "[...document.querySelectorAll('.table-region')].map(r => r.scrollWidth - r.clientWidth)"
    )
    assert regions and set(regions) == {0}  # nothing to scroll to
    context.close()


def test_dashboard_prints_without_the_controls(page, problems, site):
    log_in(page, site.url, "leader")
    page.goto(f"{site.url}/plans/2024/?quarter=3")
    assert_drawn(page)
    page.emulate_media(media="print")
    expect(page.locator(".site-header")).to_be_hidden()
    expect(page.locator(".quarter-picker")).to_be_hidden()
    expect(page.locator(".filters")).to_be_hidden()
    expect(page.locator(".chart-table").first).to_be_visible()
    page.pdf(path=str(screenshot_path("dashboard.pdf")), format="A4")
    assert problems == []


def _cdn(settings):
    settings.CHARTJS_SOURCE = "cdn"
    settings.CHARTJS_CDN_BASE_URL = CDN
    settings.SECURE_CSP = {
        **settings.SECURE_CSP,
        "script-src": [*settings.SECURE_CSP["script-src"], url_origin(CDN)],
    }


def _serve_cdn_from_vendored(page, tamper=False):
    """Stand in for the CDN (no network here) with the npm files we vendored."""

    def serve(body):
        return lambda route: route.fulfill(
            status=200,
            body=body + (b"\n;" if tamper else b""),
            headers={"Content-Type": "application/javascript", "Access-Control-Allow-Origin": "*"},
        )

    for script in CHART_SCRIPTS:
        page.route(script.cdn_url(CDN), serve((STATIC_ROOT / script.static).read_bytes()))


def test_charts_from_the_cdn_pass_integrity_and_csp(page, problems, site, settings):
    _cdn(settings)
    _serve_cdn_from_vendored(page)
    vendored = []
    # Chart.js and its plugin only: Bootstrap is vendored beside them.
    page.on("request", lambda r: "/static/vendor/chart" in r.url and vendored.append(r.url))
    log_in(page, site.url, "leader")
    page.goto(f"{site.url}/plans/2024/?quarter=3")
    assert_drawn(page, colours=[MET_BLUE])  # added from the <template> as the chart nears
    # Chart.js only: the plan's chart draws no target line, so no annotation plugin.
    assert (
        page.locator(f"head > script[src^='{CDN}'][integrity][crossorigin=anonymous]").count() == 1
    )
    assert vendored == []  # the CDN copy passed Subresource Integrity and the CSP
    assert problems == []


@pytest.mark.parametrize("failure", ["unreachable", "tampered"])
def test_charts_survive_a_failing_cdn(page, problems, site, settings, failure):
    _cdn(settings)
    if failure == "unreachable":
        page.route(f"{CDN}**", lambda route: route.abort("connectionrefused"))
    else:
        _serve_cdn_from_vendored(page, tamper=True)  # refused by Subresource Integrity
    vendored = []
    # Chart.js and its plugin only: Bootstrap is vendored beside them.
    page.on("request", lambda r: "/static/vendor/chart" in r.url and vendored.append(r.url))
    log_in(page, site.url, "leader")
    vendored.clear()
    page.goto(f"{site.url}/plans/2024/?quarter=3")
    assert_drawn(page, colours=[MET_BLUE])
    assert len(vendored) == 1  # Chart.js (the plan page needs no annotation plugin)
    # The browser reports the failed CDN load itself; nothing else may go wrong.
    others = [p for p in problems if CDN not in p and "integrity" not in p]
    assert others == []


def test_meeting_summary_prints_on_a4_landscape(page, problems, site):
    log_in(page, site.url, "leader")
    page.goto(f"{site.url}/plans/2024/?quarter=3")
    with page.expect_navigation():
        page.click(".indicator-table .export-links a:text-is('打印(A4)')")
    assert "/plans/2024/export/print/?quarter=3" in page.url
    assert_drawn(page, colours=(MET_BLUE, BEHIND_RED))
    expect(page.locator(".print-table tbody tr")).to_have_count(29)
    page.emulate_media(media="print")
    expect(page.locator(".site-header")).to_be_hidden()
    expect(page.locator(".print-table")).to_be_visible()
    pdf = screenshot_path("meeting-summary.pdf")
    page.pdf(path=str(pdf), prefer_css_page_size=True, print_background=True)
    # A4 landscape is 842 × 595 points: the first page's media box says so.
    assert re.search(rb"/MediaBox \[0 0 84[12]\.\d* 59[45]\.\d*\]", pdf.read_bytes())
    assert problems == []


def test_back_after_logout_shows_the_login_not_the_draft(page, problems, site):
    """Issue 23: on a shared office PC, Back after logout showed the returned draft's
    problems text. Signed-in pages carry no-store, so the browser keeps no copy (in its
    cache or its back-forward cache) and Back asks the server again: the login page.
    (Headless Chromium here asked again even without the header; the header as the
    browser received it, and the Clear-Site-Data report, are what fail without it.)"""
    from accounts.models import User
    from targets.models import QuarterlyReport

    report = QuarterlyReport.objects.get(indicator__code="P6-04", quarter=3)
    report.problems = "示例·草稿里的问题：不宜外传"
    report.save()
    report.return_for_changes(by=User.objects.get(username="reviewer"), comment="示例·请补充")
    log_in(page, site.url, "staff")
    opened = page.goto(f"{site.url}/plans/2024/indicators/P6-04/report/3/")
    assert "no-store" in opened.headers["cache-control"]
    expect(page.locator("body")).to_contain_text("示例·请补充")
    assert "示例·草稿里的问题" in page.content()
    page.click("form[action='/accounts/logout/'] button[type=submit]")
    page.wait_for_url(re.compile(r"/accounts/login/"))
    page.go_back()
    page.wait_for_load_state()
    assert "/accounts/login/" in page.url
    assert "示例·草稿里的问题" not in page.content()
    assert "示例·请补充" not in page.content()
    # Chromium reports what Clear-Site-Data did, as information: that is the header working.
    assert [p for p in problems if "Clear-Site-Data" not in p] == []
    assert any('Cleared data types: "cache", "storage"' in p for p in problems)
