"""The reviewer sees what changed: every figure since the first submission, each field
first → now with the narrative's changes marked, the reasons; and reviews from the queue."""

import html
import re

import pytest

from targets.models import QuarterlyReport
from targets.models.review import diff_segments, review_trail

from .reporting_helpers import form_data, report_url, review_url

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def _p6_04():
    return QuarterlyReport.objects.get(indicator__code="P6-04", quarter=3)


@pytest.fixture
def changed_p6_04(personas):
    """P6-04's Q3 report, submitted as 4 (demo), changed to 3, 12, then 5 with reasons."""
    url = report_url("P6-04", 3)
    for value, reason, problems in (
        ("3", "重复统计一场", "(示例)个别项目进度偏慢。"),
        ("12", "补录区县活动", "(示例)个别项目进度偏慢。"),
        ("5", "12 为笔误", "(示例)个别银行参与不足。"),
    ):
        response = personas["staff"].post(
            url,
            form_data(_p6_04(), value=value, reason=reason, problems=problems, confirm_large="on"),
        )
        assert response.status_code == 302, response.context["form"].errors
    return _p6_04()


def test_the_trail_holds_every_figure_fields_and_reasons(changed_p6_04):
    trail = review_trail(changed_p6_04)
    assert [f"{v.normalize():f}" for v in trail.values] == ["4", "3", "12", "5"]
    assert trail.submissions == 4
    assert [r.text for r in trail.reasons] == ["重复统计一场", "补录区县活动", "12 为笔误"]
    assert {c.name for c in trail.changed_fields} == {"value", "problems"}
    problems = next(c for c in trail.fields if c.name == "problems")
    assert ("delete", "项目进度偏慢") in problems.segments
    assert ("insert", "银行参与不足") in problems.segments


def test_an_unchanged_submission_has_no_trail_to_show(demo):
    trail = review_trail(QuarterlyReport.objects.get(indicator__code="P5-01", quarter=3))
    assert trail.submissions == 1
    assert not trail.changed and trail.reasons == []


def test_the_review_page_shows_first_submitted_to_now_and_the_reasons(personas, changed_p6_04):
    content = personas["reviewer"].get(report_url("P6-04", 3), **EN).content.decode()
    trail = re.search(r'<div class="trail-box">.*?</ul>', content, re.S).group()
    figures = re.sub(r"<[^>]+>", "", trail.split("</p>", 2)[1])
    assert re.sub(r"\s+|then", "", figures) == "Figure:4→3→12→5events"
    assert "submitted 4 times" in trail
    for reason in ("重复统计一场", "补录区县活动", "12 为笔误"):
        assert reason in trail
    assert "<del>项目进度偏慢</del><ins>银行参与不足</ins>" in trail
    # The figure with its unit, the target, the year to date and the status it makes.
    assert "<strong>5 events</strong>" in content
    assert "≥ 15 events" in content
    assert "12 events" in content  # year to date: 3 + 4 + 5
    assert 'class="status status-on_track"' in content  # 12 of 15 = 80 % against 75 %


def test_the_queue_shows_the_same_with_unit_target_and_year_to_date(
    personas, changed_p6_04, django_assert_num_queries
):
    # 1 session, 2 user, 3 plans (the current one), 4 its approval chain, 5 submitted
    # reports (+ indicator, author), 6 their indicators' lead and cooperating units,
    # 7 the reports of their indicators, 8 their target revisions (for the standings),
    # 9 the history of the page's reports (for the trails), 10 the ledger items of
    # P3-04's Q3 (+ their places), 11 their files, 12 the items' and 13 the files'
    # history (new and changed items), 14 the pillars and 15 the lead units (filters)
    reviewer = personas["reviewer"]
    with django_assert_num_queries(15):
        response = reviewer.get("/reviews/", **EN)
    content = response.content.decode()
    card = re.search(
        rf'<li class="queue-row" id="row-{changed_p6_04.pk}">.*?</details>\n</li>', content, re.S
    ).group()
    assert "<strong>5 events</strong>" in card
    assert "≥ 15 events" in card and "Year to date" in card
    assert "Status if approved" in card and "status-on_track" in card
    assert "12 为笔误" in card and "<del>" in card
    assert 'name="from" value="queue"' in card


def test_approving_from_the_queue_takes_one_click(personas, changed_p6_04):
    response = personas["reviewer"].post(
        review_url("P6-04", 3),
        {"action": "approve", "comment": "", "version": changed_p6_04.version, "from": "queue"},
    )
    assert response.status_code == 302 and response["Location"] == "/reviews/"
    assert _p6_04().state == "approved"


def test_returning_from_the_queue_needs_a_comment(personas, changed_p6_04):
    client = personas["reviewer"]
    data = {"action": "return", "comment": " ", "version": changed_p6_04.version, "from": "queue"}
    response = client.post(review_url("P6-04", 3), data, **EN)
    # A refused review, from the queue too, shows the report again with the reason
    # and whatever was typed (issue 8: no refusal loses input).
    assert response.status_code == 400
    assert _p6_04().state == "submitted"
    assert html.escape("Say what needs to change before returning it.") in response.content.decode()


@pytest.mark.parametrize(
    ("old", "new", "segments"),
    [
        ("abc", "abc", (("equal", "abc"),)),
        ("", "新增", (("insert", "新增"),)),
        (
            "个别项目偏慢",
            "个别银行偏慢",
            (("equal", "个别"), ("delete", "项目"), ("insert", "银行"), ("equal", "偏慢")),
        ),
    ],
)
def test_diff_segments(old, new, segments):
    assert diff_segments(old, new) == segments
