"""The full permission matrix of the reporting workflow.

Every reporting URL and action × anonymous, staff of the leading section (staff:
P3, P6), staff of another section (staff2: P5), leader, reviewer, admin. A
refused attempt gets 403 (anonymous: the login page) and changes nothing.
"""

import pytest

from targets.models import QuarterlyReport

from .reporting_helpers import form_data, report_url, review_url, snapshot

PERSONAS = ["anonymous", "staff", "staff2", "leader", "reviewer", "admin"]
LOGIN = 302  # anonymous visitors are sent to the login page


def _expect(table):
    return [pytest.param(persona, table[persona], id=persona) for persona in PERSONAS]


@pytest.mark.parametrize(
    ("persona", "status"),
    _expect(
        {
            "anonymous": LOGIN,
            "staff": 200,
            "staff2": 200,
            # "My reports" is for those who report (issue 9): leaders and reviewers
            # read every report on the plan's pages instead.
            "leader": 403,
            "reviewer": 403,
            "admin": 200,
        }
    ),
)
def test_my_reports(personas, persona, status):
    assert personas[persona].get("/reports/").status_code == status


@pytest.mark.parametrize(
    ("persona", "status"),
    _expect(
        {
            "anonymous": LOGIN,
            "staff": 200,
            "staff2": 403,
            "leader": 200,
            "reviewer": 200,
            "admin": 200,
        }
    ),
)
def test_open_report_page(personas, persona, status):
    response = personas[persona].get(report_url("P6-04", 3))
    assert response.status_code == status
    if status == 200:
        has_form = response.context["form"] is not None
        assert has_form == (persona in {"staff", "admin"})


@pytest.mark.parametrize(
    ("persona", "status"),
    _expect(
        {
            "anonymous": LOGIN,
            "staff": 302,
            "staff2": 403,
            "leader": 403,
            "reviewer": 403,
            "admin": 302,
        }
    ),
)
def test_save_report(personas, persona, status):
    report = QuarterlyReport.objects.get(indicator__code="P6-04", quarter=3)
    before = snapshot("P6-04", 3)
    data = form_data(report, value="5", reason="更正")
    response = personas[persona].post(report_url("P6-04", 3), data)
    assert response.status_code == status
    if status == 302 and persona != "anonymous":
        assert snapshot("P6-04", 3)[0]["value"] == 5
    else:
        assert snapshot("P6-04", 3) == before


@pytest.mark.parametrize(
    ("persona", "status"),
    _expect(
        {
            "anonymous": LOGIN,
            "staff": 403,
            "staff2": 302,
            "leader": 403,
            "reviewer": 403,
            "admin": 302,
        }
    ),
)
def test_create_report_for_another_sections_indicator(personas, persona, status):
    """P5-05 has no Q3 report and belongs to staff2's section: staff may not create it."""
    response = personas[persona].post(report_url("P5-05", 3), form_data(value="3"))
    assert response.status_code == status
    created = QuarterlyReport.objects.filter(indicator__code="P5-05", quarter=3).exists()
    assert created == (status == 302 and persona != "anonymous")


@pytest.mark.parametrize("action", ["approve", "return"])
@pytest.mark.parametrize(
    ("persona", "status"),
    _expect(
        {
            "anonymous": LOGIN,
            "staff": 403,
            "staff2": 403,
            "leader": 403,
            "reviewer": 302,
            "admin": 302,
        }
    ),
)
def test_review_report(personas, persona, status, action):
    report = QuarterlyReport.objects.get(indicator__code="P6-04", quarter=3)
    before = snapshot("P6-04", 3)
    response = personas[persona].post(
        review_url("P6-04", 3),
        {"action": action, "comment": "请补充佐证材料", "version": report.version},
    )
    assert response.status_code == status
    report.refresh_from_db()
    if status == 302 and persona != "anonymous":
        assert report.state == {"approve": "approved", "return": "returned"}[action]
    else:
        assert snapshot("P6-04", 3) == before


@pytest.mark.parametrize(
    ("persona", "status"),
    _expect(
        {
            "anonymous": LOGIN,
            "staff": 403,
            "staff2": 403,
            "leader": 403,
            "reviewer": 200,
            "admin": 200,
        }
    ),
)
def test_review_queue(personas, persona, status):
    assert personas[persona].get("/reviews/").status_code == status


