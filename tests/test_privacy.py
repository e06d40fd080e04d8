"""Work in progress stays with its section (finding 1).

A draft, or a returned report being reworked, is read only by its own section,
reviewers, leaders and admins: on the indicator page, the history page, the raw
exports and the history export alike (`targets.read_report`, targets/rules.py).
Submitted and approved reports are read by every signed-in user.
"""

import pytest

from accounts.models import User
from targets.models import QuarterlyReport

from .reporting_helpers import report_url, review_url

SECRET = "草稿里尚未报送的进展"
RETURN_COMMENT = "请核实第三季度数字"
REWORK = "退回后重新整理的说明"

# (Never name a test parameter "page": pytest-playwright takes it for its browser
# page and groups the test with the browser tests, after which the database is empty.)
PAGES = [
    "/plans/2024/indicators/{code}/",
    "/plans/2024/indicators/{code}/history/",
    "/plans/2024/export/reports.csv",
    "/plans/2024/export/history.csv",
]
INSIDERS = ["staff", "leader", "reviewer", "admin"]  # staff's section leads P3 and P6


def _read(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    if response.streaming:
        return b"".join(response.streaming_content).decode("utf-8-sig")
    return response.content.decode()


@pytest.fixture
def draft(demo, users):
    """P3-06 Q3 is a draft of staff's section (demo data); give it recognisable text."""
    report = QuarterlyReport.objects.get(indicator__code="P3-06", quarter=3)
    assert report.state == QuarterlyReport.State.DRAFT
    report.progress = SECRET
    report.value = 7
    report.record_entry(by=users["staff"], submit=False, expected_version=report.version)
    return report


@pytest.fixture
def reworked(personas, demo):
    """P6-04 Q3: submitted, returned by the reviewer, and reworked as a draft."""
    report = QuarterlyReport.objects.get(indicator__code="P6-04", quarter=3)
    response = personas["reviewer"].post(
        review_url("P6-04", 3),
        {"action": "return", "comment": RETURN_COMMENT, "version": report.version},
    )
    assert response.status_code == 302
    report.refresh_from_db()
    data = {
        "value": "9",
        "progress": REWORK,
        "problems": "",
        "next_steps": "",
        "version": str(report.version),
        "reason": "按意见修改",
        "action": "draft",
    }
    assert personas["staff"].post(report_url("P6-04", 3), data).status_code == 302
    report.refresh_from_db()
    assert report.state == QuarterlyReport.State.DRAFT
    return report


@pytest.mark.parametrize("url", PAGES)
def test_another_sections_draft_is_not_shown(personas, draft, url):
    text = _read(personas["staff2"], url.format(code="P3-06"))
    assert SECRET not in text
    if "indicators" in url and "history" not in url:
        assert "Q3 · 草稿" not in text  # not even as an empty heading
        assert "Q2 · 已审核" in text  # the approved quarters still show


@pytest.mark.parametrize("persona", INSIDERS)
@pytest.mark.parametrize("url", PAGES)
def test_its_section_and_the_office_read_the_draft(personas, draft, url, persona):
    assert SECRET in _read(personas[persona], url.format(code="P3-06"))


@pytest.mark.parametrize("url", PAGES)
def test_a_returned_report_being_reworked_is_private_too(personas, reworked, url):
    outsider = _read(personas["staff2"], url.format(code="P6-04"))
    assert REWORK not in outsider and RETURN_COMMENT not in outsider
    insider = _read(personas["staff"], url.format(code="P6-04"))
    assert REWORK in insider
    if "history" in url or "reports.csv" in url:
        assert RETURN_COMMENT in insider


def test_outsiders_still_read_the_versions_that_were_submitted(personas, reworked):
    """The history shows other sections what was published, and no more."""
    changes = personas["staff2"].get("/plans/2024/indicators/P6-04/history/").context["changes"]
    q3 = [c for c in changes if c.quarter == 3]
    assert q3  # the submitted version made by the demo is still there
    assert all(c.new != REWORK and c.field != "review_comment" for c in q3)
    states = {c.new for c in changes if c.field == "state"}
    assert states <= {"已报送", "已审核"}  # no draft or returned version


def test_summary_shows_only_the_approval_state_of_a_draft(personas, draft):
    text = _read(personas["staff2"], "/plans/2024/export/summary.csv?quarter=3")
    assert SECRET not in text
    assert "草稿" in text  # the meeting may know a report is still a draft


def test_the_rule_and_the_queryset_agree(demo, draft, reworked):
    """`read_report` (one report) and `readable_by` (lists, exports) are one rule."""
    reports = list(QuarterlyReport.objects.select_related("indicator"))
    assert any(not r.counts for r in reports)
    # Beside the demo's personas: an account switched off, and staff with no section.
    User.objects.create(username="gone", role=User.Role.LEADER, is_active=False)
    User.objects.create(username="loose", role=User.Role.STAFF)
    for user in User.objects.all():
        readable = set(QuarterlyReport.objects.readable_by(user).values_list("pk", flat=True))
        for report in reports:
            assert user.has_perm("targets.read_report", report) == (report.pk in readable), (
                user.username,
                str(report),
            )
    staff2 = User.objects.get(username="staff2")
    hidden = {r.pk for r in reports} - set(
        QuarterlyReport.objects.readable_by(staff2).values_list("pk", flat=True)
    )
    assert hidden == {draft.pk, reworked.pk}
