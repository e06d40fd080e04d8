"""Bad input gets a clear answer and changes nothing (findings 4, 7 and 9's methods).

- A NUL byte in a URL was a 500 on PostgreSQL: the codes in a URL are letters,
  digits and "-_." only, so anything else is an unknown page before any query.
- Narratives are limited (`NARRATIVE_MAX_LENGTH`) so the XLSX can hold them: the
  form says the limit and refuses more; the database refuses it from any route.
- Only GET, HEAD and POST reach a view (TRACE answered 200 on the report form).
- Reasons and review comments longer than simple-history's default 100-character
  column were a database error on PostgreSQL.
"""

import warnings

import pytest
from django.db import IntegrityError, transaction

from targets.exports.xlsx import CUT_MARK, MAX_CELL_CHARS, safe_text
from targets.models import QuarterlyReport
from targets.models.report import NARRATIVE_MAX_LENGTH

from .reporting_helpers import form_data, report_url, review_url, snapshot

NUL_URLS = [
    "/plans/2024/pillars/%00/",
    "/plans/2024/indicators/%00/",
    "/plans/2024/indicators/P3-04%00/history/",
    "/plans/2024/indicators/%00/report/3/",
    "/plans/2024/indicators/P3-04%00/report/3/review/",
    "/latest/%00/",
]


@pytest.mark.parametrize("url", NUL_URLS)
def test_nul_byte_in_a_url_is_an_unknown_page(leader_client, url):
    assert leader_client.get(url).status_code == 404


@pytest.mark.parametrize("param", ["quarter", "pillar", "lead_section", "kind", "status", "sort"])
def test_nul_byte_in_a_query_parameter_is_not_an_error(leader_client, param):
    for url in ("/plans/2024/", "/plans/2024/export/summary.csv"):
        response = leader_client.get(url, {param: "P3\x00"})
        # Issue 23: refused as a bad request before any view reads it (it was 200/404).
        assert response.status_code == 400, (url, param)


def test_a_narrative_over_the_limit_is_refused_with_the_limit_said(personas):
    report = QuarterlyReport.objects.get(indicator__code="P6-04", quarter=3)
    before = snapshot("P6-04", 3)
    page = personas["staff"].get(report_url("P6-04", 3)).content.decode()
    assert "最多 10,000 个字符" in page  # said on the form, in Chinese first
    assert f'maxlength="{NARRATIVE_MAX_LENGTH}"' in page
    response = personas["staff"].post(
        report_url("P6-04", 3), form_data(report, progress="进" * 100_000, reason="长文")
    )
    assert response.status_code == 200
    assert "progress" in response.context["form"].errors
    assert snapshot("P6-04", 3) == before


def test_the_limit_fits_an_xlsx_cell():
    # A neutralised narrative gains one character: it still fits.
    assert NARRATIVE_MAX_LENGTH + 1 < MAX_CELL_CHARS


def test_a_narrative_at_the_limit_is_kept_whole(personas):
    report = QuarterlyReport.objects.get(indicator__code="P6-04", quarter=3)
    text = "=" + "进" * (NARRATIVE_MAX_LENGTH - 1)
    response = personas["staff"].post(
        report_url("P6-04", 3), form_data(report, progress=text, reason="长文")
    )
    assert response.status_code == 302
    assert QuarterlyReport.objects.get(pk=report.pk).progress == text


@pytest.mark.parametrize("field", ["progress", "problems", "next_steps"])
def test_the_database_refuses_a_narrative_over_the_limit(demo, users, field):
    report = QuarterlyReport.objects.get(indicator__code="P3-06", quarter=3)  # a draft
    setattr(report, field, "x" * (NARRATIVE_MAX_LENGTH + 1))
    with pytest.raises(IntegrityError), transaction.atomic():
        report.save_by(users["staff"], "bypassing the form")


def test_an_over_long_text_is_cut_visibly_in_the_workbook():
    text = safe_text("y" * 40_000)
    assert len(text) == MAX_CELL_CHARS and text.endswith(CUT_MARK)


def test_long_reasons_and_comments_are_kept(personas):
    report = QuarterlyReport.objects.get(indicator__code="P6-04", quarter=3)
    reason = "原因" * 300  # 600 characters
    response = personas["staff"].post(
        report_url("P6-04", 3), form_data(report, value="6", reason=reason)
    )
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.history.first().history_change_reason == reason
    comment = "意见" * 400
    response = personas["reviewer"].post(
        review_url("P6-04", 3), {"action": "return", "comment": comment, "version": report.version}
    )
    assert response.status_code == 302
    assert report.history.first().history_change_reason == comment


@pytest.mark.parametrize("method", ["trace", "put", "delete", "patch", "options"])
@pytest.mark.parametrize(
    "url", [report_url("P6-04", 3), "/plans/2024/", "/accounts/login/", "/i18n/setlang/"]
)
def test_methods_other_than_get_head_post_are_refused(admin_client, method, url):
    before = snapshot("P6-04", 3)
    response = getattr(admin_client, method)(url)
    assert response.status_code == 405
    assert snapshot("P6-04", 3) == before


@pytest.mark.parametrize("sort", ["1.7137117270046944e+16", "a.b", "-status,x.y", "status"])
def test_a_sort_key_from_the_url_never_becomes_an_accessor(leader_client, sort):
    """Found by tests/test_fuzz.py: django-tables2 turned "?sort=1.7e+16" into an
    accessor (with a deprecation warning: an error in its next version)."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert leader_client.get("/plans/2024/", {"sort": sort}).status_code == 200
