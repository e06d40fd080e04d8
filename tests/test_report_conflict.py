"""Two people editing one report: the second save is refused, nothing is overwritten.

Optimistic locking (a version column claimed with one UPDATE) behaves the same on
SQLite and PostgreSQL; CI runs this module on both.
"""

import threading

import pytest
from django.db import connection

from targets.models import QuarterlyReport
from targets.models.report import EditConflict

from .reporting_helpers import form_data, report_url


def test_second_save_is_refused_with_the_other_persons_version(personas):
    url = report_url("P6-04", 3)
    staff, admin = personas["staff"], personas["admin"]
    staff_form = staff.get(url).context["form"]
    admin_form = admin.get(url).context["form"]
    version = staff_form.initial["version"]
    assert admin_form.initial["version"] == version

    report = QuarterlyReport.objects.get(indicator__code="P6-04", quarter=3)
    first = staff.post(url, form_data(report, value="6", progress="科室更新", reason="补充"))
    assert first.status_code == 302

    second = admin.post(
        url, form_data(report, value="9", progress="管理员的修改", reason="复核", version=version)
    )
    assert second.status_code == 409
    content = second.content.decode()
    assert "科室更新" in content  # what the other person saved is shown
    kept = second.context["form"].initial
    assert kept["value"] == "9" and kept["progress"] == "管理员的修改"  # own input kept
    assert kept["version"] == version + 1  # ready to retry against the new version

    report.refresh_from_db()
    assert report.value == 6 and report.progress == "科室更新"
    assert report.history.count() == 2  # demo creation + the first save, nothing more

    retry = admin.post(url, form_data(report, value="9", progress="管理员的修改", reason="复核"))
    assert retry.status_code == 302
    report.refresh_from_db()
    assert report.value == 9


def test_two_people_creating_the_same_report(personas):
    """P5-05 has no Q3 report yet: staff2 and the admin both open an empty form."""
    url = report_url("P5-05", 3)
    assert personas["staff2"].get(url).context["form"].initial["version"] == 0
    assert personas["staff2"].post(url, form_data(value="4", progress="先保存")).status_code == 302
    second = personas["admin"].post(url, form_data(value="5", progress="后保存"))
    assert second.status_code == 409
    assert "先保存" in second.content.decode()
    report = QuarterlyReport.objects.get(indicator__code="P5-05", quarter=3)
    assert report.value == 4


def test_model_refuses_a_stale_version(demo, users):
    report = QuarterlyReport.objects.get(indicator__code="P6-04", quarter=3)
    stale = QuarterlyReport.objects.get(pk=report.pk)
    report.value = 5
    report.record_entry(by=users["staff"], submit=True, reason="a", expected_version=report.version)
    stale.value = 7
    with pytest.raises(EditConflict) as raised:
        stale.record_entry(
            by=users["admin"], submit=True, reason="b", expected_version=stale.version
        )
    assert raised.value.current.value == 5
    report.refresh_from_db()
    assert report.value == 5


def test_review_of_a_changed_report_is_refused(personas):
    report = QuarterlyReport.objects.get(indicator__code="P6-04", quarter=3)
    old_version = report.version
    personas["staff"].post(report_url("P6-04", 3), form_data(report, value="6", reason="更正"))
    response = personas["reviewer"].post(
        report_url("P6-04", 3) + "review/",
        {"action": "approve", "comment": "看过的是旧版本", "version": old_version},
    )
    # Refused with the reason, the reviewer's comment kept, ready against the new version.
    assert response.status_code == 409
    assert "看过的是旧版本" in response.content.decode()
    assert response.context["review_form"].initial["version"] == old_version + 1
    report.refresh_from_db()
    assert report.state == "submitted"  # the reviewer approved what they had not seen: refused


@pytest.mark.django_db(transaction=True)
def test_truly_simultaneous_saves_on_postgresql(demo, users):
    """Two threads save the same version at the same moment: one wins, one conflicts."""
    if connection.vendor != "postgresql":
        pytest.skip(
            "SQLite serialises writers on one in-memory test database; the sequential "
            "stale-version tests above cover it, and this one runs on PostgreSQL in CI"
        )
    report = QuarterlyReport.objects.get(indicator__code="P6-04", quarter=3)
    version, results = report.version, []
    barrier = threading.Barrier(2)

    def save(value, user):
        try:
            mine = QuarterlyReport.objects.get(pk=report.pk)
            barrier.wait(timeout=10)
            mine.value = value
            mine.record_entry(by=user, submit=True, reason="并发", expected_version=version)
            results.append(("saved", value))
        except EditConflict as conflict:
            results.append(("conflict", conflict.current.value))
        finally:
            connection.close()

    threads = [
        threading.Thread(target=save, args=(5, users["staff"])),
        threading.Thread(target=save, args=(7, users["admin"])),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    outcomes = sorted(kind for kind, _value in results)
    assert outcomes == ["conflict", "saved"]
    winner = next(value for kind, value in results if kind == "saved")
    report.refresh_from_db()
    assert report.value == winner and report.version == version + 1
    assert report.history.count() == 2  # the demo row and the winner's


def test_review_without_a_version_is_refused(personas):
    report = QuarterlyReport.objects.get(indicator__code="P6-04", quarter=3)
    for version in ("0", "", "x"):
        personas["reviewer"].post(
            report_url("P6-04", 3) + "review/", {"action": "approve", "version": version}
        )
        report.refresh_from_db()
        assert report.state == "submitted"


def test_tampered_version_on_a_new_report_can_be_retried(personas):
    url = report_url("P5-05", 3)
    response = personas["staff2"].post(url, form_data(value="4", version="5"))
    assert response.status_code == 409
    kept = response.context["form"].initial
    assert kept["version"] == 0
    retry = personas["staff2"].post(url, form_data(value="4", version=str(kept["version"])))
    assert retry.status_code == 302
