"""Hostile and damaged files, through every importer (issue 23): each is answered with
a message next to the file field, in the user's language, and nothing is stored.

The corpus is built by tests/hostile_files.py from the importers' own templates (no
binary in git). How long each takes and how much memory: bench/hostile_uploads.py
(measured, not asserted: a timed assertion fails on a busy machine).
"""

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile

from ledger.models import EvidenceFile, LedgerEntry
from targets.models import Plan
from targets.plan_sheet.template import template_bytes

from . import hostile_files as hostile
from .ledger_helpers import ledger_form
from .report_sheet_helpers import kept_files, template_csv, template_xlsx, upload, xlsx_bytes
from .reporting_helpers import report_url
from .test_ledger_entries import q3, stored_files
from .test_report_import import stored

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
DAMAGED = "The file is damaged or is not a valid Excel file"
DAMAGED_ZH = "文件已损坏或不是有效的 Excel 文件，请用 Excel/WPS 另存为 .xlsx 后再上传"
BOMB = "looks like a “zip bomb” and was not opened"
CASES = [
    "styles bomb (1.5 GB)",
    "whitespace in a sheet (1.5 GB)",
    "cut short",
    "corrupted deflate byte",
    "false declared size",
    "entity expansion in the sheet",
    "entity expansion in the workbook",
    "entity expansion in the content types",
    "external entity in the sheet",
    "entity expansion in the shared strings",
    "external entity in the shared strings",
]


def expected(case):
    return BOMB if "GB)" in case else DAMAGED


@pytest.fixture
def staff(personas):
    client = personas["staff"]
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def report_template(staff):
    return xlsx_bytes(template_xlsx(staff))


@pytest.mark.parametrize("case", CASES)
def test_the_report_import_answers_a_hostile_file_in_words(staff, report_template, case):
    content = hostile.workbook_cases(report_template)[case]()
    before = stored()
    response = upload(staff, content, name="三季度报告.xlsx")
    assert response.status_code == 400
    assert expected(case) in response.context["form"].errors["file"][0]
    assert 'name="token"' not in response.content.decode()
    assert stored() == before and kept_files() == []


@pytest.mark.parametrize("case", CASES)
def test_the_plan_import_answers_a_hostile_file_in_words(personas, case):
    content = hostile.workbook_cases(template_bytes())[case]()
    count = Plan.objects.count()
    response = personas["admin"].post(
        "/plans/import/", {"file": SimpleUploadedFile("plan.xlsx", content)}, **EN
    )
    assert response.status_code == 400
    assert expected(case) in response.context["form"].errors["file"][0]
    assert not response.context["payload"]
    assert Plan.objects.count() == count


def test_too_many_texts_are_refused_before_openpyxl_reads_them(staff, report_template, personas):
    response = upload(staff, hostile.many_strings(report_template, 30_001))
    assert response.status_code == 400
    assert "more than 30,000 texts" in response.context["form"].errors["file"][0]
    plan = personas["admin"].post(
        "/plans/import/",
        {"file": SimpleUploadedFile("plan.xlsx", hostile.many_strings(template_bytes(), 5_001))},
        **EN,
    )
    assert "more than 5,000 texts" in plan.context["form"].errors["file"][0]
    # Under the limit the workbook is read on (its texts are no report columns).
    read = upload(staff, hostile.many_strings(report_template, 200))
    assert "texts" not in str(read.context["form"].errors)


def test_a_damaged_workbook_is_answered_in_chinese(personas):
    content = hostile.cut_short(template_bytes())
    response = personas["admin"].post(
        "/plans/import/",
        {"file": SimpleUploadedFile("plan.xlsx", content)},
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    assert response.context["form"].errors["file"][0] == DAMAGED_ZH


def test_a_docx_bomb_is_refused_as_evidence_and_nothing_is_stored(personas):
    report, before = q3(), stored_files()
    history = report.history.count()
    bomb = SimpleUploadedFile("汇报材料.docx", hostile.docx_bomb())
    data = ledger_form(
        report, new=[{"name": "示例·炸弹", "date": "2024-09-05", "files": [bomb]}], reason="x"
    )
    response = personas["staff"].post(report_url("P3-04", 3), data, **EN)
    content = response.content.decode()
    assert response.status_code == 200
    assert "“汇报材料.docx” is refused" in content and BOMB in content
    assert stored_files() == before and report.history.count() == history
    assert not LedgerEntry.objects.filter(name="示例·炸弹").exists()
    assert not EvidenceFile.objects.filter(name="汇报材料.docx").exists()


def test_excels_unicode_text_is_read(staff):
    """Excel's "Unicode text" (UTF-16, tab-separated, saved as .txt) reads as its CSV."""
    text = template_csv(staff).decode("utf-8-sig")
    response = upload(staff, hostile.utf16_text(text), name="报告.txt")
    assert response.context["form"].errors == {}
    result = response.context["result"]
    assert result.sheet.encoding == "utf-16" and result.sheet.rows.rows
    assert "UTF-16" in response.content.decode()


def test_utf16_that_does_not_decode_is_named(staff):
    response = upload(staff, b"\xff\xfe" + b"\x00\xd8" * 3, name="报告.csv")
    assert response.status_code == 400
    assert "The file is not UTF-16" in response.context["form"].errors["file"][0]
