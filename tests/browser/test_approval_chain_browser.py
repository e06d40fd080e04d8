"""A two-step approval chain end to end in Chromium: staff submits, the section head
approves step 1, the planning office approves step 2; and a return at step 2 whose
reason reaches the section. Screenshots of the queue and the report at each step,
at 1440 and 375 px, in Chinese and English."""

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.test import Client
from playwright.sync_api import expect

from accounts.models import User
from targets.demo import DEMO_PASSWORD
from targets.models import ApprovalStep, QuarterlyReport

from .conftest import PageProblems, log_in, screenshot_path

pytestmark = pytest.mark.browser

LANGUAGES = {"zh-CN": "zh-CN,zh;q=0.9", "en-US": "en-US,en;q=0.9"}


@pytest.fixture
def chain(site, demo):
    heads = Group.objects.create(name="科室负责人")
    staff = User.objects.get(username="staff")
    head = User.objects.create_user(
        "head", role=User.Role.STAFF, section=staff.section, password=DEMO_PASSWORD
    )
    head.groups.add(heads)
    ApprovalStep.objects.create(
        plan=demo,
        order=0,
        name_zh="科室负责人审核",
        name_en="Section head review",
        group=heads,
        own_section_only=True,
    )
    ApprovalStep.objects.create(
        plan=demo,
        order=1,
        name_zh="规划办审核",
        name_en="Planning office review",
        role="reviewer",
    )
    return demo


def _report(code):
    return QuarterlyReport.objects.get(indicator__code=code, quarter=3)


def _card(page, code):
    return page.locator("li.queue-row", has=page.locator(f"h2:has-text('{code}')"))


def _unfold(card):
    """The review form is in the row's folded details."""
    card.locator("summary").click()
    return card


def _as(browser, site, username, width=1440, language="zh-CN"):
    context = browser.new_context(
        viewport={"width": width, "height": 900},
        locale=language,
        extra_http_headers={"Accept-Language": LANGUAGES[language]},
    )
    page = context.new_page()
    log_in(page, site.url, username)
    return page


