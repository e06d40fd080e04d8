"""The meeting briefing (汇报材料): its text, read back and checked against the
dashboard's figures; the Word file opened with python-docx; the PDF read with
poppler's pdftotext, pdffonts and pdfinfo; the downloads, links and font check.

The Chinese briefing of the demo as of Q3 is made once for the module (Word and
PDF); the text tests build briefings without drawing their charts (drawn lazily,
only when a writer asks).
"""

import io
import re
import subprocess
from decimal import Decimal

import pytest
from django.core.checks import Error
from django.http import Http404
from django.test import RequestFactory
from django.utils import translation
from docx import Document
from docx.oxml.ns import qn

from accounts.models import Section
from targets import clock
from targets.briefing.content import Figure, Item, build_briefing
from targets.checks import cjk_font_check
from targets.filters import IndicatorFilter
from targets.models import Indicator, PlanElement, Status
from targets.models.worklist import missing_reports
from targets.palette import STATUS_COLOURS
from targets.views import export

from .growth import grow_plan

DOCX_URL = "/plans/2024/export/briefing.docx"
PDF_URL = "/plans/2024/export/briefing.pdf"
LAGGING = (Status.BEHIND, Status.AT_RISK)
CJK = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\u3000-\u303f]")


@pytest.fixture
def q3(q3_briefings):
    """The demo's Chinese briefing as of Q3: (briefing, Word bytes, PDF bytes), made once
    per session (tests/conftest.py)."""
    briefing, pdf, docx = q3_briefings["zh-hans"]
    return briefing, docx, pdf


def _briefing(plan, quarter, language, filters=None):
    """A briefing (text only: its charts are not drawn) as the view makes it."""
    with translation.override(language):
        overview = plan.overview(quarter)
        applied = []
        if filters:
            filterset = IndicatorFilter(filters, plan.indicators.all(), plan=plan, quarter=quarter)
            assert filterset.is_valid()
            overview, applied = overview.subset(filterset.qs), filterset.applied()
        return build_briefing(plan, overview, today=clock.today(), filters=applied)


# -- The numbers in the text are the dashboard's -----------------------------------


def _patterns(language):
    """What the overview and pillar paragraphs say, in `language`: (key, pattern). A
    key absent from the text is 0 (a status with no indicator is not named)."""
    with translation.override(language):
        labels = [(s.value, str(s.label)) for s in Status]
    if language == "en":
        return {
            "elapsed": r"([\d.]+)% of the year has elapsed",
            "total": r"has (\d+) indicators?",
            **{key: rf"(\d+) {label.lower()}(?![a-z])" for key, label in labels},
            "qualitative": r"(\d+) qualitative",
            "monitor": r"(\d+) monitored",
            "measured": r"The (\d+) measured indicators",
            "completion": r"on average ([\d.]+)% complete",
            "expected": r"against ([\d.]+)% expected by now",
            "gap": r"([\d.]+) points (?:behind|ahead of) the expected pace",
            "milestones_total": r"Of (\d+) milestones?",
            "milestones_met": r"milestones?, (\d+) done",
            "overdue": r"(\d+) overdue",
            "outstanding": r"(\d+) reports? for Q\d (?:is|are) still outstanding",
        }
    return {
        "elapsed": r"全年时间进度为([\d.]+)%",
        "total": r"共有指标(\d+)项",
        **{key: rf"(?<![未尚]){label}(\d+)项" for key, label in labels},
        "qualitative": r"定性指标(\d+)项",
        "monitor": r"监测指标(\d+)项",
        "measured": r"计量指标(\d+)项平均完成率",
        "completion": r"平均完成率为([\d.]+)%",
        "expected": r"，时序进度为([\d.]+)%",
        "gap": r"(?:落后|超过)时序进度([\d.]+)个百分点",
        "milestones_total": r"节点任务(\d+)项",
        "milestones_met": r"节点任务\d+项，已完成(\d+)项",
        "overdue": r"到期未完成(\d+)项",
        "outstanding": r"报告尚有(\d+)项未报送",
    }


def _said(text, language):
    numbers = {}
    for key, pattern in _patterns(language).items():
        found = re.findall(pattern, text)
        assert len(found) <= 1, (key, found, text)
        numbers[key] = Decimal(found[0]) if found else Decimal(0)
    return numbers