ADMIN_ONLY = _expect(
    {"anonymous": LOGIN, "staff": 403, "staff2": 403, "leader": 403, "reviewer": 403, "admin": 200}
)


@pytest.mark.parametrize(("persona", "status"), ADMIN_ONLY)
def test_quarters_page(personas, persona, status):
    assert personas[persona].get("/plans/2024/quarters/").status_code == status


@pytest.mark.parametrize(("persona", "status"), ADMIN_ONLY)
def test_close_and_reopen_quarter(personas, persona, demo, status):
    client = personas[persona]
    response = client.post("/plans/2024/quarters/3/close/", {"confirm": "yes"})
    assert response.status_code == (302 if status == 200 else status)
    assert demo.is_quarter_closed(3) == (persona == "admin")
    if persona != "admin":
        demo.close_quarter(3, by=None, reason="test")
    response = client.post("/plans/2024/quarters/3/reopen/", {"reason": "补报"})
    assert response.status_code == (302 if status == 200 else status)
    assert demo.is_quarter_closed(3) == (persona != "admin")


@pytest.mark.parametrize(
    ("persona", "status"),
    _expect(
        {
            "anonymous": LOGIN,
            "staff": 200,
            "staff2": 200,
            "leader": 200,
            "reviewer": 200,
            "admin": 200,
        }
    ),
)
@pytest.mark.parametrize("url", ["/plans/2024/indicators/P6-04/history/", "/plans/2024/missing/"])
def test_history_and_missing_reports_are_readable_by_everyone_signed_in(
    personas, persona, status, url
):
    assert personas[persona].get(url).status_code == status


@pytest.mark.parametrize(
    ("persona", "status"),
    _expect(
        {
            "anonymous": 302,
            "staff": 403,
            "staff2": 403,
            "leader": 403,
            "reviewer": 403,
            "admin": 200,
        }
    ),
)
def test_direct_admin_url(personas, persona, status):
    report = QuarterlyReport.objects.get(indicator__code="P6-04", quarter=3)
    url = f"/admin/targets/quarterlyreport/{report.pk}/change/"
    assert personas[persona].get(url).status_code == status


@pytest.mark.parametrize("persona", PERSONAS)
def test_no_one_changes_a_report_through_the_admin(personas, persona):
    report = QuarterlyReport.objects.get(indicator__code="P6-04", quarter=3)
    before = snapshot("P6-04", 3)
    url = f"/admin/targets/quarterlyreport/{report.pk}/change/"
    response = personas[persona].post(url, {"value": "99", "quarter": "3", "state": "approved"})
    assert response.status_code in {302, 403}
    if persona != "anonymous":
        assert response.status_code == 403
    assert snapshot("P6-04", 3) == before


def test_staff_lands_on_my_reports_and_sees_only_their_section(personas):
    response = personas["staff"].get("/")
    assert response["Location"] == "/reports/"
    response = personas["staff"].get("/reports/")
    codes = {i.indicator.code for g in response.context["sections"] for i in g.items}
    assert codes and all(code[:2] in {"P3", "P6"} for code in codes)


def test_admin_sees_every_section_and_the_leader_lands_on_the_plan(personas):
    response = personas["admin"].get("/reports/")
    codes = {i.indicator.code for g in response.context["sections"] for i in g.items}
    assert len(codes) == 29
    assert personas["leader"].get("/")["Location"] == "/plans/2024/"


@pytest.mark.parametrize("model", ["quarterlyreport", "reportingperiod"])
def test_admin_history_page_cannot_save_an_old_version(personas, demo, model):
    """simple-history's "revert" page saves what is posted even when revert is off."""
    demo.close_quarter(3, by=None, reason="关账")
    report = QuarterlyReport.objects.get(indicator__code="P6-04", quarter=3)
    obj = report if model == "quarterlyreport" else demo.periods.get(quarter=3)
    before = snapshot("P6-04", 3)
    record = obj.history.first()
    url = f"/admin/targets/{model}/{obj.pk}/history/{record.history_id}/"
    assert personas["admin"].get(url).status_code == 200  # it may show
    response = personas["admin"].post(
        url, {"value": "9", "state": "draft", "version": "1", "is_closed": ""}
    )
    assert response.status_code == 403
    assert snapshot("P6-04", 3) == before
    assert demo.is_quarter_closed(3)