class Shots:
    """The pages at both widths in both languages, the whole length: a window for each
    language, kept for the whole test (its static files load once), signed in by the
    session's cookie of whoever is pictured. The sign-in through the form is the
    steps' (`_as`); signing in for every picture was most of this test's time. Each
    page is loaded once, pictured at 1440 px, then narrowed to 375 px (the same CSS
    media queries apply as on a phone) and pictured again."""

    def __init__(self, browser, site):
        self.site = site
        self.pages = {}
        for language in LANGUAGES:
            context = browser.new_context(
                locale=language, extra_http_headers={"Accept-Language": LANGUAGES[language]}
            )
            self.pages[language] = context.new_page()

    def take(self, username, path, name):
        client = Client()
        client.force_login(User.objects.get(username=username))
        cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
        for language, page in self.pages.items():
            page.context.add_cookies(
                [{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": self.site.url}]
            )
            page.set_viewport_size({"width": 1440, "height": 900})
            page.goto(self.site.url + path)
            for width in (1440, 375):
                page.set_viewport_size({"width": width, "height": 900})
                page.screenshot(
                    path=screenshot_path(f"chain-{name}-{language}-{width}.png"), full_page=True
                )

    def close(self):
        for page in self.pages.values():
            page.context.close()


def test_two_steps_from_staff_to_approved(browser, site, chain):
    shots = Shots(browser, site)
    shots.take("admin", "/plans/2024/setup/", "setup")
    staff = _as(browser, site, "staff")
    staff.goto(f"{site.url}/plans/2024/indicators/P3-06/report/3/")
    staff.fill("input[name=value]", "3")
    staff.click("button[name=action][value=submit]")
    staff.wait_for_load_state()
    assert (_report("P3-06").state, _report("P3-06").step) == ("submitted", 0)

    # The planning office does not see it yet: it waits for the section head.
    reviewer = _as(browser, site, "reviewer")
    reviewer.goto(f"{site.url}/reviews/")
    expect(_card(reviewer, "P3-06")).to_have_count(0)

    head = _as(browser, site, "head")
    head.goto(f"{site.url}/reviews/")
    card = _card(head, "P3-06")
    expect(card.locator(".approval-step")).to_have_text("第 1 步，共 2 步：科室负责人审核")
    shots.take("head", "/reviews/", "queue-step1")
    _unfold(card).locator("button[name=action][value=approve]").click()
    head.wait_for_load_state()
    expect(_card(head, "P3-06")).to_have_count(0)  # passed on
    assert (_report("P3-06").state, _report("P3-06").step) == ("submitted", 1)

    shots.take("staff", "/plans/2024/indicators/P3-06/report/3/", "report-step2")
    reviewer.goto(f"{site.url}/reviews/")
    card = _card(reviewer, "P3-06")
    expect(card.locator(".approval-step")).to_have_text("第 2 步，共 2 步：规划办审核")
    shots.take("reviewer", "/reviews/", "queue-step2")
    _unfold(card).locator("button[name=action][value=approve]").click()
    reviewer.wait_for_load_state()
    assert _report("P3-06").state == "approved"
    staff.goto(f"{site.url}/plans/2024/indicators/P3-06/report/3/")
    expect(staff.locator(".state-approved")).to_have_count(1)
    shots.close()


def test_a_return_at_step_two_reaches_the_section(browser, site, chain):
    head = _as(browser, site, "head")
    head.goto(f"{site.url}/reviews/")
    _unfold(_card(head, "P6-04")).locator("button[name=action][value=approve]").click()
    head.wait_for_load_state()

    reviewer = _as(browser, site, "reviewer")
    reviewer.goto(f"{site.url}/reviews/")
    card = _card(reviewer, "P6-04")
    _unfold(card).locator("textarea[name=comment]").fill("(示例)请补充活动签到表")
    card.locator("button[name=action][value=return]").click()
    reviewer.wait_for_load_state()
    report = _report("P6-04")
    assert (report.state, report.step) == ("returned", 0)

    staff = _as(browser, site, "staff")
    staff.goto(f"{site.url}/plans/2024/indicators/P6-04/report/3/")
    expect(staff.locator("main")).to_contain_text("(示例)请补充活动签到表")
    expect(staff.locator(".state-returned")).to_have_count(1)


@pytest.mark.parametrize("width", [1440, 375])
def test_the_section_head_has_review_and_its_count_in_the_menu(browser, site, chain, width):
    """Not a reviewer, so the menu renders "Review" hidden; the menu's counts, asked once
    the page has loaded, say the head acts in a review and how many wait: shown, on a
    phone once the menu unfolds. Staff outside the chain never see it."""
    staff = User.objects.get(username="staff")
    waiting = (
        QuarterlyReport.objects.filter(
            indicator__plan=chain,
            state="submitted",
            indicator__units__section=staff.section,
            indicator__units__role="lead",
        )
        .distinct()
        .count()
    )
    assert waiting > 0
    head = _as(browser, site, "head", width)
    problems = PageProblems()
    problems.watch(head)
    head.goto(f"{site.url}/reports/")
    link = head.locator(".review-link")
    expect(head.locator(".review-count-number")).to_have_text(str(waiting))
    if width < 992:  # Bootstrap's lg: the menu is folded behind its toggle
        expect(link).to_be_hidden()
        head.locator(".navbar-toggler").click()
    expect(link).to_be_visible()
    expect(link).to_contain_text(f"审核 {waiting}")
    expect(link.locator(".review-count")).to_be_visible()
    head.screenshot(path=screenshot_path(f"chain-head-menu-{width}.png"))
    assert problems == []

    other = _as(browser, site, "staff", width)
    other.wait_for_load_state("networkidle")  # the landing page's own counts answered
    with other.expect_response(lambda response: "/notices/counts.json" in response.url) as asked:
        other.goto(f"{site.url}/reports/")
    assert asked.value.json()["waiting"] is None
    other.wait_for_load_state("networkidle")  # the script has read the answer
    if width < 992:
        other.locator(".navbar-toggler").click()
        expect(other.locator(".site-nav")).to_be_visible()
    expect(other.locator(".review-link")).to_be_hidden()
    other.context.close()
    head.context.close()
