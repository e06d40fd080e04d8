"""Bad input gets a clear message next to the field and changes nothing."""

import datetime
import re
from decimal import Decimal

import pytest

from targets.models import Indicator, QuarterlyReport

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
        ("1.234", "must be a whole number"),  # 次 counts whole events
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
    # Decimals too: P6-04 counts events (whole numbers) by default, so this test lets
    # it take fractions, as an indicator in 万元 would (fractions: test_whole_numbers).
    Indicator.objects.filter(code="P6-04").update(whole_number=False)
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


# -- Whole numbers and units typed with the figure --------------------------------


@pytest.mark.parametrize(
    ("typed", "language", "message"),
    [
        ("3.5", "en", "A figure in events must be a whole number: enter 3 or 4, not 3.5."),
        ("3.5", "zh-hans", "以“次”计的数字须为整数：请填 3 或 4，而不是 3.5。"),
        ("３．５", "zh-hans", "以“次”计的数字须为整数"),
        ("5人", "zh-hans", "“人”不是本指标的单位（本指标以“次”计）：请只填数字，如 5。"),
        ("5 people", "en", "“people” is not this indicator's unit, which is events"),
        ("5 apples", "en", "is not this indicator's unit"),
    ],
)
def test_fractions_and_other_units_are_refused(personas, typed, language, message):
    before = snapshot("P6-04", 3)
    response = _post(personas["staff"], "P6-04", 3, language=language, value=typed, reason="x")
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors["value"])
    assert snapshot("P6-04", 3) == before
    # The message sits under the field, and the cursor goes to that field.
    content = response.content.decode()
    assert re.search(r'<input[^>]*name="value"[^>]*autofocus', content)
    assert re.search(r'<input[^>]*name="value"[^>]*aria-invalid="true"', content)


@pytest.mark.parametrize("typed", ["5次", "5 次", "５次", "5 events", "5 Events", "5.0"])
def test_a_figure_typed_with_its_own_unit_is_read_as_the_number(personas, typed):
    response = _post(personas["staff"], "P6-04", 3, value=typed, reason="更正")
    assert response.status_code == 302, response.context["form"].errors
    assert QuarterlyReport.objects.get(indicator__code="P6-04", quarter=3).value == 5


def test_focus_goes_to_the_first_field_to_correct(personas):
    response = _post(personas["staff"], "P6-04", 3, value="abc", reason="")
    content = response.content.decode()
    assert content.count("autofocus") == 1  # the figure, the first of the two errors
    assert re.search(r'<input[^>]*name="value"[^>]*autofocus', content)
    assert "请更正下面标出的 2 处。" in content


def test_counting_units_are_whole_numbers_and_others_need_a_tick(plan):
    """Where "whole number" is defined: `Indicator.whole_number`, always on for a
    counting unit (次, 家, 人, 户, 个, 项 …), an administrator's choice otherwise."""
    counted = {i.code: i.whole_number for i in plan.indicators.exclude(unit="")}
    assert counted and all(counted.values())
    indicator = plan.indicators.get(code="P6-04")
    indicator.whole_number = False
    indicator.save()
    assert Indicator.objects.get(pk=indicator.pk).whole_number  # 次: always whole
    indicator.unit, indicator.whole_number = "万元", False
    indicator.save()
    assert not Indicator.objects.get(pk=indicator.pk).whole_number
