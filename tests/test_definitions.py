"""Each indicator's definition and source (口径说明): kept on the indicator, shown on
its page in both languages (or "not given"), carried by the plan spreadsheet, the
API, the meeting workbook and the briefing's appendix, and rolled over.

The definitions below are examples (示例): the 2024 plan gives none.
"""

import io
import re
import subprocess

import openpyxl
import pytest
from django.utils import translation
from docx import Document

from targets import clock
from targets.briefing.content import build_briefing
from targets.briefing.docx import docx_bytes
from targets.briefing.pdf import pdf_bytes
from targets.models import Indicator, Plan
from targets.models.rollover import roll_over
from targets.plan_sheet import build as sheet_build
from targets.plan_sheet import reader
from targets.plan_sheet.columns import DEFINITION_COLUMNS, INDICATORS, KIND_COLUMNS
from targets.plan_sheet.template import next_year_rows, template_bytes

from .api_helpers import api_client

pytestmark = pytest.mark.django_db

DEFINITION = {
    "definition": "示例：年末有效期内的国家高新技术企业数，\n不含已注销企业",
    "method": "示例：上年末数 + 本年新认定数 − 到期未重新认定数",
    "data_source": "示例：市统计局年报",
    "published_on": "次年3月",
    "data_contact": "示例：张三，0432-12345678",
}


def _defined(plan, code=None):
    indicator = plan.indicators.get(code=code) if code else plan.indicators.first()
    for key, value in DEFINITION.items():
        setattr(indicator, key, value)
    indicator.frequency = Indicator.Frequency.ANNUAL
    indicator.save()
    return indicator


def _rows_for_a_free_year(plan):
    """The plan's rows as next year's template gives them, for a year no plan has."""
    rows = next_year_rows(plan)
    rows["plan"][0]["value"] = 2031
    for row in rows["indicators"]:
        row["continues"] = ""  # 2030 has no plan to continue
    return rows


def test_the_columns_come_after_the_settings_of_the_kinds():
    keys = [c.key for c in INDICATORS.columns]
    assert keys[-len(DEFINITION_COLUMNS) :] == list(DEFINITION)
    assert keys.index(KIND_COLUMNS[-1].key) < keys.index("definition")


def test_the_plan_sheet_carries_the_definition_there_and_back(plan):
    indicator = _defined(plan)
    workbook_bytes = template_bytes(_rows_for_a_free_year(plan))
    sheets, problems = reader.read(workbook_bytes)
    assert problems == []
    draft = sheet_build.build(sheets)
    assert [p.message for p in draft.problems] == []
    read = {i.code: i for i, _pillar in draft.indicators}
    again = read[indicator.code]
    assert {key: getattr(again, key) for key in DEFINITION} == DEFINITION
    assert again.frequency == "annual"
    others = [i for code, i in read.items() if code != indicator.code]
    assert all(not i.definition and not i.data_contact for i in others)
    # The instructions sheet has a line for each new column.
    book = openpyxl.load_workbook(io.BytesIO(workbook_bytes))
    explained = {row[0] for row in book["说明 Instructions"].iter_rows(values_only=True)}
    assert {c.header for c in DEFINITION_COLUMNS} <= explained


def test_a_too_long_source_is_named_in_its_column(plan):
    rows = _rows_for_a_free_year(plan)
    rows["indicators"][0]["data_source"] = "示例" * 150
    sheets, _problems = reader.read(template_bytes(rows))
    draft = sheet_build.build(sheets)
    assert [p.column for p in draft.problems] == ["数据来源 Data source"]


@pytest.mark.parametrize(
    ("language", "heading", "label", "frequency"),
    [
        ("zh-hans", "口径说明", "统计口径", "每年一次（第4季度）"),
        ("en", "Definition and source", "Definition", "Once a year (Q4)"),
    ],
)
def test_the_indicator_page_shows_the_definition(
    personas, demo, language, heading, label, frequency
):
    indicator = _defined(demo)
    page = personas["leader"].get(
        f"/plans/2024/indicators/{indicator.code}/", HTTP_ACCEPT_LANGUAGE=language
    )
    text = page.content.decode()
    panel = text[text.index('id="definition-heading"') :]
    panel = panel[: panel.index("</section>")]
    assert heading in panel and label in panel
    assert "示例：市统计局年报" in panel and "次年3月" in panel and "0432-12345678" in panel
    assert "不含已注销企业" in panel and "<br>" in panel  # its line break kept
    assert frequency in panel


