"""A plan survives backup and restore into an empty database, on either database.

`backup_plan` writes the plan (structure, target revisions, periods, reports,
history, sections and users without passwords) to one file, with the earlier plans
it continues; the database is emptied; `restore_plan` reads it back. The dashboard
figures, the exports and the history are then the same, byte for byte (the XLSX:
every part but its creation time), and so are the plans' states and links across
years.
"""

import io
import zipfile
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from accounts.models import Section, User
from targets.models import Indicator, Plan, QuarterlyReport, ReportingPeriod, TargetRevision

from .reporting_helpers import review_url

QUARTERS = (1, 2, 3, 4)
CSV_EXPORTS = [
    "/plans/2024/export/reports.csv",
    "/plans/2024/export/history.csv",
    "/plans/2024/export/summary.csv?quarter=3",
]
XLSX = "/plans/2024/export/summary.xlsx?quarter=3"
HISTORY_PAGES = ["P3-04", "P6-04", "P2-02"]


def _body(response):
    assert response.status_code == 200
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


def _xlsx_parts(content):
    """Every part of the workbook but docProps/core.xml (it carries the time it was made)."""
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return {n: archive.read(n) for n in archive.namelist() if n != "docProps/core.xml"}


def _everything(client):
    """What leaders and the meeting see: figures per quarter, exports, history."""
    plan = Plan.objects.get(year=2024)
    figures = {
        quarter: [
            (s.indicator.code, s.status, s.actual, s.completion, s.expected, s.milestone_state)
            for s in plan.indicators.all().standings(quarter)
        ]
        for quarter in QUARTERS
    }
    # The dashboard page itself, as of Q3: its status counts and pillar progress.
    overview = client.get("/plans/2024/?quarter=3").context["overview"]
    figures["page"] = [
        (p.pillar.code, p.progress.completion, p.progress.expected) for p in overview.pillars
    ]
    history = {
        code: [
            (c.when, c.who, c.quarter, c.field, c.old, c.new, c.reason)
            for c in client.get(f"/plans/2024/indicators/{code}/history/").context["changes"]
        ]
        for code in HISTORY_PAGES
    }
    years = {
        "plans": list(Plan.objects.values_list("year", "state", "continues__year")),
        "continues": list(
            Indicator.objects.filter(plan__year=2025).values_list("code", "continues__code")
        ),
        "revisions": list(
            TargetRevision.objects.values_list(
                "indicator__code", "target", "effective_from", "reason", "revised_by__username"
            )
        ),
        "plan_history": list(Plan.history.values_list("year", "state", "history_change_reason")),
    }
    return {
        "years": years,
        "figures": figures,
        "csv": {url: _body(client.get(url)) for url in CSV_EXPORTS},
        "xlsx": _xlsx_parts(_body(client.get(XLSX))),
        "history": history,
        "closed": Plan.objects.get(year=2024).closed_quarters(),
    }


def _empty_the_database():
    """Inside the test's transaction: rolled back when the test ends."""
    QuarterlyReport.objects.all().delete()
    ReportingPeriod.objects.all().delete()
    Indicator.objects.all().delete()  # first: they protect their pillars (revisions go too)
    Plan.objects.all().delete()  # elements and results go with it
    QuarterlyReport.history.all().delete()
    ReportingPeriod.history.all().delete()
    Indicator.history.all().delete()
    Plan.history.all().delete()
    User.objects.all().delete()
    Section.objects.all().delete()


@pytest.fixture
def richer_demo(personas, demo, users):
    """The demo plus a returned report, a closed and reopened quarter and a closed one."""
    report = QuarterlyReport.objects.get(indicator__code="P6-04", quarter=3)
    personas["reviewer"].post(
        review_url("P6-04", 3),
        {"action": "return", "comment": "请补充佐证", "version": report.version},
    )
    demo.close_quarter(1, by=users["admin"], reason="一季度关账")
    demo.close_quarter(2, by=users["admin"], reason="二季度关账")
    demo.reopen_quarter(2, by=users["admin"], reason="补报")
    return demo


def test_restore_into_an_empty_database_gives_the_same_plan(personas, richer_demo, tmp_path):
    before = _everything(personas["admin"])
    assert before["years"]["revisions"]  # the demo's revision of P1-02
    path = tmp_path / "plan-2025.json.gz"  # compressed; plain JSON below
    # The 2025 draft, with the 2024 plan it continues (its line across years).
    call_command("backup_plan", "2025", str(path), stdout=StringIO())
    assert b"md5$" not in path.read_bytes() and b"pbkdf2" not in path.read_bytes()

    _empty_the_database()
    assert not Plan.objects.exists() and not User.objects.exists()
    out = StringIO()
    call_command("restore_plan", str(path), stdout=out)
    assert "Plan 2025 restored: 29 indicators, 0 reports (with the plans of 2024)" in (
        out.getvalue()
    )

    admin = Client()
    admin.force_login(User.objects.get(username="admin"))
    after = _everything(admin)
    assert after["years"] == before["years"]
    assert after["figures"] == before["figures"]
    assert after["history"] == before["history"]
    assert after["closed"] == before["closed"] == {1}
    for url, content in before["csv"].items():
        assert after["csv"][url] == content, url
    assert after["xlsx"] == before["xlsx"]
    # Users come back without a password; an administrator sets new ones.
    assert not any(u.has_usable_password() for u in User.objects.all())
    # New rows continue after the restored ones (PostgreSQL's sequences were reset).
    report = QuarterlyReport(
        indicator=Indicator.objects.get(plan__year=2024, code="P5-05"), quarter=3
    )
    report.save_by(User.objects.get(username="staff2"), "after the restore")
    assert report.pk > max(r.pk for r in QuarterlyReport.objects.exclude(pk=report.pk))


def test_restore_refuses_a_database_that_is_not_empty(demo, tmp_path):
    path = tmp_path / "plan.json"
    call_command("backup_plan", "2024", str(path), stdout=StringIO())
    with pytest.raises(CommandError, match="not empty"):
        call_command("restore_plan", str(path), stdout=StringIO())


def test_restore_refuses_a_file_that_is_not_an_archive(db, tmp_path):
    path = tmp_path / "other.json"
    path.write_text('{"hello": 1}', encoding="utf-8")
    with pytest.raises(CommandError, match="not a kpitracker-plan file"):
        call_command("restore_plan", str(path), stdout=StringIO())
