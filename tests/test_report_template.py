"""The template of a quarter's reports: who gets which section, what it holds, and
how it guards its header (read back with openpyxl and csv)."""

import pytest
from django.conf import settings

from targets.models import Indicator, QuarterlyReport

from .report_sheet_helpers import (
    HEADERS,
    column,
    csv_rows,
    row_of,
    template_csv,
    template_xlsx,
)

TEMPLATE = "/plans/2024/reports/template.xlsx"


def codes(sheet):
    return [sheet.cell(n, column(sheet, "code")).value for n in range(2, sheet.max_row + 1)]


def test_staff_get_their_own_sections_indicators(personas):
    sheet = template_xlsx(personas["staff"]).worksheets[0]
    expected = Indicator.objects.filter(plan__year=2024, units__section__code="demo-platform")
    assert sorted(codes(sheet)) == sorted(expected.values_list("code", flat=True))


def test_staff_cannot_get_another_sections_template(personas):
    response = personas["staff"].get(f"{TEMPLATE}?section=demo-talent")
    assert response.status_code == 403


@pytest.mark.parametrize("persona", ["reviewer", "admin"])
def test_reviewers_and_admins_get_any_section_or_all(personas, persona):
    client = personas[persona]
    talent = template_xlsx(client, section="demo-talent").worksheets[0]
    assert {code[:2] for code in codes(talent)} == {"P5"}
    everything = template_xlsx(client).worksheets[0]
    assert len(codes(everything)) == Indicator.objects.filter(plan__year=2024).count()


def test_leaders_and_visitors_get_no_template(personas):
    assert personas["leader"].get(TEMPLATE).status_code == 403
    assert personas["anonymous"].get(TEMPLATE).status_code == 302


def test_unknown_section_or_quarter_is_not_found(personas):
    assert personas["admin"].get(f"{TEMPLATE}?section=nope").status_code == 404
    assert personas["admin"].get(f"{TEMPLATE}?quarter=5").status_code == 404


def test_the_template_is_prefilled_with_what_is_stored(personas):
    sheet = template_xlsx(personas["staff"], quarter=3).worksheets[0]
    row = row_of(sheet, "P6-04")
    report = QuarterlyReport.objects.get(indicator__code="P6-04", quarter=3)

    def cell(key):
        return sheet.cell(row, column(sheet, key)).value

    assert (cell("year"), cell("quarter"), cell("version")) == (2024, 3, report.version)
    assert cell("value") == 4 and cell("ytd") == 7  # Q1 3 + Q2 4, before Q3
    assert cell("target") == 15
    assert cell("progress") == report.progress
    assert cell("state") == "已报送"  # the active language: Chinese by default
    # A quarter never reported: version 0, the fill cells empty.
    empty = row_of(sheet, "P6-01")
    assert sheet.cell(empty, column(sheet, "version")).value == 0
    assert sheet.cell(empty, column(sheet, "milestone_state")).value is None


def test_the_header_and_the_identifying_cells_are_protected(personas):
    sheet = template_xlsx(personas["staff"]).worksheets[0]
    assert sheet.protection.sheet is True
    assert all(cell.protection.locked for cell in sheet[1])  # the header
    row = row_of(sheet, "P6-04")
    for key in ("year", "quarter", "code", "version", "name", "target"):
        assert sheet.cell(row, column(sheet, key)).protection.locked, key
    for key in ("value", "progress", "problems", "next_steps", "reason"):
        assert not sheet.cell(row, column(sheet, key)).protection.locked, key
    # A count takes no milestone state: that cell stays locked (and grey).
    assert sheet.cell(row, column(sheet, "milestone_state")).protection.locked
    # An approved report cannot change: none of its cells is open.
    approved = row_of(sheet, "P3-05")
    for key in ("value", "progress", "reason"):
        assert sheet.cell(approved, column(sheet, key)).protection.locked, key


def test_milestone_states_are_a_drop_down_list(personas):
    sheet = template_xlsx(personas["staff"]).worksheets[0]
    validations = sheet.data_validations.dataValidation
    assert len(validations) == 1
    assert validations[0].formula1 == '"未开始,推进中,已完成"'
    letter = sheet.cell(1, column(sheet, "milestone_state")).column_letter
    cells = str(validations[0].sqref)
    assert f"{letter}{row_of(sheet, 'P6-01')}" in cells  # a milestone
    assert f"{letter}{row_of(sheet, 'P6-04')}" not in cells  # a count


def test_the_instructions_are_in_the_active_language(personas):
    client = personas["staff"]
    chinese = template_xlsx(client).worksheets[-1]
    assert chinese.title == "填写说明"
    assert "模板" in chinese["A1"].value
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = template_xlsx(client).worksheets[-1]
    assert english.title == "Instructions"
    assert english["A1"].value.startswith("Reports of Q3 2024: template for")


def test_the_csv_is_utf8_with_a_bom_and_the_same_columns(personas):
    content = template_csv(personas["staff"])
    assert content.startswith(b"\xef\xbb\xbf")
    assert b"\r\n" in content
    rows = csv_rows(content)
    assert rows[0] == list(HEADERS.values())
    p604 = next(r for r in rows if r[rows[0].index(HEADERS["code"])] == "P6-04")
    assert p604[rows[0].index(HEADERS["value"])] == "4"


def test_a_narrative_starting_with_a_formula_character_is_written_as_text(personas, users):
    report = QuarterlyReport.objects.get(indicator__code="P6-04", quarter=3)
    report.problems = "=1+1 并非公式"
    report.record_entry(by=users["staff"], submit=True, reason="测试", expected_version=1)
    sheet = template_xlsx(personas["staff"]).worksheets[0]
    cell = sheet.cell(row_of(sheet, "P6-04"), column(sheet, "problems"))
    assert cell.data_type == "s" and cell.value == "'=1+1 并非公式"


def test_the_templates_query_count(personas, django_assert_num_queries):
    staff = personas["staff"]
    with django_assert_num_queries(11):
        # (+1: the indicators' lead and cooperating units, one query)
        # 1 the session, 2 the user, 3 the plans the user may see, 4 the user's
        # section, 5 its indicators (with plan, pillar and task), 6 their
        # reports, 7 their target revisions, 8 is the quarter closed, 9 the quarter's
        # ledger items of the indicators keeping one (with indicator and county),
        # 10 the counties for the drop-down: the same ten for 12 rows or 2,000
        assert staff.get(TEMPLATE).status_code == 200


def test_the_ledger_sheet_lists_the_quarters_items(personas):
    from ledger.models import LedgerEntry
    from targets.report_sheet.columns import LEDGER

    workbook = template_xlsx(personas["staff"])
    assert workbook.sheetnames[:2] == ["季度报告 Reports", "台账 Ledger"]
    sheet = workbook["台账 Ledger"]
    assert [c.value for c in sheet[1]] == [c.header for c in LEDGER.columns]
    listed = {
        (row[0], row[1], row[2]) for row in sheet.iter_rows(min_row=2, values_only=True) if row[0]
    }
    stored = LedgerEntry.objects.filter(
        indicator__units__section__code="demo-platform", quarter=3
    ).values_list("indicator__code", "pk", "name")
    assert listed == set(stored) and listed
    assert sheet.protection.sheet is True
    # P3-07's Q3 report is approved: its items are locked; P3-04's (submitted) are open.
    for row in sheet.iter_rows(min_row=2, max_col=3):
        if row[0].value == "P3-07":
            assert row[2].protection.locked
        elif row[0].value == "P3-04":
            assert not row[2].protection.locked
