"""403, 404 and 500 in the site's layout and language, with a way back."""

from django.test import RequestFactory
from django.utils import translation
from django.views.defaults import server_error

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def test_not_found_is_a_page_of_the_site(leader_client):
    response = leader_client.get("/plans/2024/indicators/P9-99/")
    assert response.status_code == 404
    content = response.content.decode()
    assert "没有这个页面" in content and 'lang="zh-hans"' in content
    assert 'class="site-header"' in content  # the site's menu
    assert "返回计划" in content
    english = leader_client.get("/plans/2024/indicators/P9-99/", **EN).content.decode()
    assert "There is no such page" in english and "Go to the plan" in english


def test_forbidden_says_why_in_the_users_language(personas):
    response = personas["staff2"].get("/plans/2024/indicators/P6-04/report/3/", **EN)
    assert response.status_code == 403
    content = response.content.decode()
    assert "You may not open this page" in content
    assert "Only the lead units report on this indicator." in content
    assert 'href="/reports/"' in content  # the menu of staff2, who reports


def test_server_error_page_needs_nothing_but_the_template():
    """Django renders 500.html without a request context (the error may come from
    anything): the layout still stands, without the menu of a signed-in user."""
    with translation.override("zh-hans"):
        response = server_error(RequestFactory().get("/"))
    content = response.content.decode()
    assert response.status_code == 500
    assert "系统出错了" in content and "您已填写的内容不会丢失" in content
    assert 'class="site-header"' in content and 'href="/"' in content


def test_every_page_keeps_the_strict_policy(personas):
    """No inline script or style on any page the toolkit renders (forms, tables,
    alerts, the menu): the Content-Security-Policy stays script-src/style-src 'self'."""
    import re

    pages = {
        "staff": ["/reports/", "/plans/2024/indicators/P6-04/report/3/"],
        "reviewer": ["/reviews/", "/plans/2024/indicators/P6-04/report/3/"],
        "admin": ["/plans/2024/quarters/", "/reports/?section=demo-talent"],
        "leader": ["/plans/2024/missing/", "/plans/2024/indicators/P6-04/history/", "/nowhere/"],
        "anonymous": ["/accounts/login/"],
    }
    for persona, urls in pages.items():
        for url in urls:
            content = personas[persona].get(url).content.decode()
            assert " style=" not in content and " onclick=" not in content, url
            for tag in re.findall(r"<script[^>]*>", content):
                assert ' src="' in tag or 'type="application/json"' in tag, (url, tag)
