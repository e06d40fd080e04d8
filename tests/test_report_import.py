"""A quarter's reports from a spreadsheet: upload, preview, confirm — all or nothing.

Each row goes through the report form's own checks (targets/report_sheet/rows.py);
these tests pin what a person sees for each kind of file and row, and that nothing
is stored (no report, no history, no kept file) until a clean preview is confirmed.
"""

import io
import re
import zipfile
from decimal import Decimal

import pytest
from django.conf import settings
from django.core.files.storage import default_storage
from django.test import override_settings
from msoffcrypto.format.ooxml import OOXMLFile

from accounts.models import User
from targets.models import Plan, QuarterlyReport
from targets.report_sheet.reader import MAX_ROWS
from targets.report_sheet.stash import FOLDER

from .report_sheet_helpers import (
    HEADERS,
    IMPORT,
    column,
    confirm,
    csv_bytes,
    csv_rows,
    kept_files,
    row_of,
    set_cell,
    template_csv,
    template_xlsx,
    upload,
    xlsx_bytes,
)


@pytest.fixture
def staff(personas):
    """The staff of P3 and P6's section, reading English (messages are checked in it)."""
    client = personas["staff"]
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture(autouse=True)
def no_kept_files():
    """Files in storage outlive a test's rolled-back transaction: start without any."""
    for name in kept_files():
        default_storage.delete(f"{FOLDER}/{name}")


def stored():
    """Every report's content, state and version, and the number of history rows."""
    reports = QuarterlyReport.objects.order_by("pk").values_list(
        "pk", *QuarterlyReport.CONTENT_FIELDS, "state", "version"
    )
    return list(reports), QuarterlyReport.history.count()


def text(response):
    return response.content.decode()


def p604():
    return QuarterlyReport.objects.get(indicator__code="P6-04", quarter=3)


# --- the round trip ------------------------------------------------------------------


def test_round_trip_changes_a_figure_and_a_narrative(staff):
    workbook = template_xlsx(staff)
    sheet = workbook.worksheets[0]
    assert sheet.cell(row_of(sheet, "P6-04"), column(sheet, "value")).value == 4
    set_cell(sheet, "P6-04", "value", "６")  # full-width, as a Chinese input method types
    set_cell(sheet, "P6-04", "progress", "（示例）第三季度举办银企对接活动6场。")
    before = stored()

    preview = upload(staff, xlsx_bytes(workbook), name="三季度报告.xlsx")

    assert preview.status_code == 200
    page = text(preview)
    assert "Preview of 三季度报告.xlsx (Q3): nothing is saved yet" in page
    assert '<td class="old">4</td>' in page and '<td class="new">6</td>' in page
    assert "（示例）第三季度举办银企对接活动6场。" in page
    assert "1 to change" in page
    assert stored() == before  # a preview saves nothing
    assert len(kept_files()) == 1  # the upload waits for its confirmation

    done = confirm(staff, preview, action="submit")

    assert done.status_code == 302 and done["Location"] == "/reports/"
    report = p604()
    assert report.value == Decimal(6) and report.state == "submitted" and report.version == 2
    assert report.progress == "（示例）第三季度举办银企对接活动6场。"
    change = report.history.first()
    assert change.history_user.username == "staff"
    assert change.history_change_reason == "Imported from 三季度报告.xlsx"
    assert kept_files() == []
    # The dashboard and the history show it.
    history = text(staff.get("/plans/2024/indicators/P6-04/history/"))
    assert "Imported from 三季度报告.xlsx" in history
    dashboard = text(staff.get("/plans/2024/pillars/P6/?quarter=3"))
    row = re.search(r"P6-04.*?</tr>", dashboard, re.S).group(0)
    assert re.search(r"\b13\b", row), row  # 3 + 4 + 6: the year to date after the import