def _percent(fraction):
    return (fraction * 100).quantize(Decimal("0.1"))


UNRATED = ("qualitative", "monitor")


def _dashboard(standings, status_counts, progress):
    """The same numbers as the dashboard has them: the overview's and the standings'."""
    unrated = [s for s in standings if not s.status]
    numbers = {
        "total": len(standings),
        **{status.value: n for status, n in status_counts},
        # Unrated: without a status (one that owes its report is 未报送).
        **{kind: sum(1 for s in unrated if s.indicator.kind == kind) for kind in UNRATED},
        "measured": progress.measured if progress.completion is not None else 0,
        "completion": _percent(progress.completion) if progress.completion is not None else 0,
        "expected": _percent(progress.expected) if progress.completion is not None else 0,
        "gap": abs(_percent(progress.gap)) if progress.completion is not None else 0,
        "milestones_total": progress.milestones_total,
        "milestones_met": progress.milestones_met if progress.milestones_total else 0,
        "overdue": sum(1 for s in standings if s.indicator.is_milestone and s.status == "behind"),
    }
    return {key: Decimal(value) for key, value in numbers.items()}


@pytest.mark.parametrize(
    ("language", "quarter", "filters"),
    [
        ("zh-hans", 1, None),
        ("zh-hans", 2, None),
        ("zh-hans", 3, None),
        ("en", 3, None),
        ("zh-hans", 3, {"pillar": "P3"}),
        ("en", 2, {"lead_section": "demo-talent"}),
    ],
)
def test_every_figure_in_the_text_is_the_dashboards(demo, language, quarter, filters):
    briefing = _briefing(demo, quarter, language, filters)
    overview = demo.overview(quarter)
    if filters and "pillar" in filters:
        # A pillar's briefing counts as that pillar's page does (PlanElement.overview).
        pillar = PlanElement.objects.get(plan=demo, code=filters["pillar"]).overview(quarter)
        standings, counts, progress = pillar.standings, pillar.status_counts, pillar.progress
    elif filters:
        subset = overview.subset(
            Indicator.objects.filter(plan=demo, units__section__code="demo-talent")
        )
        standings, counts, progress = subset.standings, subset.status_counts, subset.progress
    else:
        standings, counts, progress = overview.standings, overview.status_counts, overview.progress
    said = _said(briefing.overview_text, language)
    expected = _dashboard(standings, counts, progress)
    expected["elapsed"] = _percent(Decimal(str(overview.elapsed_share)))
    codes = {s.indicator.code for s in standings}
    missing = [
        item
        for section in missing_reports(demo, quarter, clock.today())
        for item in section.items
        if item.indicator.code in codes
    ]
    expected["outstanding"] = Decimal(len(missing))
    assert said == expected

    pillars = {
        p.pillar.code: p
        for p in overview.subset(Indicator.objects.filter(code__in=codes, plan=demo)).pillars
    }
    assert list(briefing.pillar_texts) == list(pillars)
    for code, text in briefing.pillar_texts.items():
        p = pillars[code]
        said = _said(text, language)
        del said["elapsed"], said["outstanding"]
        assert said == _dashboard(p.standings, p.status_counts, p.progress), code


@pytest.mark.parametrize("quarter", [2, 3])
def test_every_lagging_indicator_is_written_up_with_its_own_words(demo, quarter):
    briefing = _briefing(demo, quarter, "zh-hans")
    lagging = [s for s in demo.overview(quarter).standings if s.status in LAGGING]
    assert lagging  # the demo has some at Q2 and Q3
    assert sorted(briefing.lagging_texts) == sorted(s.indicator.code for s in lagging)
    items = [b for b in briefing.blocks if isinstance(b, Item)]
    assert len(items) == len(lagging)
    for s in lagging:
        text = briefing.lagging_texts[s.indicator.code]
        report = s.report
        assert f"【{s.status_label}】{s.indicator.code} {s.indicator.name}" in text
        assert f"牵头单位：{s.indicator.lead_names}" in text
        assert f"存在问题：“{report.problems}”" in text
        assert f"下步计划：“{report.next_steps}”" in text
        if s.indicator.has_target:
            assert f"完成率{_percent(s.completion)}%" in text
            if s.paced:  # a level without a baseline has no pace (issue 21)
                assert f"时序进度（{_percent(s.expected)}%）" in text
            else:
                assert "无基数，不计时序进度" in text
            shortfall = f"{s.shortfall.normalize():f}{s.indicator.unit}"
            assert f"尚差{shortfall}" in text
    p304 = briefing.lagging_texts.get("P3-04")
    if quarter == 3:
        assert p304 == (
            "【预警】P3-04 认定市级新型研发机构（牵头单位：平台建设科(示例)）："
            "年度目标≥10家，截至第三季度末累计完成7家，完成率70.0%，"
            "落后时序进度（75.0%）5.0个百分点，距年度目标尚差3家。"
            "存在问题：“(示例)个别项目进度偏慢。”"
            "下步计划：“(示例)下季度加强调度,确保完成年度任务。”"
        )


