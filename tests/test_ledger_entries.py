"""The figure comes from the ledger (台账): entries change only with their report.

P3-04 (demo) counts its figures from its ledger: Q1 2 and Q2 2 approved, Q3 3 submitted.
Adding, correcting and removing an item through the report form changes the figure and
is in the history; an approved or closed quarter's items change by no route (the form,
the admin, the model); a conflicting save is the report's conflict; no item twice in a
year, and a near match asks first; bad files are refused and nothing is stored.
"""

import os
from io import StringIO
from urllib.parse import unquote

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.utils import translation

from ledger.models import ChangedOutsideReport, EvidenceFile, LedgerEdit, LedgerEntry, SavedEntry
from targets.models import Indicator, QuarterlyReport
from targets.models.indicator import LedgerDisagrees
from targets.models.report import ReportLocked

from . import ledger_helpers as files
from .ledger_helpers import MARKER, division, ledger_form
from .reporting_helpers import report_url

URL = report_url("P3-04", 3)
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def q3():
    return QuarterlyReport.objects.select_related("indicator").get(
        indicator__code="P3-04", quarter=3
    )


def stored_files():
    root = settings.MEDIA_ROOT
    return {os.path.join(d, f) for d, _dirs, names in os.walk(root) for f in names}


def test_adding_correcting_and_removing_items_changes_the_figure_and_the_history(personas):
    staff = personas["staff"]
    report = q3()
    assert report.value == 3
    response = staff.post(
        URL,
        ledger_form(
            report,
            new=[{"name": "示例·测试研发中心", "date": "2024-09-20", "files": [files.pdf()]}],
            reason="补录一家",
        ),
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    report = q3()
    assert report.value == 4 and report.state == "submitted"
    added = LedgerEntry.objects.get(name="示例·测试研发中心")
    assert added.quarter == 3 and added.files.get().name == "证明材料.pdf"

    first = LedgerEntry.objects.filter(indicator=report.indicator, quarter=3).order_by("date")[0]
    changes = {first.pk: {"name": "示例·新能源装备研究院（更正）", "division": str(division().pk)}}
    response = staff.post(
        URL, ledger_form(report, changes=changes, remove=[added.pk], reason="更正并删除")
    )
    assert response.status_code == 302
    report = q3()
    assert report.value == 3
    assert not LedgerEntry.objects.filter(pk=added.pk).exists()
    history = list(LedgerEntry.history.filter(id=added.pk).order_by("history_date"))
    assert [h.history_type for h in history] == ["+", "-"]
    assert [h.history_change_reason for h in history] == ["补录一家", "更正并删除"]
    assert {h.history_user.username for h in history} == {"staff"}
    corrected = first.history.first()
    assert (
        corrected.name == "示例·新能源装备研究院（更正）"
        and corrected.history_user.username == "staff"
    )
    # The figure's own history says 3 → 4 → 3, with the reasons.
    values = [h.value for h in report.history.order_by("history_date")]
    assert values[-3:] == [3, 4, 3]
    # The history page lists the ledger's changes for the section and the office.
    page = personas["leader"].get("/plans/2024/indicators/P3-04/history/", **EN)
    whats = {(c.item, c.what) for c in page.context["ledger_changes"]}
    assert {("示例·测试研发中心", "Added"), ("示例·测试研发中心", "Removed")} <= whats
    assert ("示例·测试研发中心", "File added") in whats
    assert ("示例·新能源装备研究院（更正）", "Item") in whats


def test_approved_items_cannot_change_by_the_form_the_admin_or_the_model(personas, users):
    q2 = QuarterlyReport.objects.get(indicator__code="P3-04", quarter=2)
    entry = LedgerEntry.objects.filter(indicator=q2.indicator, quarter=2).first()
    before = (LedgerEntry.objects.count(), EvidenceFile.objects.count(), stored_files())
    # The form: the approved report's page refuses, input kept, nothing stored.
    data = ledger_form(
        q2, new=[{"name": "示例·不应保存", "date": "2024-05-02", "files": [files.pdf()]}]
    )
    response = personas["staff"].post(report_url("P3-04", 2), data)
    assert response.status_code == 403
    assert "示例·不应保存" in response.content.decode()  # kept in the form to copy
    # The admin: read-only.
    admin = personas["admin"]
    change = f"/admin/ledger/ledgerentry/{entry.pk}/change/"
    assert admin.get(change).status_code == 200
    assert admin.post(change, {"name": "改"}).status_code == 403
    assert admin.post(f"/admin/ledger/ledgerentry/{entry.pk}/delete/").status_code == 403
    assert admin.post("/admin/ledger/ledgerentry/add/", {}).status_code == 403
    # The model: outside a report refused; with it, an approved quarter refused.
    entry.name = "改"
    with pytest.raises(ChangedOutsideReport):
        entry.save()
    with pytest.raises(ReportLocked):
        entry.changed_with_report(users["admin"], "shell")
    with pytest.raises(ReportLocked):
        entry.changed_with_report(users["admin"], "shell", delete=True)
    with pytest.raises(ChangedOutsideReport):
        entry.files.first().delete()
    edit = LedgerEdit(
        saved=[
            SavedEntry(
                LedgerEntry(
                    indicator=q2.indicator, name="新", date=entry.date, division=entry.division
                ),
                [],
            )
        ]
    )
    with pytest.raises(ReportLocked):
        q2.save_by(users["admin"], "shell", ledger=edit)
    assert (LedgerEntry.objects.count(), EvidenceFile.objects.count(), stored_files()) == before
    assert LedgerEntry.objects.get(pk=entry.pk).name != "改"


def test_a_closed_quarter_refuses_its_items(demo, users):
    demo.close_quarter(3, by=users["admin"], reason="季度结束")
    entry = LedgerEntry.objects.filter(indicator__code="P3-04", quarter=3).first()
    entry.note = "改"
    with pytest.raises(ReportLocked):
        entry.changed_with_report(users["staff"], "shell")


def test_two_saves_from_the_same_version_conflict(personas):
    report = q3()
    first = ledger_form(report, new=[{"name": "示例·甲中心", "date": "2024-09-01"}], reason="甲")
    second = ledger_form(report, new=[{"name": "示例·乙中心", "date": "2024-09-02"}], reason="乙")
    assert personas["staff"].post(URL, first).status_code == 302
    response = personas["admin"].post(URL, second)
    assert response.status_code == 409
    names = set(LedgerEntry.objects.filter(indicator__code="P3-04").values_list("name", flat=True))
    assert "示例·甲中心" in names and "示例·乙中心" not in names
    assert "示例·乙中心" in response.content.decode()  # their input is kept
    assert q3().value == 4


def test_a_duplicate_is_refused_with_a_link_and_a_near_match_asks(personas):
    report = q3()
    # Written another way: full-width brackets, spaces, a suffix — the same item (Q1).
    data = ledger_form(
        report,
        new=[{"name": "示例·碳纤维复合材料 研究院有限公司", "date": "2024-09-03"}],
        reason="x",
    )
    response = personas["staff"].post(URL, data, **EN)
    assert response.status_code == 200
    content = response.content.decode()
    assert "This item is already in the ledger this year" in content
    q1 = LedgerEntry.objects.get(name="示例·碳纤维复合材料研究院")
    assert f'href="/plans/2024/indicators/P3-04/report/1/#entry-{q1.pk}"' in content
    # A near match (one character apart) asks, and saves once confirmed.
    near = {"name": "示例·碳纤维复合材料研究中", "date": "2024-09-03"}
    response = personas["staff"].post(URL, ledger_form(report, new=[near], reason="x"), **EN)
    assert "A similar item is already in the ledger" in response.content.decode()
    assert q3().value == 3
    confirmed = ledger_form(report, new=[{**near, "confirm_distinct": "on"}], reason="x")
    assert personas["staff"].post(URL, confirmed).status_code == 302
    assert q3().value == 4


def test_dates_outside_the_quarter_or_after_today_are_refused(personas):
    report = q3()
    for date in ("2024-06-30", "2024-10-01", "2023-09-01"):
        data = ledger_form(report, new=[{"name": "示例·错日期", "date": date}], reason="x")
        response = personas["staff"].post(URL, data, **EN)
        assert "The date must fall in this quarter" in response.content.decode()
    assert q3().value == 3


def test_bad_files_are_refused_next_to_the_field_and_nothing_is_stored(personas):
    report, before = q3(), stored_files()
    history = report.history.count()
    for upload, said in [
        (files.exe("认定通知.pdf"), "a Windows program (EXE)"),
        (files.zipped("表.xlsx", {"a": "b"}), "a ZIP archive"),
    ]:
        data = ledger_form(
            report,
            new=[{"name": "示例·带坏文件", "date": "2024-09-05", "files": [files.pdf(), upload]}],
            reason="x",
        )
        response = personas["staff"].post(URL, data, **EN)
        content = response.content.decode()
        assert response.status_code == 200 and said in content
        assert "the files you chose were not kept" in content
    assert stored_files() == before
    assert report.history.count() == history
    assert not LedgerEntry.objects.filter(name="示例·带坏文件").exists()


def test_a_path_in_a_file_name_never_reaches_storage(personas):
    """Django cuts a name to its last part before the app sees it; what reaches storage is
    a generated name under evidence/ (the uploader's name is only kept as text)."""
    upload = files.pdf()
    upload._name = "../../证明.pdf"
    data = ledger_form(
        q3(), new=[{"name": "示例·路径", "date": "2024-09-06", "files": [upload]}], reason="x"
    )
    assert personas["staff"].post(URL, data).status_code == 302
    evidence = EvidenceFile.objects.get(entry__name="示例·路径")
    assert evidence.name == "证明.pdf"
    assert evidence.file.name.startswith("evidence/2024/P3-04/") and ".." not in evidence.file.name


def test_chinese_file_names_come_back_and_outsiders_get_403_without_the_bytes(personas, users):
    # A Q4 draft of P3-04 (early: Q4 began on 2024-10-01) with one item and its file.
    name = "认定通知（第3批）.pdf"
    report = QuarterlyReport(
        indicator=Indicator.objects.get(plan__year=2024, code="P3-04"), quarter=4
    )
    data = ledger_form(
        report, new=[{"name": "示例·草稿中心", "date": "2024-10-02", "files": [files.pdf(name)]}]
    )
    data.update({"version": "0", "action": "draft"})
    assert personas["staff"].post(report_url("P3-04", 4), data).status_code == 302
    evidence = EvidenceFile.objects.get(entry__name="示例·草稿中心")
    url = f"/plans/2024/indicators/P3-04/evidence/{evidence.pk}/"
    for persona in ("staff", "reviewer", "leader", "admin"):
        response = personas[persona].get(url)
        assert response.status_code == 200
        body = b"".join(response.streaming_content)
        assert MARKER in body and body.startswith(b"%PDF-")
        assert response["Content-Type"] == "application/pdf"
        disposition = response["Content-Disposition"]
        assert unquote(disposition.split("filename*=utf-8''")[1]) == name
    refused = personas["staff2"].get(url)
    assert refused.status_code == 403 and MARKER not in refused.content
    assert personas["anonymous"].get(url).status_code == 302
    # Another indicator's URL for the same file is no file at all.
    assert personas["staff"].get(url.replace("P3-04", "P6-04")).status_code == 404
    # The draft's items are not on the other section's pages or exports either.
    for page in ("/plans/2024/indicators/P3-04/", "/plans/2024/export/ledger.csv"):
        response = personas["staff2"].get(page)
        text = b"".join(response.streaming_content) if response.streaming else response.content
        assert "示例·草稿中心" not in text.decode("utf-8-sig")
        mine = personas["staff"].get(page)
        text = b"".join(mine.streaming_content) if mine.streaming else mine.content
        assert "示例·草稿中心" in text.decode("utf-8-sig")


def test_switching_to_counted_is_refused_while_figures_differ(demo):
    p604 = Indicator.objects.get(plan__year=2024, code="P6-04")  # typed 3, 4, 4 and no items
    p604.ledger = Indicator.Ledger.COUNTED
    with translation.override("en"), pytest.raises(ValidationError) as error:
        p604.full_clean()
    said = " ".join(error.value.messages)
    assert "Q1: the report says 3, the ledger has 0" in said and "Q3" in said
    with pytest.raises(LedgerDisagrees):
        p604.save()
    with pytest.raises(CommandError, match="P6-04"):
        call_command("count_from_ledger", "2024", "P6-04", stdout=StringIO())
    # P3-04 kept beside its figure, then counted again: every quarter agrees.
    p304 = Indicator.objects.get(plan__year=2024, code="P3-04")
    p304.ledger = Indicator.Ledger.KEPT
    p304.save()
    out = StringIO()
    call_command("count_from_ledger", "2024", "P3-04", stdout=out)
    assert "every figure agreed" in out.getvalue()
    assert Indicator.objects.get(plan__year=2024, code="P3-04").counts_from_ledger