def test_thousands_separators_and_the_large_figure_confirmation_as_the_form(staff):
    workbook = template_xlsx(staff)
    sheet = workbook.worksheets[0]
    set_cell(sheet, "P6-04", "value", "1,234")
    refused = upload(staff, xlsx_bytes(workbook))
    assert refused.status_code == 400
    assert "1234 is more than 5 times the annual target (15)" in text(refused)
    set_cell(sheet, "P6-04", "confirm_large", "是")
    accepted = upload(staff, xlsx_bytes(workbook))
    assert accepted.status_code == 200
    assert confirm(staff, accepted).status_code == 302
    assert p604().value == Decimal(1234)


def test_a_reason_given_in_the_row_joins_the_file_name(staff):
    workbook = template_xlsx(staff)
    set_cell(workbook.worksheets[0], "P6-04", "value", 5)
    set_cell(workbook.worksheets[0], "P6-04", "reason", "补录一场")
    confirm(staff, upload(staff, xlsx_bytes(workbook), name="q3.xlsx"))
    assert p604().history.first().history_change_reason == "Imported from q3.xlsx: 补录一场"


def test_drafts_or_submissions_as_the_person_chooses(staff):
    workbook = template_xlsx(staff)
    sheet = workbook.worksheets[0]
    set_cell(sheet, "P3-06", "value", 2)  # a draft
    set_cell(sheet, "P6-01", "milestone_state", "In progress")  # no report yet
    preview = upload(staff, xlsx_bytes(workbook))
    assert 'value="draft"' in text(preview)
    assert confirm(staff, preview, action="draft").status_code == 302
    states = dict(
        QuarterlyReport.objects.filter(
            quarter=3, indicator__code__in=["P3-06", "P6-01"]
        ).values_list("indicator__code", "state")
    )
    assert states == {"P3-06": "draft", "P6-01": "draft"}
    assert QuarterlyReport.objects.get(indicator__code="P6-01", quarter=3).milestone_state == (
        "in_progress"
    )


def test_a_submitted_report_is_only_resubmitted(staff):
    workbook = template_xlsx(staff)
    set_cell(workbook.worksheets[0], "P6-04", "value", 5)  # submitted
    preview = upload(staff, xlsx_bytes(workbook))
    assert 'value="draft"' not in text(preview)
    assert "can only be submitted again" in text(preview)


def test_a_milestone_done_needs_its_date_as_on_the_form(staff):
    workbook = template_xlsx(staff)
    set_cell(workbook.worksheets[0], "P6-01", "milestone_state", "已完成")  # the Chinese label
    response = upload(staff, xlsx_bytes(workbook))
    assert response.status_code == 400
    assert "Give the date the milestone was done." in text(response)
    set_cell(workbook.worksheets[0], "P6-01", "done_on", "2024-09-20")
    set_cell(workbook.worksheets[0], "P6-01", "progress", "已完成")  # needed to submit
    assert confirm(staff, upload(staff, xlsx_bytes(workbook))).status_code == 302
    report = QuarterlyReport.objects.get(indicator__code="P6-01", quarter=3)
    assert report.milestone_state == "done" and report.done_on.isoformat() == "2024-09-20"


# --- all or nothing, through the same rules ---------------------------------------------


def test_one_bad_row_applies_nothing(staff):
    workbook = template_xlsx(staff)
    sheet = workbook.worksheets[0]
    set_cell(sheet, "P6-04", "value", 5)  # fine
    set_cell(sheet, "P3-06", "value", "2.5")  # 家 are whole
    before = stored()
    response = upload(staff, xlsx_bytes(workbook))
    assert response.status_code == 400
    page = text(response)
    assert "1 problem: nothing was saved" in page
    number = row_of(sheet, "P3-06")
    assert (
        f'<td>季度报告 Reports</td><td class="num">{number}</td><td>{HEADERS["value"]}</td>' in page
    )
    assert "must be a whole number" in page
    assert 'name="token"' not in page
    assert stored() == before and kept_files() == []


