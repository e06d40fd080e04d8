"""The meeting summary's print view and the export links of the dashboard pages."""

import html
import re

import pytest

PRINT = "/plans/2024/export/print/"


def test_print_view_holds_the_summary_rows_and_the_chart(leader_client):
    response = leader_client.get(PRINT + "?quarter=3")
    assert response.status_code == 200
    content = response.content.decode()
    assert content.count('<tr><td class="col-no') == 29
    assert 'canvas role="img"' in content
    assert "css/print.css" in content
    assert "认定市级新型研发机构" in content
    assert "cell-at_risk" in content  # P3-04 as of Q3, coloured


def test_print_view_follows_the_filters(leader_client):
    content = leader_client.get(PRINT + "?quarter=3&pillar=P5&status=behind").content.decode()
    assert content.count('<tr><td class="col-no') == 1
    assert "P5-03" in content


def test_print_view_needs_login(personas):
    assert personas["anonymous"].get(PRINT).status_code == 302


@pytest.mark.parametrize("bad", ["?quarter=9", "?pillar=P9", "?status=soon"])
def test_print_view_refuses_unknown_filters(leader_client, bad):
    assert leader_client.get(PRINT + bad).status_code == 404


def test_print_view_query_count_is_fixed(leader_client, demo, django_assert_num_queries):
    from .growth import grow_plan

    # 1 session, 2 user, 3 plans, 4 indicators (+pillar, task), 5 their lead and
    # cooperating units, 6 reports, 7 target revisions, 8 elements and 9 indicators,
    # 10 their units, 11 reports, 12 target revisions for the status chart's overview
    with django_assert_num_queries(12):
        leader_client.get(PRINT + "?quarter=3")
    grow_plan(demo, 5)
    with django_assert_num_queries(12):
        leader_client.get(PRINT + "?quarter=3")


def _links(content):
    return {html.unescape(href) for href in re.findall(r'href="([^"]*export[^"]*)"', content)}


def test_dashboard_export_links_carry_quarter_and_filters(leader_client):
    content = leader_client.get("/plans/2024/?quarter=2&kind=count&status=behind").content.decode()
    links = _links(content)
    for name in ("summary.csv", "summary.xlsx", "print/"):
        assert f"/plans/2024/export/{name}?quarter=2&kind=count&status=behind" in links
    assert "/plans/2024/export/reports.csv" in links
    assert "/plans/2024/export/history.csv" in links


def test_pillar_export_links_carry_the_pillar(leader_client):
    links = _links(leader_client.get("/plans/2024/pillars/P3/?quarter=3").content.decode())
    assert "/plans/2024/export/summary.csv?quarter=3&pillar=P3" in links


def test_export_link_gives_the_rows_the_dashboard_shows(leader_client):
    page = leader_client.get("/plans/2024/?quarter=3&status=at_risk")
    on_screen = {row.record.indicator.code for row in page.context["table"].rows}
    csv = leader_client.get("/plans/2024/export/summary.csv?quarter=3&status=at_risk")
    text = csv.content.decode("utf-8-sig")
    exported = {line.split(",")[1] for line in text.strip().split("\r\n")[1:]}
    assert exported == on_screen


def test_pillar_page_exports_its_own_pillar_whatever_the_url_says(leader_client):
    links = _links(
        leader_client.get("/plans/2024/pillars/P3/?quarter=3&pillar=P5").content.decode()
    )
    assert "/plans/2024/export/summary.csv?quarter=3&pillar=P3" in links
