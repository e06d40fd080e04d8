"""Only ended quarters are "as of" quarters (today is 2024-10-08: Q3 has ended, Q4 runs).

A quarter still running cannot be picked, closed, or become anyone's default view
through an early submission; entering its figures early stays allowed, and shows
as early on the indicator page.
"""

import datetime
import re

import pytest

from targets.models import Plan
from targets.models.plan import QuarterNotEnded

from .reporting_helpers import form_data, report_url

PAGES = [
    "/plans/2024/",
    "/plans/2024/pillars/P5/",
    "/plans/2024/indicators/P5-04/",
    "/plans/2024/missing/",
    "/plans/2024/export/summary.csv",
    "/plans/2024/export/summary.xlsx",
    "/plans/2024/export/print/",
]
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.mark.parametrize("url", PAGES)
def test_a_quarter_not_ended_is_not_an_as_of_quarter(leader_client, url):
    assert leader_client.get(url + "?quarter=4").status_code == 404
    assert leader_client.get(url + "?quarter=3").status_code == 200


def test_the_picker_shows_the_running_quarter_as_not_yet_due(leader_client):
    content = leader_client.get("/plans/2024/").content.decode()
    picker = re.search(r'<nav class="quarter-picker".*?</nav>', content, re.S).group()
    assert '<strong aria-current="page">Q3</strong>' in picker
    assert "quarter=4" not in picker  # no link to Q4
    assert "Q4 <small>未到期</small>" in picker


@pytest.fixture
def early_q4(personas, users):
    """staff submits P6-04's Q4 figure on 2024-10-08, before Q4 has ended."""
    response = personas["staff"].post(report_url("P6-04", 4), form_data(value="2"))
    assert response.status_code == 302  # entering the current quarter early is allowed
    return response


@pytest.mark.parametrize("persona", ["admin", "leader", "reviewer", "staff", "staff2"])
def test_an_early_submission_leaves_everyones_default_at_q3(personas, early_q4, persona):
    response = personas[persona].get("/plans/2024/")
    assert response.context["quarter"] == 3
    counts = dict(response.context["overview"].status_counts)
    assert counts == dict(Plan.objects.get(year=2024).overview(3).status_counts)
    export = personas[persona].get("/plans/2024/export/summary.csv")
    assert "Q3" in export["Content-Disposition"]


def test_the_early_figure_shows_as_early_on_the_indicator_page(leader_client, early_q4):
    content = leader_client.get("/plans/2024/indicators/P6-04/", **EN).content.decode()
    assert 'Q4 · Submitted · <span class="early">early: Q4 has not ended</span>' in content
    # The dashboard as of Q3 does not count it.
    response = leader_client.get("/plans/2024/indicators/P6-04/")
    assert response.context["standing"].actual == 11


def test_a_running_quarter_cannot_be_closed(personas, demo):
    content = personas["admin"].get("/plans/2024/quarters/", **EN).content.decode()
    assert 'href="/plans/2024/quarters/3/close/"' in content
    assert 'href="/plans/2024/quarters/4/close/"' not in content
    assert "Can be closed after 2024-12-31" in content
    response = personas["admin"].post("/plans/2024/quarters/4/close/", {"confirm": "yes"}, **EN)
    assert response.status_code == 400
    assert "Q4 has not ended yet" in response.content.decode()
    assert 4 not in demo.closed_quarters()
    with pytest.raises(QuarterNotEnded):
        demo.close_quarter(4, by=None, today=datetime.date(2024, 10, 8))
    confirmed = personas["admin"].post("/plans/2024/quarters/3/close/", {"confirm": "yes"})
    assert confirmed.status_code == 302
    assert demo.closed_quarters() == {3}


@pytest.mark.parametrize(
    ("today", "quarters", "default"),
    [
        ("2024-02-10", [1], 1),  # nothing has ended: Q1, marked as still running
        ("2024-04-01", [1], 1),
        ("2024-07-01", [1, 2], 2),
        ("2024-10-08", [1, 2, 3], 3),
        ("2025-01-02", [1, 2, 3, 4], 4),
    ],
)
def test_as_of_quarters_follow_the_date(plan, today, quarters, default):
    day = datetime.date.fromisoformat(today)
    assert plan.as_of_quarters(day) == quarters
    assert plan.default_quarter(day) == default


def test_before_the_first_quarter_ends_the_page_says_so(leader_client, settings):
    settings.KPI_TODAY = datetime.date(2024, 2, 10)
    response = leader_client.get("/plans/2024/", **EN)
    assert response.context["quarter"] == 1
    assert "Q1 has not ended yet (it ends on 2024-03-31)" in response.content.decode()
    assert leader_client.get("/plans/2024/?quarter=2").status_code == 404


def test_the_lead_section_can_report_the_running_quarter_from_the_indicator_page(personas):
    content = personas["staff"].get("/plans/2024/indicators/P6-04/", **EN).content.decode()
    assert 'href="/plans/2024/indicators/P6-04/report/4/">Q4 <small>(early)</small>' in content
    # Nobody else is offered a form.
    leader = personas["leader"].get("/plans/2024/indicators/P6-04/").content.decode()
    assert "/report/4/" not in leader