def test_a_conflict_at_confirmation_applies_nothing(staff, users):
    """Clean when previewed; before the confirmation someone saves P6-04: the
    confirmation reports the conflict on its row, and the other row is not saved."""
    workbook = template_xlsx(staff)
    sheet = workbook.worksheets[0]
    set_cell(sheet, "P6-04", "value", 5)
    set_cell(sheet, "P3-06", "value", 2)
    preview = upload(staff, xlsx_bytes(workbook))
    assert preview.status_code == 200
    report = p604()
    report.value = Decimal(7)
    report.record_entry(
        by=users["admin"], submit=True, reason="更正", expected_version=report.version
    )
    before = stored()
    response = confirm(staff, preview)
    assert response.status_code == 409
    assert "Conflict: admin saved this report (now version 2)" in text(response)
    assert stored() == before and kept_files() == []


def test_a_row_changed_since_the_template_was_made_is_a_conflict(staff, users):
    workbook = template_xlsx(staff)
    set_cell(workbook.worksheets[0], "P6-04", "value", 5)
    report = p604()
    report.progress = "（示例）他人更新"
    report.record_entry(by=users["admin"], submit=True, reason="更新", expected_version=1)
    response = upload(staff, xlsx_bytes(workbook))
    assert response.status_code == 400
    assert "Conflict: admin saved this report" in text(response)
    assert HEADERS["version"] in text(response)


def test_another_sections_rows_are_refused(personas, staff):
    workbook = template_xlsx(staff)  # P3 and P6: not staff2's
    set_cell(workbook.worksheets[0], "P6-04", "value", 5)
    other = personas["staff2"]
    other.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    before = stored()
    response = upload(other, xlsx_bytes(workbook))
    assert response.status_code == 400
    assert "Only the lead units (" in text(response) and "report on P6-04." in text(response)
    assert stored() == before


def test_an_approved_report_and_a_closed_quarter_stay_as_they_are(staff, users):
    workbook = template_xlsx(staff)
    set_cell(workbook.worksheets[0], "P3-05", "value", 30)  # approved
    response = upload(staff, xlsx_bytes(workbook))
    assert response.status_code == 400
    assert "This report is approved and locked" in text(response)
    Plan.objects.get(year=2024).close_quarter(3, by=users["admin"], reason="季度结束")
    set_cell(workbook.worksheets[0], "P3-05", "value", 25)
    set_cell(workbook.worksheets[0], "P6-04", "value", 5)
    response = upload(staff, xlsx_bytes(workbook))
    assert "Q3 is closed: its reports can no longer change." in text(response)


def test_unchanged_cells_of_locked_reports_are_no_problem(staff):
    """The template as downloaded, uploaded again: every row as stored, nothing to do."""
    response = upload(staff, xlsx_bytes(template_xlsx(staff)))
    assert response.status_code == 400
    assert "The sheet changes no report." in text(response)


def test_only_an_active_plan_takes_an_import(personas):
    admin = personas["admin"]
    assert admin.get("/plans/2025/reports/import/").status_code == 404  # the demo's draft
    assert admin.get("/plans/2025/reports/template.xlsx").status_code == 404


# --- bad files: a clear message, nothing stored -------------------------------------------


def _template(staff, **cells):
    workbook = template_xlsx(staff)
    for key, value in cells.items():
        set_cell(workbook.worksheets[0], "P6-04", key, value)
    return workbook


def _zip_with(content, name, data):
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(content)) as source, zipfile.ZipFile(buffer, "w") as target:
        for item in source.infolist():
            target.writestr(item, source.read(item.filename))
        target.writestr(name, data)
    return buffer.getvalue()


def _encrypted(content):
    source, target = io.BytesIO(content), io.BytesIO()
    office = OOXMLFile(source)
    office.encrypt("kpi-secret", target)
    return target.getvalue()


