"""Bad input gets a clear message next to the field and changes nothing."""

import datetime
from decimal import Decimal

import pytest

from targets.models import QuarterlyReport

from .reporting_helpers import form_data, report_url, snapshot


def _post(client, code, quarter, language="zh-hans", **data):
    report = QuarterlyReport.objects.filter(indicator__code=code, quarter=quarter).first()
    return client.post(
        report_url(code, quarter), form_data(report, **data), headers={"accept-language": language}
    )


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("abc", "Enter a number"),
        ("-1", "cannot be negative"),
        ("1.234", "2 decimal places"),
        ("1000000001", "too large"),
        ("12,34", "groups of three digits"),
        ("1,2345", "groups of three digits"),
        ("", "required"),
    ],
)
def test_bad_figures_are_refused_next_to_the_field(personas, typed, message):
    before = snapshot("P6-04", 3)
    response = _post(personas["staff"], "P6-04", 3, language="en", value=typed, reason="x")
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert list(errors) == ["value"]
    assert message in str(errors["value"])
    assert snapshot("P6-04", 3) == before


def test_messages_are_in_chinese_by_default(personas):
    response = _post(personas["staff"], "P6-04", 3, value="abc", reason="x")
    assert "请输入数字" in response.content.decode()


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("１２", "12"),
        ("1,234", "1234"),
        ("１，２３４．５", "1234.5"),
        (" 12 ", "12"),
        ("12.5", "12.5"),
        ("0", "0"),
    ],
)
def test_full_width_digits_and_separators_are_numbers(personas, typed, stored):
    response = _post(personas["staff"], "P6-04", 3, value=typed, reason="更正", confirm_large="on")
    assert response.status_code == 302, response.context["form"].errors
    report = QuarterlyReport.objects.get(indicator__code="P6-04", quarter=3)
    assert report.value == Decimal(stored)


def test_figure_far_above_target_asks_for_confirmation(personas):
    """P6-04's target is 15: a quarterly figure of 80 (> 5 × 15) is probably a typo."""
    before = snapshot("P6-04", 3)
    response = _post(personas["staff"], "P6-04", 3, value="80", reason="更正")
    assert response.status_code == 200
    form = response.context["form"]
    assert "value" in form.errors and "confirm_large" in form.errors
    assert 'name="confirm_large"' in response.content.decode()
    assert snapshot("P6-04", 3) == before
    response = _post(personas["staff"], "P6-04", 3, value="80", reason="更正", confirm_large="on")
    assert response.status_code == 302
    assert QuarterlyReport.objects.get(indicator__code="P6-04", quarter=3).value == 80


def test_confirmation_box_is_hidden_until_needed(personas):
    response = personas["staff"].get(report_url("P6-04", 3))
    assert 'name="confirm_large"' not in response.content.decode()


def test_reason_required_to_change_a_submitted_report(personas):
    before = snapshot("P6-04", 3)
    response = _post(personas["staff"], "P6-04", 3, value="5", reason="  ")
    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["reason"]
    assert snapshot("P6-04", 3) == before


def test_no_reason_needed_for_a_first_entry(personas):
    response = _post(personas["staff2"], "P5-05", 3, value="7", action="draft")
    assert response.status_code == 302
    report = QuarterlyReport.objects.get(indicator__code="P5-05", quarter=3)
    assert report.state == "draft" and report.value == 7


def test_future_quarter_is_refused(personas):
    """Today is 2024-10-08 (KPI_TODAY): Q4 has begun, 2025 is another plan."""
    response = personas["staff"].get(report_url("P6-04", 4))
    assert response.status_code == 200  # Q4 began on 2024-10-01
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("targets.clock.today", lambda: datetime.date(2024, 9, 20))
        response = personas["staff"].get(report_url("P6-04", 4))
        assert response.context["form"] is None
        assert "2024-10-01" in response.content.decode()
        response = personas["staff"].post(report_url("P6-04", 4), form_data(value="1"))
        assert response.status_code == 400
    assert snapshot("P6-04", 4) is None


@pytest.mark.parametrize(
    "url",
    [
        "/plans/2023/indicators/P6-04/report/3/",  # another year than the plan's
        "/plans/2024/indicators/P9-99/report/3/",  # unknown code
        "/plans/2024/indicators/P6-04/report/5/",  # no such quarter
        "/plans/2024/indicators/P6-04/report/0/",
    ],
)
def test_unknown_objects_are_not_found(personas, url):
    assert personas["staff"].get(url).status_code == 404
    assert personas["staff"].post(url, form_data(value="1")).status_code == 404


def test_text_is_stored_as_typed_and_shown_escaped(personas, leader_client):
    typed = '  <b>加粗</b> & "引号"\n第二行  '
    response = _post(personas["staff"], "P6-04", 3, value="4", progress=typed, reason="更正")
    assert response.status_code == 302
    assert QuarterlyReport.objects.get(indicator__code="P6-04", quarter=3).progress == typed
    page = leader_client.get("/plans/2024/indicators/P6-04/").content.decode()
    assert "<b>加粗</b>" not in page
    assert "&lt;b&gt;加粗&lt;/b&gt;" in page


def test_milestone_done_needs_a_date_within_the_quarter(personas):
    before = snapshot("P6-03", 3)
    response = _post(
        personas["staff"], "P6-03", 3, milestone_state="done", done_on="", reason="完成"
    )
    assert list(response.context["form"].errors) == ["done_on"]
    response = _post(
        personas["staff"], "P6-03", 3, milestone_state="done", done_on="2024-10-05", reason="完成"
    )
    assert list(response.context["form"].errors) == ["done_on"]  # after Q3 ended
    assert snapshot("P6-03", 3) == before
    response = _post(
        personas["staff"], "P6-03", 3, milestone_state="done", done_on="2024-09-12", reason="完成"
    )
    assert response.status_code == 302
    report = QuarterlyReport.objects.get(indicator__code="P6-03", quarter=3)
    assert report.is_done and report.done_on == datetime.date(2024, 9, 12)


def test_qualitative_report_has_only_the_narrative(personas):
    response = personas["staff"].get(report_url("P6-02", 3))
    assert set(response.context["form"].fields) == {
        "progress",
        "problems",
        "next_steps",
        "version",
        "reason",
        "confirm_large",
    }


def test_count_form_shows_unit_year_to_date_and_target(personas):
    content = personas["staff"].get(report_url("P6-04", 3)).content.decode()
    assert "次" in content  # unit
    assert "≥ 15" in content  # target
    assert "11" in content  # year-to-date as of Q3


@pytest.mark.parametrize("typed", ["NaN", "nan", "Infinity", "-Infinity", "sNaN"])
def test_non_finite_figures_are_refused(personas, typed):
    before = snapshot("P6-04", 3)
    response = _post(personas["staff"], "P6-04", 3, language="en", value=typed, reason="x")
    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["value"]
    assert snapshot("P6-04", 3) == before
