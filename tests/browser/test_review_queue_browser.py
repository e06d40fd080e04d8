"""The review queue in Chromium (issue 25): the reviewer filters it, opens an evidence
file in a new tab without leaving the queue, and approves two reports at once."""

import re

import pytest
from playwright.sync_api import expect

from targets.models import QuarterlyReport

from .conftest import log_in, screenshot_path

pytestmark = pytest.mark.browser


def _state(code):
    return QuarterlyReport.objects.get(indicator__code=code, quarter=3).state


def test_reviewer_filters_opens_evidence_and_approves_two_at_once(site, page, problems):
    base = site.url
    page.set_viewport_size({"width": 1440, "height": 900})
    log_in(page, base, "reviewer")
    page.goto(base + "/reviews/")
    rows = page.locator(".queue-row")
    expect(rows.first).to_be_visible()
    # The menu says how many wait for this reviewer (static/js/menu_counts.js).
    waiting = QuarterlyReport.objects.filter(indicator__plan__year=2024, state="submitted")
    expect(page.locator(".review-link .review-count")).to_be_visible()
    expect(page.locator(".review-count-number")).to_have_text(str(waiting.count()))

    # Filter: the platform section's reports (P3, P6), the choice kept in the URL.
    page.get_by_label("牵头单位").select_option(value="demo-platform")
    page.get_by_role("button", name="筛选").click()
    expect(page).to_have_url(re.compile(r"lead_section=demo-platform"))
    codes = rows.locator(".queue-title .code").all_inner_texts()
    assert codes and all(code[:2] in ("P3", "P6") for code in codes)

    # Evidence: the details of P3-04 unfold; its file opens in a new tab, the queue stays.
    p3_04 = rows.filter(has_text="P3-04")
    p3_04.locator("summary").click()
    link = p3_04.locator("a.evidence-link").first
    expect(link).to_be_visible()
    expect(link).to_have_attribute("target", "_blank")
    # The file is served to the new tab (a PDF: shown, or downloaded by a headless
    # shell, which has no viewer), through the same permission check as ever.
    with page.context.expect_event(
        "response", predicate=lambda response: "/evidence/" in response.url
    ) as served:
        link.click()
    assert served.value.status == 200
    for other in page.context.pages:
        if other is not page:
            other.close()
    expect(page).to_have_url(re.compile(r"/reviews/\?lead_section=demo-platform"))
    # P3-04 has an item without evidence: no tick; it is approved on its own.
    expect(p3_04.locator("input[type=checkbox]")).to_have_count(0)
    page.screenshot(path=screenshot_path("review-queue-filtered.png"), full_page=True)

    # Two ticked, approved at once; the message says which.
    for code in ("P6-03", "P6-04"):
        rows.filter(has_text=code).locator("input[type=checkbox]").check()
    page.get_by_role("button", name="审核通过勾选的报告").click()
    expect(page).to_have_url(re.compile(r"/reviews/\?lead_section=demo-platform$"))
    expect(page.locator(".message-success")).to_contain_text("已审核通过 2 份报告")
    assert _state("P6-03") == "approved" and _state("P6-04") == "approved"
    expect(rows.filter(has_text="P6-04")).to_have_count(0)
    page.screenshot(path=screenshot_path("review-queue-approved.png"), full_page=True)
    assert problems == []
