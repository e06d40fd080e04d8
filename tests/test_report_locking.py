"""A closed quarter and an approved report cannot change by any route."""

import pytest

from targets.models import QuarterlyReport
from targets.models.report import ReportLocked

from .reporting_helpers import form_data, report_url, review_url, snapshot


@pytest.fixture
def closed_q3(demo, users):
    demo.close_quarter(3, by=users["admin"], reason="季度调度会后关账")
    return demo


def test_closed_quarter_refuses_the_form(personas, closed_q3):
    report = QuarterlyReport.objects.get(indicator__code="P6-04", quarter=3)
    before = snapshot("P6-04", 3)
    for persona in ("staff", "admin"):
        page = personas[persona].get(report_url("P6-04", 3))
        assert page.status_code == 200 and page.context["form"] is None
        response = personas[persona].post(
            report_url("P6-04", 3), form_data(report, value="9", reason="x")
        )
        assert response.status_code == 403
    assert snapshot("P6-04", 3) == before


def test_closed_quarter_refuses_new_reports(personas, closed_q3):
    response = personas["staff2"].post(report_url("P5-05", 3), form_data(value="1"))
    assert response.status_code == 403
    assert snapshot("P5-05", 3) is None


def test_closed_quarter_refuses_review(personas, closed_q3):
    report = QuarterlyReport.objects.get(indicator__code="P6-04", quarter=3)
    before = snapshot("P6-04", 3)
    response = personas["reviewer"].post(
        review_url("P6-04", 3), {"action": "approve", "version": report.version}
    )
    assert response.status_code == 403
    assert snapshot("P6-04", 3) == before


def test_closed_quarter_refuses_model_saves_and_deletes(closed_q3):
    report = QuarterlyReport.objects.get(indicator__code="P6-04", quarter=3)
    report.value = 99
    with pytest.raises(ReportLocked):
        report.save()
    with pytest.raises(ReportLocked):
        report.delete()
    with pytest.raises(ReportLocked):
        QuarterlyReport(indicator=report.indicator, quarter=3).save()


def test_reopening_needs_a_reason_and_then_allows_changes(personas, closed_q3):
    response = personas["admin"].post("/plans/2024/quarters/3/reopen/", {"reason": "  "})
    assert response.status_code == 400
    assert closed_q3.is_quarter_closed(3)
    response = personas["admin"].post("/plans/2024/quarters/3/reopen/", {"reason": "补报数据"})
    assert response.status_code == 302
    assert not closed_q3.is_quarter_closed(3)
    record = closed_q3.periods.get(quarter=3).history.first()
    assert record.history_change_reason == "补报数据"
    assert record.history_user.username == "admin"
    report = QuarterlyReport.objects.get(indicator__code="P6-04", quarter=3)
    response = personas["staff"].post(
        report_url("P6-04", 3), form_data(report, value="5", reason="补报")
    )
    assert response.status_code == 302


def test_approved_report_is_locked_until_returned(personas):
    report = QuarterlyReport.objects.get(indicator__code="P6-04", quarter=2)
    assert report.state == "approved"
    before = snapshot("P6-04", 2)
    response = personas["staff"].post(
        report_url("P6-04", 2), form_data(report, value="9", reason="x")
    )
    assert response.status_code == 403
    assert snapshot("P6-04", 2) == before
    report.value = 9
    with pytest.raises(ReportLocked):
        report.save()
    report.refresh_from_db()
    personas["reviewer"].post(
        review_url("P6-04", 2),
        {"action": "return", "comment": "数字需核实", "version": report.version},
    )
    report.refresh_from_db()
    assert report.state == "returned" and report.value == 4
    page = personas["staff"].get(report_url("P6-04", 2))
    assert "数字需核实" in page.content.decode()  # staff see the reviewer's comment
    response = personas["staff"].post(
        report_url("P6-04", 2), form_data(report, value="5", reason="已核实")
    )
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.state == "submitted" and report.value == 5


def test_return_needs_a_comment(personas):
    report = QuarterlyReport.objects.get(indicator__code="P6-04", quarter=3)
    before = snapshot("P6-04", 3)
    personas["reviewer"].post(
        review_url("P6-04", 3), {"action": "return", "comment": "", "version": report.version}
    )
    assert snapshot("P6-04", 3) == before


def test_submitted_report_cannot_go_back_to_draft(personas):
    report = QuarterlyReport.objects.get(indicator__code="P6-04", quarter=3)
    response = personas["staff"].post(
        report_url("P6-04", 3), form_data(report, value="5", reason="x", action="draft")
    )
    assert response.status_code == 403
    assert QuarterlyReport.objects.get(pk=report.pk).state == "submitted"


def test_dashboard_counts_submitted_and_approved_and_flags_pending(leader_client):
    standings = {
        s.indicator.code: s
        for s in leader_client.get("/plans/2024/?quarter=3").context["overview"].standings
    }
    assert standings["P6-04"].pending_approval  # Q3 submitted, not approved yet
    assert standings["P6-04"].actual == 11  # ... and still counted
    assert not standings["P1-01"].pending_approval
    assert standings["P3-06"].status == "not_reported"  # a draft does not count


def test_the_log_shows_a_first_close_as_a_close_only(personas, closed_q3):
    # The period is created closed: one history row, no "reopened" that never was.
    rows = closed_q3.periods.model.history.filter(plan=closed_q3, quarter=3)
    assert list(rows.values_list("history_type", "is_closed")) == [("+", True)]
    page = personas["admin"].get("/plans/2024/quarters/", HTTP_ACCEPT_LANGUAGE="en")
    log = page.content.decode().split("<h2", 2)[-1]
    assert "Q3 closed" in log and "reopened" not in log