def _all_text(briefing):
    parts = [briefing.title, briefing.as_of, briefing.made_on, briefing.scope]
    for block in briefing.blocks:
        if block.kind == "table":
            parts += [block.caption, *block.headers, *(c for r in block.rows for c in r.cells)]
        elif block.kind == "item":
            parts += [block.lead, block.text]
        else:
            parts.append(getattr(block, "text", None) or block.caption)
    return "\n".join(parts)


def _without_names(text, plan):
    """`text` less every name (plan, pillars, indicators, sections, in both languages)
    and every quotation of a report (“…”): the bureau's own words."""
    names = [plan.name_zh, plan.name_en]
    for element in plan.elements.all():
        names += [
            element.name_zh,
            element.name_en,
            *(n.split(" — ")[0] for n in (element.name_zh, element.name_en)),
        ]
    for indicator in plan.indicators.all():
        names += [indicator.name_zh, indicator.name_en]
    for section in Section.objects.all():
        names += [section.name_zh, section.name_en]
    for name in sorted(filter(None, names), key=len, reverse=True):
        text = text.replace(name, "")
    return re.sub(r"“[^”]*”", "", text)


def test_english_says_nothing_in_chinese_and_chinese_punctuates_in_full_width(demo):
    english = _without_names(_all_text(_briefing(demo, 3, "en")), demo)
    assert not CJK.findall(english)
    # Units (项, 家) are left out of the English; the names are not.
    assert "P3-04" in english and "points behind" in english
    chinese = _without_names(_all_text(_briefing(demo, 3, "zh-hans")), demo)
    chinese = re.sub(r"\d+\.(?=【)", "", chinese)  # the GB/T item numbers "1."
    assert not re.findall(r"[,;:()!?\"]", chinese)
    assert "，" in chinese and "。" in chinese and "：" in chinese and "（" in chinese
    assert "29项" in chinese and "尚差3家" in chinese and "≥10次" in chinese


def test_a_long_scope_points_to_the_workbook_instead_of_a_long_appendix(demo):
    grow_plan(demo, 7)  # 29 × 8 = 232 indicators: more than APPENDIX_MAX_ROWS
    whole = _briefing(demo, 3, "zh-hans")
    assert not [b for b in whole.blocks if b.kind == "table" and b.page_break_before]
    assert whole.blocks[-1].text == (
        "本次汇报范围共有指标232项，逐项推进情况见同期的汇总表（Excel）。"
    )
    pillar = _briefing(demo, 3, "zh-hans", {"pillar": "P3"})  # 7 × 8 = 56
    (appendix,) = [b for b in pillar.blocks if b.kind == "table" and b.page_break_before]
    assert len(appendix.rows) == 56


# -- The Word document -----------------------------------------------------------


def _east_asian(style):
    fonts = style.element.rPr.find(qn("w:rFonts"))
    assert fonts.get(qn("w:eastAsiaTheme")) is None and fonts.get(qn("w:asciiTheme")) is None
    return fonts.get(qn("w:eastAsia"))


