"""The ledger (台账) end to end in Chromium: staff add two items with their files and
submit; the reviewer opens a file and approves; the leader sees the names and the
county/district breakdown (table and chart)."""

import datetime
import re

import pytest
from playwright.sync_api import expect

from ledger.demo import example_pdf

from .conftest import log_in, screenshot_path

pytestmark = pytest.mark.browser

FORM = "/plans/2024/indicators/P3-04/report/3/"
ROWS = "#entry-rows .entry-row"


def _row(page, index):
    return page.locator(ROWS).nth(index)


def _fill(row, name, date, place, file):
    row.locator("input[name$='-name']").fill(name)
    row.locator("input[name$='-date']").fill(date)
    row.locator("select[name$='-division']").select_option(label=place)
    row.locator("input[name$='-files']").set_input_files(str(file))


def test_staff_add_items_reviewer_opens_a_file_and_approves_leader_sees_them(
    site, browser, page, problems, tmp_path
):
    base = site.url
    notice = tmp_path / "认定通知（第九批）.pdf"
    notice.write_bytes(example_pdf(datetime.date(2024, 9, 25)))
    photo = tmp_path / "揭牌现场.pdf"
    photo.write_bytes(example_pdf(datetime.date(2024, 9, 26)))

    log_in(page, base, "staff")
    page.goto(base + FORM)
    expect(page.locator(ROWS)).to_have_count(4)  # the quarter's three items and a blank row
    _fill(_row(page, 3), "示例·稀土功能材料研究院", "2024-09-25", "磐石市", notice)
    page.click("[data-add-entry]")  # ledger-form.js adds a row
    expect(page.locator(ROWS)).to_have_count(5)
    _fill(_row(page, 4), "示例·智慧农机装备中心", "2024-09-26", "蛟河市", photo)
    page.fill("textarea[name=reason]", "补录两家")
    page.screenshot(path=screenshot_path("ledger-form.png"), full_page=True)
    page.click("button[name=action][value=submit]")
    expect(page).to_have_url(re.compile(r"/reports/$"))

    reviewer = problems.watch(browser.new_page(locale="zh-CN"))
    log_in(reviewer, base, "reviewer")
    reviewer.goto(base + FORM)
    link = reviewer.get_by_role("link", name="认定通知（第九批）.pdf")
    expect(link).to_be_visible()
    opened = reviewer.context.request.get(base + link.get_attribute("href"))
    assert opened.status == 200 and opened.body().startswith(b"%PDF-")
    assert "filename*=utf-8''" in opened.headers["content-disposition"]
    expect(reviewer.locator(".figure strong")).to_contain_text("5")
    reviewer.click("button[name=action][value=approve]")
    expect(reviewer).to_have_url(re.compile(r"/reviews/$"))

    leader = problems.watch(
        browser.new_page(locale="zh-CN", viewport={"width": 1440, "height": 900})
    )
    log_in(leader, base, "leader")
    leader.goto(base + "/plans/2024/indicators/P3-04/?quarter=3")
    expect(leader.get_by_text("示例·稀土功能材料研究院")).to_be_visible()
    expect(leader.get_by_text("示例·智慧农机装备中心")).to_be_visible()
    table = leader.locator("#divisions-heading + figure table")
    expect(table.locator("tbody tr", has_text="磐石市")).to_have_text(
        re.compile(r"磐石市\s*0\s*0\s*1\s*1")
    )
    expect(table.locator("tbody tr").last).to_have_text(re.compile(r"合计\s*2\s*2\s*5\s*9"))
    expect(leader.locator("canvas[data-chart='chart-ledger-divisions']")).to_have_attribute(
        "data-drawn", "true"
    )
    leader.screenshot(path=screenshot_path("ledger-indicator.png"), full_page=True)
    assert problems == []
