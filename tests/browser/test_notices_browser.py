"""Notices in a real browser: the unread count on a phone's folded menu, and a leader
following an indicator with the button on its page (a real form POST, CSRF and all)."""

import pytest
from playwright.sync_api import expect

from accounts.models import User
from notices.models import Notice

from ..oversight_helpers import follow_up
from .conftest import log_in, screenshot_path

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("locale", ["zh-CN", "en"])
def test_the_unread_count_shows_on_the_folded_menu(browser, site, locale):
    follow_up({u.username: u for u in User.objects.all()})  # staff: one more notice
    unread = str(
        Notice.objects.filter(recipient__username="staff", channel="app", read_at=None).count()
    )
    context = browser.new_context(viewport={"width": 375, "height": 812}, locale=locale)
    page = context.new_page()
    log_in(page, site.url, "staff")
    page.goto(site.url + "/reports/")
    toggle = page.locator(".navbar-toggler")
    expect(toggle.locator(".notice-count")).to_have_text(unread)
    expect(toggle.locator(".notice-count")).to_be_visible()
    expect(page.locator(".notice-bell")).to_be_hidden()  # folded away with the menu
    page.screenshot(path=screenshot_path(f"phone-notice-count-{locale}.png"))
    page.set_viewport_size({"width": 1440, "height": 900})
    expect(toggle).to_be_hidden()
    expect(page.locator(".notice-bell .notice-count")).to_have_text(unread)
    context.close()


def test_a_leader_follows_and_unfollows_an_indicator(page, problems, site):
    log_in(page, site.url, "leader")
    page.goto(site.url + "/plans/2024/indicators/P5-04/")
    page.locator(".follow-form button").click()
    page.wait_for_load_state()
    expect(page.locator(".follow-form button")).to_have_text("取消关注 P5-04")
    expect(page.locator(".messages")).to_contain_text("已关注 P5-04")
    page.locator(".follow-form button").click()
    page.wait_for_load_state()
    expect(page.locator(".follow-form button")).to_have_text("关注 P5-04")
    assert problems == []
