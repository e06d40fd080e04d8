"""A fresh installation: no plan yet. Every menu item answers, and an administrator is
led to loading the bureau's own plan.

The database holds the demo's accounts and sections but no plan (emptied inside the
test's transaction, as a new bureau has it after `migrate` and its first accounts).
"""

import re

import pytest

from targets.models import Indicator, Plan

ROLES = ("staff", "staff2", "leader", "reviewer", "admin")
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.fixture
def empty(personas):
    Indicator.objects.all().delete()  # reports and revisions go with them
    Plan.objects.all().delete()
    return personas


def menu_links(html):
    """The navigation bar's links a person sees (brand and menu items): not an item
    hidden until the menu's counts say its person acts there (Review, for a section
    head in a chain; static/js/menu_counts.js)."""
    nav = re.search(r"<nav class=\"navbar.*?</nav>", html, re.S).group()
    nav = re.sub(r"<li [^>]*\bhidden>.*?</li>", "", nav, flags=re.S)
    return re.findall(r'<a class="(?:nav-link|navbar-brand)[^"]*" href="([^"]+)"', nav)


@pytest.mark.parametrize("headers", [{}, EN])
def test_no_menu_item_leads_to_a_404_without_a_plan(empty, headers):
    walked = []
    for role in ROLES:
        client = empty[role]
        home = client.get("/", **headers)
        assert home.status_code == 200, role
        links = menu_links(home.content.decode())
        assert "/" in links and "/latest/missing_reports/" in links
        for link in links:
            response = client.get(link, follow=True, **headers)
            walked.append((role, link, response.status_code))
    assert ("staff", "/reports/", 200) in walked  # 我的报送 was a 404 until a plan existed
    assert ("admin", "/latest/quarters/", 200) in walked
    assert [w for w in walked if w[2] != 200] == []


def test_the_administrator_is_led_to_the_plan_import(empty):
    content = empty["admin"].get("/").content.decode()
    assert "/plans/import/" in content and "/plans/import/template.xlsx" in content
    assert "载入本单位的计划" in content and "下载计划模板" in content
    english = empty["admin"].get("/", **EN).content.decode()
    assert "Load your bureau's plan" in english
    for url in ("/plans/import/", "/plans/import/template.xlsx"):
        assert empty["admin"].get(url).status_code == 200


@pytest.mark.parametrize("role", ["staff", "leader", "reviewer"])
def test_others_are_told_there_is_no_plan_yet(empty, role):
    for url in ("/", "/reports/" if role == "staff" else "/latest/missing_reports/"):
        content = empty[role].get(url, **EN).content.decode()
        assert "No plan yet" in content
        assert "an administrator loads the year" in content
        assert "/plans/import/" not in content
