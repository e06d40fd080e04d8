"""Who has not reported: the page and the e-mail reminders."""

from io import StringIO

from django.core import mail
from django.core.management import call_command

from targets.models import QuarterlyReport


def _missing(response):
    return {
        (g.section.code if g.section else None): [i.indicator.code for i in g.items]
        for g in response.context["sections"]
    }


def test_missing_reports_for_the_reporting_quarter(leader_client):
    """Today is 2024-10-08: Q3 reports are due on 2024-10-10."""
    response = leader_client.get("/plans/2024/missing/")
    assert response.context["quarter"] == 3
    assert _missing(response) == {
        "demo-platform": ["P3-06"],  # only a draft
        "demo-talent": ["P5-05"],  # nothing yet
        "demo-transfer": ["P4-01"],
    }
    items = [i for g in response.context["sections"] for i in g.items]
    assert {i.days_left for i in items} == {2}
    content = response.content.decode()
    assert "P3-06" in content and "P2-01" not in content  # done in Q1: nothing to report


def test_submitting_removes_it_from_the_list(leader_client, users):
    indicator = QuarterlyReport.objects.get(indicator__code="P4-01", quarter=2).indicator
    report = QuarterlyReport(indicator=indicator, quarter=3, progress="推进中")
    report.record_entry(by=users["admin"], submit=True, expected_version=0)
    assert "demo-transfer" not in _missing(leader_client.get("/plans/2024/missing/"))


def test_overdue_earlier_quarter(leader_client):
    response = leader_client.get("/plans/2024/missing/?quarter=2")
    items = [i for g in response.context["sections"] for i in g.items]
    assert items == [] or all(i.days_left < 0 for i in items)


def test_missing_page_query_count_is_fixed(leader_client, django_assert_num_queries):
    # 1 session, 2 user, 3 plan, 4 indicators (+pillar, task), 5 their lead and
    # cooperating units, 6 reports
    with django_assert_num_queries(6):
        leader_client.get("/plans/2024/missing/")


def test_send_reminders_mails_each_section_its_missing_reports(demo):
    out, err = StringIO(), StringIO()
    call_command("send_reminders", stdout=out, stderr=err)
    by_recipient = {tuple(m.to): m for m in mail.outbox}
    assert set(by_recipient) == {("staff@example.org",), ("staff2@example.org",)}
    body = by_recipient[("staff2@example.org",)].body
    assert "P5-05" in body and "P3-06" not in body
    assert "2024" in by_recipient[("staff@example.org",)].subject
    assert "demo-transfer: no member with an e-mail address" in err.getvalue()
    assert "2 reminder(s) for 2024 Q3" in out.getvalue()


def test_send_reminders_dry_run_sends_nothing(demo):
    out = StringIO()
    call_command("send_reminders", "--dry-run", stdout=out)
    assert mail.outbox == []
    assert "staff2@example.org" in out.getvalue()
