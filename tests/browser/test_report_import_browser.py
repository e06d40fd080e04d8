"""A quarter's reports from a spreadsheet in Chromium: staff download the template,
fill it in, upload it, read the preview and confirm; the figure is saved and the
history names the file. Screenshots of the preview at 1440 and 375 px, in Chinese
and English, go to the screenshots folder."""

import io
import re

import openpyxl
import pytest
from playwright.sync_api import expect

from targets.models import QuarterlyReport

from ..report_sheet_helpers import column, row_of
from .conftest import log_in, screenshot_path

pytestmark = pytest.mark.browser

MY_REPORTS = "/reports/"


def test_staff_upload_preview_and_confirm(site, page, problems, tmp_path):
    base = site.url
    page.set_viewport_size({"width": 1440, "height": 900})
    log_in(page, base, "staff")
    page.goto(base + MY_REPORTS)
    page.get_by_role("link", name="从表格导入报告").click()
    expect(page.locator("h1")).to_contain_text("从表格导入报告")
    with page.expect_download() as download:
        page.get_by_role("link", name="下载模板（XLSX）").click()
    assert download.value.suggested_filename == "reports-2024-Q3-demo-platform.xlsx"
    template = tmp_path / download.value.suggested_filename
    download.value.save_as(template)
    workbook = openpyxl.load_workbook(template)
    sheet = workbook.worksheets[0]
    row = row_of(sheet, "P6-04")
    sheet.cell(row, column(sheet, "value")).value = "７"
    sheet.cell(row, column(sheet, "next_steps")).value = "（示例）第四季度再办两场对接活动。"
    filled = tmp_path / "三季度报告（平台科）.xlsx"
    workbook.save(filled)

    page.set_input_files("input[name=file]", str(filled))
    page.get_by_role("button", name="检查文件").click()
    heading = page.locator("#preview-heading")
    expect(heading).to_contain_text("三季度报告（平台科）.xlsx")
    changes = page.locator(".changes-table tbody tr")
    expect(changes).to_have_count(2)  # the figure and the next steps of P6-04
    expect(changes.first).to_contain_text(re.compile(r"本季数值 Figure\s*4\s*7"))
    page.screenshot(path=screenshot_path("report-import-preview-zh-1440.png"), full_page=True)
    page.set_viewport_size({"width": 375, "height": 800})
    page.screenshot(path=screenshot_path("report-import-preview-zh-375.png"), full_page=True)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375, width
    # Nothing is saved before the confirmation.
    assert QuarterlyReport.objects.get(indicator__code="P6-04", quarter=3).value == 4

    page.get_by_label("提交审核").check()
    page.get_by_role("button", name=re.compile("保存")).click()
    expect(page).to_have_url(re.compile(r"/reports/$"))
    expect(page.locator(".alert-success")).to_contain_text("三季度报告（平台科）.xlsx")
    report = QuarterlyReport.objects.get(indicator__code="P6-04", quarter=3)
    assert report.value == 7 and report.state == "submitted"
    assert report.next_steps == "（示例）第四季度再办两场对接活动。"
    page.goto(base + "/plans/2024/indicators/P6-04/history/")
    expect(page.get_by_text("从文件导入：三季度报告（平台科）.xlsx").first).to_be_visible()
    assert problems == []


def test_the_pages_in_english_with_a_problem(site, browser, problems, tmp_path):
    """The English preview of a file with a bad row, at both widths (screenshots)."""
    page = problems.watch(browser.new_page(locale="en-US", viewport={"width": 1440, "height": 900}))
    log_in(page, site.url, "staff")
    page.goto(site.url + "/plans/2024/reports/import/")
    page.screenshot(path=screenshot_path("report-import-en-1440.png"), full_page=True)
    content = page.context.request.get(site.url + "/plans/2024/reports/template.xlsx").body()
    workbook = openpyxl.load_workbook(io.BytesIO(content))
    sheet = workbook.worksheets[0]
    sheet.cell(row_of(sheet, "P6-04"), column(sheet, "value")).value = "6.5"
    sheet.cell(row_of(sheet, "P3-06"), column(sheet, "value")).value = 2
    filled = tmp_path / "q3.xlsx"
    workbook.save(filled)
    page.set_input_files("input[name=file]", str(filled))
    page.get_by_role("button", name="Check the file").click()
    expect(page.locator("#preview-heading")).to_contain_text("1 problem: nothing was saved")
    expect(page.locator(".problems-table")).to_contain_text("must be a whole number")
    expect(page.locator("input[name=token]")).to_have_count(0)
    page.screenshot(path=screenshot_path("report-import-problems-en-1440.png"), full_page=True)
    page.set_viewport_size({"width": 375, "height": 800})
    page.screenshot(path=screenshot_path("report-import-problems-en-375.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    # The preview of a file with problems answers 400, which Chromium logs; nothing else.
    assert [p for p in problems if "status of 400" not in p] == []
