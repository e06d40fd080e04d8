"""The read-only plan page: login required, statuses as of a quarter, fixed queries."""

from decimal import Decimal

import pytest
from django.urls import reverse

from targets.models import QuarterlyReport

URL = "/plans/2024/"


def test_plan_url_is_readable():
    assert reverse("targets:plan", kwargs={"year": 2024}) == URL
    assert (
        reverse("targets:indicator", kwargs={"year": 2024, "code": "P6-04"})
        == "/plans/2024/indicators/P6-04/"
    )


def test_login_required(personas):
    response = personas["anonymous"].get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("persona", ["admin", "leader", "reviewer", "staff", "staff2"])
def test_every_signed_in_persona_reads_the_plan(personas, persona):
    assert personas[persona].get(URL).status_code == 200


def test_default_quarter_is_the_latest_ended(leader_client):
    response = leader_client.get(URL)
    assert response.context["quarter"] == 3


def test_lists_every_indicator_with_its_standing(leader_client):
    response = leader_client.get(URL + "?quarter=3")
    overview = response.context["overview"]
    standings = {s.indicator.code: s for s in overview.standings}
    assert len(standings) == 29
    assert [p.pillar.code for p in overview.pillars] == ["P1", "P2", "P3", "P4", "P5", "P6"]
    assert standings["P1-01"].status == "on_track"
    assert standings["P1-01"].actual == Decimal(8)
    assert standings["P3-04"].status == "at_risk"
    assert standings["P5-03"].status == "behind"
    assert standings["P5-05"].status == "not_reported"
    assert standings["P2-01"].status == "met"
    content = response.content.decode()
    assert "认定市级新型研发机构" in content
    assert "70.0%" in content  # P3-04: 7 of 10
    assert "≥ 10" in content


def test_quarter_parameter_changes_the_standing(leader_client):
    response = leader_client.get(URL + "?quarter=1")
    standings = {s.indicator.code: s for s in response.context["overview"].standings}
    assert standings["P1-01"].actual == Decimal(2)
    assert response.context["quarter"] == 1


@pytest.mark.parametrize("bad", ["0", "5", "x", "1.5", "-1"])
def test_bad_quarter_is_not_found_not_an_error(leader_client, bad):
    assert leader_client.get(URL + f"?quarter={bad}").status_code == 404


def test_unknown_plan_and_indicator_are_not_found(leader_client):
    assert leader_client.get("/plans/1999/").status_code == 404
    assert leader_client.get("/plans/2024/indicators/P9-99/").status_code == 404


def test_indicator_page_shows_reports(leader_client):
    response = leader_client.get("/plans/2024/indicators/P5-04/?quarter=3")
    assert response.status_code == 200
    assert response.context["standing"].status == "at_risk"  # 100, not yet > 100
    assert "(示例)" in response.content.decode()


def test_text_is_escaped(leader_client, demo):
    report = QuarterlyReport.objects.get(indicator__code="P1-02", quarter=3)
    report.progress = "<script>alert(1)</script>"
    report.save_by(None, reason="test")
    content = leader_client.get("/plans/2024/indicators/P1-02/").content.decode()
    assert "<script>alert(1)</script>" not in content
    assert "&lt;script&gt;" in content


@pytest.mark.parametrize(
    ("today", "quarter"),
    [("2023-12-31", 1), ("2024-02-10", 1), ("2024-04-01", 1), ("2024-10-08", 3), ("2026-11-29", 4)],
)
def test_reporting_quarter_is_the_latest_ended(plan, today, quarter):
    import datetime

    assert plan.reporting_quarter(datetime.date.fromisoformat(today)) == quarter


def test_quarter_dates_and_due_date(plan, settings):
    import datetime

    assert plan.quarter_end(1) == datetime.date(2024, 3, 31)
    assert plan.quarter_end(4) == datetime.date(2024, 12, 31)
    assert plan.report_due(3) == datetime.date(2024, 10, 10)
    assert plan.is_future(4, datetime.date(2024, 9, 30))
    assert not plan.is_future(3, datetime.date(2024, 9, 30))


@pytest.mark.parametrize("path", ["/plans/2024/", "/plans/2024/pillars/P5/"])
def test_no_template_comment_reaches_the_page(leader_client, path):
    """Django's {# #} is one line only: a longer one was printed above the title."""
    assert "{#" not in leader_client.get(path).content.decode()