@pytest.mark.django_db
def test_word_document_headings_fonts_tables_and_images(q3):
    briefing, content, _pdf = q3
    document = Document(io.BytesIO(content))
    styles = document.styles
    # Headings as Word's own heading styles (the navigation pane), in 黑体 and 楷体.
    level1 = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    assert level1 == [
        "一、总体情况",
        "二、各支柱推进情况",
        "三、已达成指标",
        "四、报告报送情况",
        "五、批示与督办事项",
    ]
    level2 = [p.text for p in document.paragraphs if p.style.name == "Heading 2"]
    assert level2[0] == "（一）P1 双链融合" and len(level2) == 6
    assert _east_asian(styles["Briefing Body"]) == "仿宋"
    assert _east_asian(styles["Heading 1"]) == "黑体"
    assert _east_asian(styles["Heading 2"]) == "楷体"
    assert _east_asian(styles["Briefing Title"]) == "宋体"
    assert styles["Briefing Body"].font.size.pt == 16
    assert briefing.overview_text in [p.text for p in document.paragraphs]
    # A4 with the GB/T 9704 text block, page numbers on odd and even pages.
    section = document.sections[0]
    size = (section.page_width, section.page_height, section.top_margin, section.left_margin)
    assert [round(length.mm) for length in size] == [210, 297, 37, 28]
    assert document.settings.odd_and_even_pages_header_footer
    for footer in (section.footer, section.even_page_footer):
        assert "PAGE" in footer.paragraphs[0]._p.xml and "— " in footer.paragraphs[0].text
    # Tables: the pillar table and the appendix; header repeated, rows never split.
    assert len(document.tables) == 2
    for table in document.tables:
        assert table.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
        assert all(row._tr.trPr.find(qn("w:cantSplit")) is not None for row in table.rows)
    appendix = document.tables[1]
    assert len(appendix.rows) == 1 + 29
    p503 = next(row for row in appendix.rows if row.cells[0].text == "P5-03")
    shading = p503.cells[6]._tc.tcPr.find(qn("w:shd"))
    assert p503.cells[6].text == "滞后"
    assert shading.get(qn("w:fill")) == STATUS_COLOURS[Status.BEHIND][0]
    # Every chart is in, as a picture.
    figures = [b for b in briefing.blocks if isinstance(b, Figure)]
    assert len(document.inline_shapes) == len(figures) >= 3


# -- The PDF ------------------------------------------------------------------------


def _poppler(tool, path, *args):
    """The output of a poppler tool (Debian's poppler-utils) on the file at `path`."""
    command = [tool, *args, str(path), *(["-"] if tool == "pdftotext" else [])]
    return subprocess.run(command, capture_output=True, text=True, check=True).stdout


@pytest.mark.django_db
def test_pdf_says_the_same_embeds_its_fonts_and_is_a4(q3, tmp_path):
    briefing, _docx, content = q3
    path = tmp_path / "briefing.pdf"
    path.write_bytes(content)
    flat = re.sub(r"\s", "", _poppler("pdftotext", path, "-layout"))
    assert re.sub(r"\s", "", briefing.overview_text) in flat
    for code in briefing.lagging_texts:
        assert code in flat
    fonts = _poppler("pdffonts", path).splitlines()[2:]
    assert fonts and all(line.split()[-5] == "yes" for line in fonts)  # "emb" column
    assert any("CJK" in line for line in fonts)
    info = _poppler("pdfinfo", path, "-f", "1", "-l", "99")
    pages = int(re.search(r"Pages:\s+(\d+)", info).group(1))
    sizes = re.findall(r"Page\s+\d+ size:\s+([\d.]+ x [\d.]+)", info)
    assert len(sizes) == pages >= 4 and set(sizes) == {"595.276 x 841.89"}  # A4
    # The appendix's header row is repeated on each page it runs over.
    appendix_pages = [
        text
        for page in range(1, pages + 1)
        if "P6-05" in (text := _poppler("pdftotext", path, "-f", str(page), "-l", str(page)))
        or "P1-01" in text
    ]
    first = next(i for i, t in enumerate(appendix_pages) if "附表" in t)
    for text in appendix_pages[first:]:
        assert "牵头单位" in text and "时序进度" in text


# -- The downloads --------------------------------------------------------------------


def test_briefing_links_on_the_plan_pillar_and_print_pages(leader_client):
    page = leader_client.get("/plans/2024/?quarter=3&kind=count").content.decode()
    assert f'href="{DOCX_URL}?quarter=3&amp;kind=count"' in page
    assert f'href="{PDF_URL}?quarter=3&amp;kind=count"' in page
    pillar = leader_client.get("/plans/2024/pillars/P3/?quarter=2").content.decode()
    assert f'href="{DOCX_URL}?quarter=2&amp;pillar=P3"' in pillar
    printed = leader_client.get("/plans/2024/export/print/?quarter=3&pillar=P5").content.decode()
    assert f'href="{PDF_URL}?quarter=3&amp;pillar=P5"' in printed
    # Q4 2024 has not ended on 2024-10-08: no briefing offered.
    assert "briefing.docx" not in leader_client.get("/plans/2024/?quarter=4").content.decode()


