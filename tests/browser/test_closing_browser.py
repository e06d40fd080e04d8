"""Issue 25 in Chromium: an administrator closes a quarter only after its checklist and
a confirmation, and the report form's ledger is a compact table (one line per item
at 1440 px, a short block at 375 px)."""

import re

import pytest
from playwright.sync_api import expect

from targets.models import Plan, QuarterlyReport

from .conftest import log_in, screenshot_path

pytestmark = pytest.mark.browser

QUARTERS = "/plans/2024/quarters/"
LEDGER_FORM = "/plans/2024/indicators/P3-04/report/3/"


def test_closing_a_quarter_shows_the_checklist_then_asks(site, browser, page, problems):
    base = site.url
    waiting = QuarterlyReport.objects.filter(
        indicator__plan__year=2024, quarter=3, state="submitted"
    ).count()
    log_in(page, base, "admin")
    page.goto(base + QUARTERS)
    page.locator(f'a[href="{QUARTERS}3/close/"]').click()
    expect(page).to_have_url(re.compile(r"/quarters/3/close/$"))
    # The checklist first: nothing is closed by the click that led here.
    expect(page.locator(".closing-check-submitted .count")).to_have_text(str(waiting))
    expect(page.locator(".closing-check-follow_ups")).to_be_visible()
    assert Plan.objects.get(year=2024).closed_quarters() == set()
    for width in (1440, 375):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=screenshot_path(f"close-q3-zh-{width}.png"), full_page=True)
        assert page.evaluate("document.documentElement.scrollWidth") <= width
    # Cancel: back to the quarters, still open.
    page.get_by_role("link", name="取消").click()
    expect(page).to_have_url(re.compile(r"/quarters/$"))
    assert Plan.objects.get(year=2024).closed_quarters() == set()
    # Confirm: closed, and the log says so once.
    page.goto(base + QUARTERS + "3/close/")
    page.get_by_role("button", name="确认关闭第3季度").click()
    expect(page).to_have_url(re.compile(r"/quarters/$"))
    assert Plan.objects.get(year=2024).closed_quarters() == {3}
    log = page.locator("h2 + ul").last
    expect(log.locator("li")).to_have_count(1)
    expect(log).not_to_contain_text("重新开放")

    english = problems.watch(browser.new_page(locale="en-US"))
    log_in(english, base, "admin")
    english.goto(base + QUARTERS + "2/close/")
    expect(english.get_by_role("button", name="Close Q2 now")).to_be_visible()
    for width in (1440, 375):
        english.set_viewport_size({"width": width, "height": 900})
        english.screenshot(path=screenshot_path(f"close-q2-en-{width}.png"), full_page=True)
    assert problems == []


@pytest.mark.parametrize(("width", "tallest"), [(1440, 48), (375, 260)])
def test_the_ledger_is_a_compact_table(site, page, problems, width, tallest):
    """Before this, an item took 441-584 px at 1440 and 652-820 px at 375 (a card of
    stacked fields); now one table row (40 px) and a block of four short lines, five
    for an item with files at 375 px (its file control whole, the files below it)."""
    page.set_viewport_size({"width": width, "height": 900})
    log_in(page, site.url, "staff")
    page.goto(site.url + LEDGER_FORM)
    rows = page.locator("#entry-rows .entry-row")
    expect(rows).to_have_count(4)
    heights = rows.evaluate_all("rows => rows.map((r) => r.getBoundingClientRect().height)")
    assert max(heights) <= tallest, heights
    if width == 1440:  # every input of a row on one line
        tops = rows.first.locator("input:visible, select, textarea").evaluate_all(
            "els => els.map((e) => Math.round(e.getBoundingClientRect().top))"
        )
        assert max(tops) - min(tops) <= 8, tops
    # Each file control wide enough for its own words (a 7.5rem one showed "N" of "No
    # file chosen"): 13rem, 208 px.
    controls = page.locator("#entry-rows input[type=file]").evaluate_all(
        "els => els.map((e) => e.getBoundingClientRect().width)"
    )
    assert min(controls) >= 208, controls
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    page.screenshot(path=screenshot_path(f"ledger-table-{width}.png"), full_page=True)
    assert problems == []