def _bomb():
    """A zip whose one member inflates from ~100 KB to 100 MB of zeros."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        with archive.open("xl/worksheets/sheet1.xml", "w") as member:
            block = b"\0" * (1024 * 1024)
            for _ in range(100):
                member.write(block)
    return buffer.getvalue()


def _bad_files(staff, case):
    """(file name, content, quarter, message) of the bad file `case`; only that one's
    template is downloaded and edited."""

    def good():
        return xlsx_bytes(_template(staff, value=5))

    def edited(change, cells=(("value", 5),)):
        workbook = _template(staff, **dict(cells))
        change(workbook.worksheets[0])
        return xlsx_bytes(workbook)

    def formula(sheet):
        sheet.cell(row_of(sheet, "P6-04"), 11).value = "=2+3"

    cases = {
        "not a spreadsheet": lambda: (
            "notice.pdf",
            b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n",
            3,
            "This is not a spreadsheet we can read",
        ),
        "empty": lambda: ("empty.xlsx", b"", 3, "The submitted file is empty."),
        "macros": lambda: (
            "q3.xlsm",
            _zip_with(good(), "xl/vbaProject.bin", b"VBA macro"),
            3,
            "The workbook contains macros (.xlsm)",
        ),
        "password": lambda: (
            "q3.xlsx",
            _encrypted(good()),
            3,
            "The workbook is protected by a password",
        ),
        "zip bomb": lambda: ("bomb.xlsx", _bomb(), 3, "looks like a “zip bomb” and was not opened"),
        "formula": lambda: (
            "q3.xlsx",
            edited(formula, cells=()),
            3,
            "A formula (=2+3): formulas are not read.",
        ),
        "merged": lambda: (
            "q3.xlsx",
            edited(lambda sheet: sheet.merge_cells("N2:P2")),
            3,
            "Cells N2:P2 are merged",
        ),
        "hidden": lambda: (
            "q3.xlsx",
            edited(lambda sheet: setattr(sheet.row_dimensions[3], "hidden", True)),
            3,
            "The row is hidden",
        ),
        "missing column": lambda: (
            "q3.xlsx",
            edited(lambda sheet: sheet.delete_cols(column(sheet, "problems"))),
            3,
            "The column is missing",
        ),
        "renamed column": lambda: (
            "q3.xlsx",
            edited(
                lambda sheet: setattr(sheet.cell(1, column(sheet, "next_steps")), "value", "计划")
            ),
            3,
            "Unknown column “计划” (column 16).",
        ),
        "unknown code": lambda: (
            "q3.xlsx",
            edited(lambda sheet: set_cell(sheet, "P6-05", "code", "P6-99")),
            3,
            "The 2024 plan has no indicator P6-99",
        ),
        "code twice": lambda: (
            "q3.xlsx",
            edited(lambda sheet: set_cell(sheet, "P6-05", "code", "P6-04")),
            3,
            "Code P6-04 is here twice",
        ),
        "another quarter": lambda: ("q3.xlsx", good(), 2, "template; this import is for Q2."),
        "another year": lambda: (
            "q3.xlsx",
            edited(lambda sheet: set_cell(sheet, "P6-04", "year", 2023)),
            3,
            "of the 2023 template",
        ),
    }
    return cases[case]()


BAD = [
    "not a spreadsheet",
    "empty",
    "macros",
    "password",
    "zip bomb",
    "formula",
    "merged",
    "hidden",
    "missing column",
    "renamed column",
    "unknown code",
    "code twice",
    "another quarter",
    "another year",
]


@pytest.mark.parametrize("case", BAD)
def test_a_bad_file_gets_its_message_and_nothing_is_stored(staff, case):
    name, content, quarter, message = _bad_files(staff, case)
    before = stored()
    response = upload(staff, content, name=name, quarter=quarter)
    assert response.status_code == 400
    assert message in text(response), text(response)[:3000]
    assert 'name="token"' not in text(response)
    assert stored() == before and kept_files() == []


def test_a_binary_file_named_csv_is_not_a_spreadsheet(staff):
    response = upload(staff, b"MZ\x90\x00\x03\x00\x00\x00binary", name="report.csv")
    assert "This is not a spreadsheet we can read" in text(response)


@override_settings(KPI_REPORT_IMPORT_MAX_MB=1)
def test_a_file_over_the_size_limit(staff):
    before = stored()
    response = upload(staff, b"x" * (1024 * 1024 + 1), name="big.csv")
    assert response.status_code == 400
    assert "The file is larger than 1 MB, the limit for an import." in text(response)
    assert stored() == before and kept_files() == []


def test_a_file_over_the_row_cap(staff):
    rows = csv_rows(template_csv(staff))
    filler = [list(rows[1]) for _ in range(MAX_ROWS + 1)]
    response = upload(staff, csv_bytes([rows[0], *filler], "utf-8-sig"), name="big.csv")
    assert response.status_code == 400
    assert f"More than {MAX_ROWS:,} rows" in text(response)


def test_an_altered_or_expired_token_applies_nothing(staff):
    preview = upload(staff, xlsx_bytes(_template(staff, value=5)))
    before = stored()
    response = staff.post(
        "/plans/2024/reports/import/confirm/", {"token": "x:y:z", "action": "submit"}
    )
    assert response.status_code == 400
    assert "The preview has expired or was altered" in text(response)
    # Someone else's token is refused too.
    other = User.objects.get(username="admin")
    from django.test import Client

    client = Client()
    client.force_login(other)
    assert confirm(client, preview).status_code == 400
    assert stored() == before


# --- CSV: UTF-8 with a BOM and GBK give the same result ----------------------------------


def _edited_csv(staff):
    rows = csv_rows(template_csv(staff))
    header = rows[0]
    for row in rows[1:]:
        if row[header.index(HEADERS["code"])] == "P6-04":
            row[header.index(HEADERS["value"])] = "5"
            row[header.index(HEADERS["progress"])] = "（示例）举办对接活动五场，服务企业１２家。"
    return rows


@pytest.mark.parametrize(
    ("encoding", "chosen", "said"),
    [
        ("utf-8-sig", "auto", "Read as CSV in UTF-8 with BOM."),
        ("gbk", "auto", "Read as CSV in GB18030 (GBK)."),
        ("gbk", "gb18030", "Read as CSV in GB18030 (GBK)."),
        ("utf-8", "auto", "Read as CSV in UTF-8."),
    ],
)
def test_csv_in_utf8_with_bom_and_in_gbk_give_the_same_result(staff, encoding, chosen, said):
    content = csv_bytes(_edited_csv(staff), encoding)
    preview = upload(staff, content, name="三季度.csv", encoding=chosen)
    assert preview.status_code == 200, text(preview)[:2000]
    assert said in text(preview)
    assert confirm(staff, preview).status_code == 302
    report = p604()
    assert report.value == Decimal(5)
    assert report.progress == "（示例）举办对接活动五场，服务企业１２家。"


def test_gbk_chosen_as_utf8_is_refused_with_a_hint(staff):
    content = csv_bytes(_edited_csv(staff), "gbk")
    response = upload(staff, content, name="三季度.csv", encoding="utf-8")
    assert response.status_code == 400
    assert "The file is not UTF-8 text." in text(response)


# --- the pages' queries ----------------------------------------------------------------


def test_the_pages_query_counts(staff, django_assert_num_queries):
    with django_assert_num_queries(3):
        # 1 the session, 2 the user, 3 the plans the user may see (the year switcher)
        assert staff.get(IMPORT).status_code == 200
    content = xlsx_bytes(_template(staff, value=5))
    with django_assert_num_queries(21):
        # (+1: the indicators' lead and cooperating units, one query)
        # 1 session, 2 user, 3 plans; 4 the plan's indicators (with plan, pillar and
        # task), 5 their reports, 6 their target revisions (`for_standings`,
        # whatever the number of rows); 7 is Q3 closed; 8 the counties, once, for the
        # ledger sheet's rows; per indicator with rows on the ledger sheet (the
        # template lists P3-04's and P3-07's items) the report form's own formset:
        # 9/12 the quarter's items, 10/13 their files, 11/14 its counties; then per
        # changed row only (an unchanged one costs nothing), the model's own
        # constraint checks of `full_clean`, each in a savepoint: 15-17 the figure
        # within 0 and 1e9, 18-20 the narratives within their limit
        response = upload(staff, content)
        assert response.status_code == 200


# --- the ledger sheet: the items behind a counted figure --------------------------------


def _ledger(workbook):
    return workbook["台账 Ledger"]


def _ledger_row(sheet, name):
    return next(
        n for n in range(2, sheet.max_row + 1) if _ledger_cell(sheet, n, "name").value == name
    )


def _ledger_cell(sheet, row, key):
    from targets.report_sheet.columns import LEDGER

    headers = [cell.value for cell in sheet[1]]
    return sheet.cell(row, headers.index(LEDGER.column(key).header) + 1)


def test_ledger_items_added_corrected_and_removed_recount_the_figure(staff):
    from ledger.models import LedgerEntry

    workbook = template_xlsx(staff)
    ledger = _ledger(workbook)
    stored = list(
        LedgerEntry.objects.filter(indicator__code="P3-04", quarter=3).values_list(
            "name", flat=True
        )
    )
    assert len(stored) == 3
    first, second = _ledger_row(ledger, stored[0]), _ledger_row(ledger, stored[1])
    _ledger_cell(ledger, first, "note").value = "（示例）更正备注"
    _ledger_cell(ledger, second, "remove").value = "是"
    new = ledger.max_row + 1 if ledger.cell(ledger.max_row, 1).value else None
    new = new or next(n for n in range(2, ledger.max_row + 1) if not ledger.cell(n, 1).value)
    for key, value in {
        "code": "P3-04",
        "name": "示例·导入新增研究院",
        "date": "2024-09-26",
        "division": "磐石市",
        "document_number": "示例〔2024〕12号",
    }.items():
        _ledger_cell(ledger, new, key).value = value

    preview = upload(staff, xlsx_bytes(workbook), name="台账.xlsx")

    assert preview.status_code == 200, text(preview)[:3000]
    assert "3 items: 1 added, 1 corrected, 1 removed" in text(preview)
    assert confirm(staff, preview).status_code == 302
    names = set(
        LedgerEntry.objects.filter(indicator__code="P3-04", quarter=3).values_list(
            "name", flat=True
        )
    )
    assert names == {stored[0], stored[2], "示例·导入新增研究院"}
    report = QuarterlyReport.objects.get(indicator__code="P3-04", quarter=3)
    assert report.value == 3  # counted: three items
    assert report.history.first().history_change_reason == "Imported from 台账.xlsx"
    entry = LedgerEntry.objects.get(name="示例·导入新增研究院")
    assert entry.history.first().history_change_reason == "Imported from 台账.xlsx"


def test_a_ledger_item_twice_in_the_year_is_refused_as_on_the_form(staff):
    from ledger.models import LedgerEntry

    workbook = template_xlsx(staff)
    ledger = _ledger(workbook)
    earlier = LedgerEntry.objects.filter(indicator__code="P3-04", quarter=1).first()
    row = next(n for n in range(2, ledger.max_row + 1) if not ledger.cell(n, 1).value)
    for key, value in {
        "code": "P3-04",
        "name": earlier.name,
        "date": "2024-09-26",
        "division": "磐石市",
    }.items():
        _ledger_cell(ledger, row, key).value = value
    before = stored()
    response = upload(staff, xlsx_bytes(workbook))
    assert response.status_code == 400
    page = text(response)
    assert "This item is already in the ledger this year" in page, re.findall(
        r"<tr><td>[^<]*</td><td class=\"num\">.*?</tr>", page
    )
    assert f'<td>台账 Ledger</td><td class="num">{row}</td><td>名称 Item</td>' in page
    assert stored() == before


def test_ledger_rows_of_an_indicator_without_a_ledger_are_refused(staff):
    workbook = template_xlsx(staff)
    ledger = _ledger(workbook)
    row = next(n for n in range(2, ledger.max_row + 1) if not ledger.cell(n, 1).value)
    _ledger_cell(ledger, row, "code").value = "P6-04"
    _ledger_cell(ledger, row, "name").value = "示例·活动"
    response = upload(staff, xlsx_bytes(workbook))
    assert response.status_code == 400
    assert "P6-04 keeps no ledger." in text(response)