@pytest.mark.parametrize(("language", "words"), [("zh-hans", "尚未填写"), ("en", "Not given yet")])
def test_an_indicator_without_a_definition_says_so(personas, demo, language, words):
    indicator = demo.indicators.exclude(definition__gt="").first()
    page = personas["leader"].get(
        f"/plans/2024/indicators/{indicator.code}/", HTTP_ACCEPT_LANGUAGE=language
    )
    text = page.content.decode()
    panel = text[text.index('id="definition-heading"') :]
    assert words in panel[: panel.index("</section>")]


def test_the_api_gives_the_definition(demo):
    indicator = _defined(demo)
    _client, http = api_client()
    body = http.get(f"/api/v1/indicators/{indicator.pk}/").json()
    assert {key: body[key] for key in DEFINITION} == DEFINITION
    assert body["frequency"] == "annual"


def test_the_meeting_workbook_has_a_sheet_of_definitions(personas, demo):
    indicator = _defined(demo)
    response = personas["admin"].get(
        "/plans/2024/export/summary.xlsx?quarter=3", HTTP_ACCEPT_LANGUAGE="zh-hans"
    )
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert len(book.sheetnames) == 3
    sheet = book[book.sheetnames[2]]
    rows = list(sheet.iter_rows(min_row=3, values_only=True))
    assert rows[0] == (
        *("编号", "指标", "统计口径", "计算方法", "数据来源"),
        *("发布频次", "通常发布时间", "数据责任人"),
    )
    by_code = {row[0]: row for row in rows[1:]}
    assert len(by_code) == demo.indicators.count()  # every indicator, one row each
    assert by_code[indicator.code] == (
        indicator.code,
        indicator.name_zh,
        *(DEFINITION[k] for k in ("definition", "method", "data_source")),
        "每年一次（第4季度）",
        DEFINITION["published_on"],
        DEFINITION["data_contact"],
    )


def test_the_briefing_appendix_lists_the_definitions(demo, tmp_path):
    indicator = _defined(demo)
    with translation.override("zh-hans"):
        briefing = build_briefing(demo, demo.overview(3), today=clock.today())
        document = Document(io.BytesIO(docx_bytes(briefing)))
        pdf = tmp_path / "briefing.pdf"
        pdf.write_bytes(pdf_bytes(briefing))
    table = document.tables[-1]
    cells = [[cell.text for cell in row.cells] for row in table.rows]
    assert cells[0] == [
        *("编号", "指标", "统计口径", "计算方法"),
        *("数据来源", "发布频次及时间", "数据责任人"),
    ]
    assert cells[1:] == [
        [
            indicator.code,
            indicator.name_zh,
            DEFINITION["definition"],
            DEFINITION["method"],
            DEFINITION["data_source"],
            "每年一次（第4季度），次年3月",
            DEFINITION["data_contact"],
        ]
    ]
    assert "附表：指标口径说明" in [p.text for p in document.paragraphs]
    # The PDF renders the same table (its text read back with poppler's pdftotext).
    text = subprocess.run(
        ["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    flat = re.sub(r"\s", "", text)
    assert "附表：指标口径说明" in flat and "示例：市统计局年报" in flat and "0432-12345678" in flat


def test_a_briefing_without_definitions_has_no_empty_table(demo):
    with translation.override("en"):
        briefing = build_briefing(demo, demo.overview(3), today=clock.today())
    captions = [getattr(block, "caption", "") for block in briefing.blocks]
    assert "Appendix: definitions and sources" not in captions
    assert "Appendix: every indicator" in captions


def test_the_definition_rolls_over(plan, users):
    indicator = _defined(plan)
    Plan.objects.get(year=2025).delete_draft()  # the demo's, made before the definition
    nxt = roll_over(plan, by=users["admin"]).indicators.get(continues=indicator)
    assert {key: getattr(nxt, key) for key in DEFINITION} == DEFINITION