def test_briefing_refuses_an_unended_quarter_unknown_filters_and_strangers(personas, users):
    leader = personas["leader"]
    assert leader.get(DOCX_URL + "?quarter=4").status_code == 404
    request = RequestFactory().get(DOCX_URL + "?quarter=4")
    request.user = users["leader"]
    with translation.override("zh-hans"), pytest.raises(Http404, match="第4季度尚未结束"):
        export(request, 2024, "briefing.docx")
    assert leader.get(PDF_URL + "?quarter=3&pillar=P9").status_code == 404
    assert leader.post(DOCX_URL + "?quarter=3").status_code == 405
    anonymous = personas["anonymous"].get(PDF_URL + "?quarter=3")
    assert anonymous.status_code == 302 and anonymous["Location"].startswith("/accounts/login/")


def test_word_download_of_one_pillar_in_english_in_fixed_queries(
    leader_client, demo, django_assert_num_queries
):
    url = DOCX_URL + "?quarter=3&pillar=P5"
    # 1 session, 2 user, 3 plans, 4 the pillar of the filter, 5 the data's generation (the
    # standings the dashboard keeps, targets/views/fragments.py), 6 plan elements,
    # 7 indicators, 8 their lead and cooperating units, 9 reports, 10 target
    # revisions, 11 the filtered indicators' keys; the follow-ups' section
    # (oversight/briefing.py): 12 their counts, 13 instructions
    with django_assert_num_queries(13):
        response = leader_client.get(url, HTTP_ACCEPT_LANGUAGE="en")
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
    assert 'filename="kpi-2024-Q3-P5-briefing-2024-10-08.docx"' in response["Content-Disposition"]
    assert "no-store" in response["Cache-Control"]
    document = Document(io.BytesIO(response.content))
    text = "\n".join(p.text for p in document.paragraphs)
    assert document.paragraphs[0].text == '2024 "126" action plan: progress report'
    assert "Scope: Pillar: P5 Talent support" in text
    assert "[Behind] P5-03" in text and "P1-02" not in text
    assert [row.cells[0].text for row in document.tables[1].rows[1:]] == [
        f"P5-0{n}" for n in range(1, 6)
    ]
    grow_plan(demo, 3)
    # + the log of changes since the standings kept (the plan grew: computed afresh)
    with django_assert_num_queries(14):
        grown = leader_client.get(url, HTTP_ACCEPT_LANGUAGE="en")
    assert len(Document(io.BytesIO(grown.content)).tables[1].rows) == 1 + 5 * 4


def test_pdf_download_of_one_section(leader_client, tmp_path):
    # The technology-transfer section leads P4 (no measured indicator: a short PDF).
    response = leader_client.get(PDF_URL + "?quarter=2&lead_section=demo-transfer")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    name = "kpi-2024-Q2-demo-transfer-briefing-2024-10-08.pdf"
    assert f'filename="{name}"' in response["Content-Disposition"]
    path = tmp_path / name
    path.write_bytes(response.content)
    text = _poppler("pdftotext", path)
    assert "截至2024年第二季度末" in re.sub(r"\s", "", text)
    assert "汇报范围：牵头单位：成果转化科(示例)" in re.sub(r"\s", "", text)
    assert set(re.findall(r"P\d-\d\d", text)) == {"P4-01", "P4-02", "P4-03"}


# -- The font check at start ------------------------------------------------------------


def test_a_missing_chinese_font_is_an_error_at_start(settings):
    assert cjk_font_check(None) == []
    # DejaVu Sans is there but has no Chinese: boxes, so refused like a missing font.
    settings.KPI_CHART_FONTS = ["DejaVu Sans", "No Such Font"]
    (error,) = cjk_font_check(None)
    assert isinstance(error, Error) and error.id == "targets.E001"
    assert "DejaVu Sans, No Such Font" in error.msg and "fonts-noto-cjk" in error.hint
