"""Only the bytes a page needs (issue 24), in a real browser: the phone menu works
without Bootstrap's JavaScript, and the plan page fetches Chart.js only when its
chart nears the screen. The byte budget itself: tests/test_page_weight.py."""

import pytest
from playwright.sync_api import expect

from .conftest import log_in

pytestmark = pytest.mark.browser

CHART_JS = "chart.umd.min.js"


def test_phone_menu_opens_and_closes_with_mouse_and_keyboard(browser, site):
    context = browser.new_context(viewport={"width": 375, "height": 812}, locale="zh-CN")
    page = context.new_page()
    problems = []
    page.on("pageerror", lambda error: problems.append(str(error)))
    log_in(page, site.url, "leader")
    toggler, menu = page.locator(".navbar-toggler"), page.locator("#site-nav")
    plan_link = menu.locator(".nav-link").first
    expect(toggler).to_have_attribute("aria-expanded", "false")
    expect(plan_link).to_be_hidden()

    toggler.click()
    expect(menu).to_have_class("navbar-collapse collapse show")  # after the animation
    expect(toggler).to_have_attribute("aria-expanded", "true")
    expect(plan_link).to_be_visible()

    toggler.focus()
    page.keyboard.press("Enter")
    expect(menu).to_have_class("navbar-collapse collapse")
    expect(toggler).to_have_attribute("aria-expanded", "false")
    expect(toggler).to_have_class("navbar-toggler collapsed")
    expect(plan_link).to_be_hidden()

    page.keyboard.press("Space")  # a <button>: Space works as well
    expect(toggler).to_have_attribute("aria-expanded", "true")
    expect(plan_link).to_be_visible()

    # On a desktop the menu is a bar, whatever the phone menu's state.
    page.set_viewport_size({"width": 1440, "height": 900})
    expect(toggler).to_be_hidden()
    expect(plan_link).to_be_visible()
    assert problems == []
    context.close()


def test_plan_page_fetches_chart_js_only_when_its_chart_nears(page, problems, site):
    log_in(page, site.url, "leader")
    fetched = []
    page.on("request", lambda request: fetched.append(request.url))
    page.goto(f"{site.url}/plans/2024/?quarter=3")
    page.wait_for_load_state("networkidle")
    chart = page.locator("canvas[data-chart]").first
    assert not any(CHART_JS in url for url in fetched)
    expect(chart).not_to_have_attribute("data-drawn", "true")

    chart.scroll_into_view_if_needed()
    expect(chart).to_have_attribute("data-drawn", "true")
    assert [url for url in fetched if CHART_JS in url] != []
    assert not any("annotation" in url for url in fetched)  # no target line on this page
    assert problems == []
