"""Demo set-up: accounts, illustrative sections, reports showing every status."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings

from accounts.models import Section, User
from targets.demo import DEMO_PASSWORD, setup_demo
from targets.models import Indicator, QuarterlyReport, Status


def test_demo_refused_when_debug_is_off(plan):
    with override_settings(DEBUG=False), pytest.raises(CommandError, match="DJANGO_DEBUG"):
        call_command("setup_demo", stdout=StringIO())
    assert not User.objects.exists()


def test_demo_accounts_and_roles(demo):
    users = {u.username: u for u in User.objects.select_related("section")}
    assert set(users) == {"admin", "leader", "reviewer", "staff", "staff2"}
    for user in users.values():
        assert user.check_password(DEMO_PASSWORD)
    assert users["admin"].is_superuser
    assert users["leader"].role == User.Role.LEADER
    leads = Indicator.objects.led_by(users["staff"].section)
    assert {i.pillar.code for i in leads} == {"P3", "P6"}
    leads2 = Indicator.objects.led_by(users["staff2"].section)
    assert {i.pillar.code for i in leads2} == {"P5"}


def test_demo_sections_are_marked_illustrative(demo):
    assert Section.objects.exists()
    assert not Section.objects.filter(is_illustrative=False).exists()
    assert all("示例" in s.name_zh for s in Section.objects.all())


def test_every_status_appears_as_of_q3(demo):
    statuses = {s.status for s in demo.indicators.all().standings(3)}
    assert set(Status.values) <= statuses


def test_documents_read_out_at_the_conference_are_done_in_q1(demo):
    for code in ("P2-01", "P6-01"):
        report = QuarterlyReport.objects.get(indicator__code=code, quarter=1)
        assert report.is_done
        assert str(report.done_on) == "2024-03-26"


def test_demo_reports_are_only_q1_to_q3(demo):
    assert set(QuarterlyReport.objects.values_list("quarter", flat=True)) == {1, 2, 3}


def test_setup_twice_keeps_everything(demo):
    before = QuarterlyReport.objects.count()
    with override_settings(DEBUG=True):
        created = setup_demo()
    assert created == {"accounts": 0, "reports": 0}
    assert QuarterlyReport.objects.count() == before


def test_demo_reports_have_history_with_author_and_reason(demo):
    report = QuarterlyReport.objects.get(indicator__code="P6-04", quarter=1)
    record = report.history.get()
    assert record.history_user.username == "staff"
    assert record.history_change_reason == "演示数据 / demo data"
