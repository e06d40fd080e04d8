"""A refusal after the form was filled keeps everything typed (finding 6).

When the report was approved, or its quarter closed, while someone edited it, their
POST answers with the form again: their figure, narratives and reason, and the
reason for the refusal in words; nothing is stored. (A conflict keeps the input
too: tests/test_report_conflict.py; a busy database: tests/test_concurrency.py.)
"""

import pytest

from targets.models import QuarterlyReport

from .reporting_helpers import form_data, report_url, review_url, snapshot

TYPED = {"value": "9", "progress": "我刚写好的进展说明", "reason": "补充第三季度数据"}


def _open_form(client):
    report = QuarterlyReport.objects.get(indicator__code="P6-04", quarter=3)
    page = client.get(report_url("P6-04", 3))
    assert page.context["form"] is not None
    return report


def _assert_kept(response, reason_words):
    content = response.content.decode()
    assert reason_words in content
    assert TYPED["progress"] in content
    assert 'value="9"' in content
    assert TYPED["reason"] in content
    assert "您输入的内容都保留在下面的表单中" in content or "Everything you typed" in content
    form = response.context["form"]
    assert form.initial["progress"] == TYPED["progress"] and form.initial["value"] == "9"


def test_approved_while_editing(personas):
    report = _open_form(personas["staff"])
    response = personas["reviewer"].post(
        review_url("P6-04", 3), {"action": "approve", "version": report.version}
    )
    assert response.status_code == 302
    before = snapshot("P6-04", 3)
    response = personas["staff"].post(report_url("P6-04", 3), form_data(report, **TYPED))
    assert response.status_code == 403
    _assert_kept(response, "已审核并锁定")
    assert snapshot("P6-04", 3) == before


def test_quarter_closed_while_editing(personas, demo, users):
    report = _open_form(personas["staff"])
    demo.close_quarter(3, by=users["admin"], reason="关账")
    before = snapshot("P6-04", 3)
    response = personas["staff"].post(report_url("P6-04", 3), form_data(report, **TYPED))
    assert response.status_code == 403
    _assert_kept(response, "Q3")
    assert snapshot("P6-04", 3) == before


@pytest.mark.parametrize("lang", ["zh-hans", "en"])
def test_the_kept_form_has_no_buttons_that_would_fail_again(personas, demo, users, lang):
    report = _open_form(personas["staff"])
    demo.close_quarter(3, by=users["admin"], reason="关账")
    response = personas["staff"].post(
        report_url("P6-04", 3), form_data(report, **TYPED), HTTP_ACCEPT_LANGUAGE=lang
    )
    content = response.content.decode()
    assert 'name="action"' not in content
    assert {"zh-hans": "您输入的内容都保留在下面的表单中", "en": "Everything you typed"}[
        lang
    ] in content


def test_review_refused_keeps_the_comment(personas, demo, users):
    report = QuarterlyReport.objects.get(indicator__code="P6-04", quarter=3)
    demo.close_quarter(3, by=users["admin"], reason="关账")
    response = personas["reviewer"].post(
        review_url("P6-04", 3),
        {"action": "return", "comment": "这段审核意见不能丢", "version": report.version},
    )
    assert response.status_code == 403
    assert "这段审核意见不能丢" in response.content.decode()
