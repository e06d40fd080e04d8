"""A second plan, shaped like the plans bureaus write (issue 21): levels with and
without a baseline, a ratio with one decimal, a rank, a growth target, a final-year
target on a straight line, a floor-and-stretch pair, equality, an annual statistic, a
milestone due inside a quarter and a ledger. Every figure is an example (示例).

It loads from the plan spreadsheet through the real upload (/plans/import/) with every
name exactly as written, reports one quarter, and its statuses and words are pinned.
"""

import datetime
import io
from decimal import Decimal

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from targets.forms import FigureField
from targets.models import Indicator, Plan, QuarterlyReport
from targets.models.rollover import roll_over
from targets.models.wording import final_text
from targets.models.worklist import missing_reports
from targets.plan_sheet import build as sheet_build
from targets.plan_sheet import reader
from targets.plan_sheet.columns import INDICATORS, KIND_COLUMNS
from targets.plan_sheet.template import next_year_rows, template_bytes

IMPORT = "/plans/import/"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
YEAR = 2026


def _row(code, pillar, name, unit, kind, comparison, target, **settings):
    return {
        "code": code,
        "pillar": pillar,
        "name_zh": name,
        "unit": unit,
        "kind": kind,
        "comparison": comparison,
        "target": target,
        **settings,
    }


# The indicators as a bureau's 任务分解表 states them, in the template's columns
# (Chinese words where a bureau would type them: 存量, 比率, 增长, 年度, 为 …).
INDICATOR_ROWS = [
    _row(
        "K-01",
        "P1",
        "国家高新技术企业达到7000家（示例）",
        "家",
        "存量",
        "≥",
        7000,
        baseline=6000,
        baseline_year=2025,
    ),
    _row(
        "K-02",
        "P1",
        "科技型中小企业达到300户（示例）",
        "户",
        "存量",
        ">=",
        300,
        baseline=240,
        baseline_year=2025,
    ),
    _row("K-03", "P1", "省级以上创新平台达到50个（示例）", "个", "存量", ">=", 50),
    _row(
        "K-04",
        "P2",
        "每万名从业人员发明专利授权数240件以上（示例）",
        "件/万人",
        "比率",
        ">=",
        240,
        decimal_places=1,
    ),
    _row("K-05", "P2", "区域创新能力保持全省前40位（示例）", "位", "存量", "≤", 40),
    _row(
        "K-06",
        "P2",
        "全社会研发经费支出增长15%以上（示例）",
        "%",
        "增长",
        ">=",
        15,
        growth_from="增速",
        decimal_places=1,
    ),
    _row(
        "K-07",
        "P2",
        "到2027年研发投入强度达到3.4%以上（示例）",
        "%",
        "比率",
        ">=",
        None,
        decimal_places=2,
        baseline=2.8,
        baseline_year=2022,
        final_year=2027,
        final_target=3.4,
        trajectory="直线",
    ),
    _row(
        "K-08",
        "P1",
        "确保新认定市级新型研发机构10家、力争12家（示例）",
        "家",
        "累计",
        ">=",
        10,
        stretch_target=12,
    ),
    _row(
        "K-09",
        "P2",
        "全市创新指数达到65以上（示例）",
        "",
        "比率",
        ">=",
        65,
        frequency="年度",
        decimal_places=1,
    ),
    _row(
        "K-10",
        "P1",
        "6月底前出台科技型企业培育实施方案（示例）",
        "",
        "节点",
        "",
        None,
        due_date="2026-06-30",
    ),
    _row("K-11", "P1", "科技型企业占规上企业比重为13.67%（示例）", "%", "比率", "为", 13.67),
    _row(
        "K-12", "P2", "实施科技成果转化项目20项以上（示例）", "项", "累计", ">=", 20, ledger="留存"
    ),
]

# Q1 (示例): (figure, state) per code; the milestone is in progress.
Q1 = {
    "K-01": "6120",
    "K-02": "270",
    "K-03": "46",
    "K-04": "243.6",
    "K-05": "46",
    "K-06": "12.5",
    "K-07": "3.1",
    "K-08": "11",
    "K-11": "13.5",
    "K-12": "5",
}

# As of Q1: status, and what the plan page says in Chinese.
EXPECTED = {
    # 6000 + 1000 x 25 % = 6250 expected; 12 % done against 25 %
    "K-01": ("behind", "尚差 880 家，落后时序进度 13.0 个百分点"),
    # 240 + 60 x 25 % = 255 expected; 30 of 60 = 50 % against 25 %
    "K-02": ("on_track", "尚差 30 户，领先时序进度 25.0 个百分点"),
    # no baseline: 46 of 50, 8 % short, no pace claimed
    "K-03": ("at_risk", "尚差 4 个，无基数，不计时序进度，仅与目标比较"),
    "K-04": ("met", "已达成，超出目标 3.6 件/万人"),
    # a rank: 6 places beyond the limit of 40, 15 % of it
    "K-05": ("behind", "超出上限 6 位"),
    # a growth reported as a rate: 2.5 percentage points short, 16.7 % of the target
    "K-06": ("behind", "尚差 2.5个百分点"),
    # this year's target on the line from 2.8 (2022) to 3.4 (2027): 3.28; 5.5 % short
    "K-07": ("at_risk", "尚差 0.18个百分点"),
    # the floor met, the stretch shown beside it
    "K-08": ("met", "已达成，超出目标 1 家，达成确保目标，距力争目标尚差 1 家"),
    # an annual index: not yet due, neither 未报送 nor overdue
    "K-09": (None, "未到报送期：每年一次（第4季度）发布"),
    "K-10": ("on_track", "2026-06-30 前完成，当前：推进中"),
    "K-11": ("at_risk", "低于规定值 13.67 0.17个百分点"),
    "K-12": ("on_track", "尚差 15 项，与时序进度持平"),
}


def rows():
    return {
        "plan": [
            {"field": "年份 Year", "value": YEAR},
            {
                "field": "名称（中文） Name (Chinese)",
                "value": f"{YEAR}年科技工作任务分解表（示例）",
            },
            {
                "field": "来源 Source",
                "value": "示例：按区县任务分解表和五年规划的写法编成，数字均为示例",
            },
        ],
        "structure": [
            {"code": "G1", "level": "goal", "name_zh": "建设创新型城市（示例）"},
            {"code": "P1", "level": "pillar", "name_zh": "创新主体与平台（示例）"},
            {"code": "P2", "level": "pillar", "name_zh": "创新投入与产出（示例）"},
        ],
        "indicators": INDICATOR_ROWS,
        "baselines": [],
    }


@pytest.fixture
def kinds_plan(personas, users):
    """The plan uploaded and made through /plans/import/, opened, and Q1 reported."""
    admin = personas["admin"]
    upload = SimpleUploadedFile("plan.xlsx", template_bytes(rows()), XLSX)
    preview = admin.post(IMPORT, {"file": upload}, HTTP_ACCEPT_LANGUAGE="en")
    assert preview.status_code == 200, [p.message for p in preview.context["problems"]]
    made = admin.post(IMPORT, {"payload": preview.context["payload"]})
    assert made.status_code == 302
    plan = Plan.objects.get(year=YEAR)
    plan.open_for_reporting(by=users["admin"])
    indicators = {i.code: i for i in plan.indicators.all()}
    for code, figure in Q1.items():
        report = QuarterlyReport(
            indicator=indicators[code],
            quarter=1,
            state=QuarterlyReport.State.APPROVED,
            entered_by=users["staff"],
            value=Decimal(figure),
            progress="（示例）",
        )
        report.save_by(users["staff"], reason="示例 / example")
    QuarterlyReport(
        indicator=indicators["K-10"],
        quarter=1,
        state=QuarterlyReport.State.APPROVED,
        entered_by=users["staff"],
        milestone_state=QuarterlyReport.MilestoneState.IN_PROGRESS,
        progress="（示例）",
    ).save_by(users["staff"], reason="示例 / example")
    return plan


def test_the_second_plan(kinds_plan, users):
    """Built once for all its checks (an upload, a plan and a quarter of reports)."""
    _loads_without_rewording(kinds_plan)
    _statuses_and_words_as_of_q1(kinds_plan)
    _headline_averages_only_what_has_a_pace(kinds_plan)
    _final_year_progress(kinds_plan)
    _annual_figure_not_missing_before_its_period(kinds_plan)
    _plan_sheet_carries_every_setting_back(kinds_plan)
    _rolls_over_with_every_setting(kinds_plan, users["admin"])


def _rolls_over_with_every_setting(kinds_plan, admin):
    nxt = {i.code: i for i in roll_over(kinds_plan, by=admin).indicators.all()}
    assert nxt["K-07"].target == Decimal("3.40")  # derived on the line for 2027
    assert nxt["K-10"].due_date == datetime.date(YEAR + 1, 6, 30)
    assert nxt["K-12"].ledger == "kept"
    assert (nxt["K-08"].stretch_target, nxt["K-09"].frequency) == (12, "annual")
    assert nxt["K-01"].last_year_value == 6120  # next year's level is paced from it


def _loads_without_rewording(kinds_plan):
    indicators = {i.code: i for i in kinds_plan.indicators.all()}
    assert len(indicators) == len(INDICATOR_ROWS) == 12
    for row in INDICATOR_ROWS:
        assert indicators[row["code"]].name_zh == row["name_zh"]  # as written, all 12
    k07 = indicators["K-07"]
    assert (k07.kind, k07.target, k07.final_target, k07.final_year) == (
        "rate",
        Decimal("3.28"),
        Decimal("3.4"),
        2027,
    )
    assert (k07.baseline, k07.baseline_year, k07.trajectory) == (Decimal("2.8"), 2022, "straight")
    assert indicators["K-04"].figure_places == 1
    assert (indicators["K-05"].comparison, indicators["K-11"].comparison) == ("<=", "=")
    assert indicators["K-06"].growth_from == "rate"
    assert indicators["K-08"].stretch_target == 12
    assert indicators["K-09"].frequency == "annual"
    assert indicators["K-10"].due_date == datetime.date(2026, 6, 30)
    assert indicators["K-10"].due_quarter == 2
    assert indicators["K-12"].ledger == "kept"


def _statuses_and_words_as_of_q1(kinds_plan):
    with translation.override("zh-hans"):
        got = {
            s.indicator.code: (s.status or None, s.gap_text)
            for s in kinds_plan.indicators.all().standings(1)
        }
    assert got == EXPECTED


def _headline_averages_only_what_has_a_pace(kinds_plan):
    progress = kinds_plan.overview(1).progress
    # K-01 and K-02 (levels from a baseline), K-08 and K-12 (counts); not the ratio,
    # the rank, the growth, the equality, the level without a baseline, the annual index.
    assert progress.measured == 4
    assert progress.completion == (Decimal("0.12") + Decimal("0.5") + 1 + Decimal("0.25")) / 4


def _final_year_progress(kinds_plan):
    s = kinds_plan.indicators.get(code="K-07").standing(1)
    assert round(s.final_completion, 4) == Decimal("0.5")  # 2.8 -> 3.1 of 2.8 -> 3.4
    assert s.indicator.derived_target(2027) == Decimal("3.40")
    with translation.override("en"):
        assert final_text(s) == "final target for 2027, ≥ 3.4 %: 50% of the way from 2.8 % in 2022"


def _annual_figure_not_missing_before_its_period(kinds_plan):
    today = datetime.date(YEAR, 4, 20)
    missing = [
        item.indicator.code
        for group in missing_reports(kinds_plan, 1, today)
        for item in group.items
    ]
    assert "K-09" not in missing
    assert "K-03" not in missing  # reported
    # Nor in the plan page's tile of reports outstanding: only the milestone's is, none.
    assert [s.indicator.code for s in kinds_plan.overview(1).outstanding] == []


def _plan_sheet_carries_every_setting_back(kinds_plan):
    """Next year's spreadsheet from this plan holds every kind setting; read back through
    the reader and the builder it gives the same settings (the due date a year on)."""
    data = template_bytes(next_year_rows(kinds_plan))
    book = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
    headers = [c.value for c in next(book["指标 Indicators"].iter_rows(max_row=1))]
    start = headers.index(KIND_COLUMNS[0].header)  # after the 2024 template's columns
    assert [c.header for c in KIND_COLUMNS] == headers[start : start + len(KIND_COLUMNS)]
    found, problems = reader.read(data)
    assert not problems
    draft = sheet_build.build(found)
    assert not draft.problems, [p.message for p in draft.problems]
    settings = [c.key for c in KIND_COLUMNS if c.key != "due_date"]
    fields = {key: key for key in settings}
    fields["decimal_places"] = "figure_places"
    old = {i.code: i for i in kinds_plan.indicators.all()}
    for new, _pillar in draft.indicators:
        before = old[new.code]
        for name in fields.values():
            mine, theirs = getattr(new, name), getattr(before, name)
            if name == "growth_base" and before.kind == "growth":
                continue  # next year grows from this year's figure
            assert mine == theirs, (new.code, name)
        if before.due_date:
            assert new.due_date == before.due_date.replace(year=YEAR + 1)
    assert {i.code: i.target for i, _p in draft.indicators}["K-07"] == Decimal("3.40")


def test_the_instruction_sheet_explains_every_column():
    book = openpyxl.load_workbook(io.BytesIO(template_bytes()), read_only=True)
    lines = list(book["说明 Instructions"].iter_rows(values_only=True))
    explained = {line[0]: line[2] for line in lines if line and line[0]}
    for column in INDICATORS.columns:
        assert column.header in explained
    for column in KIND_COLUMNS:
        assert explained[column.header], column.key  # a note in both languages


@pytest.mark.parametrize(
    ("typed", "places", "error"),
    [
        ("243.6", 1, None),
        ("243.65", 1, "at most 1 decimal place: enter 243.6, not 243.65"),
        ("243.65", 2, None),
    ],
)
def test_a_ratio_takes_the_decimals_of_its_precision(typed, places, error):
    ratio = Indicator(kind="rate", unit="件/万人", whole_number=False, decimal_places=places)
    field = FigureField(indicator=ratio)
    with translation.override("en"):
        if error is None:
            assert field.clean(typed) == Decimal(typed)
        else:
            with pytest.raises(Exception) as refusal:
                field.clean(typed)
            assert error in " ".join(refusal.value.messages)


@pytest.mark.parametrize(
    ("growth_from", "typed", "error"),
    [
        ("rate", "-2.5", None),
        ("rate", "－2.5", None),  # a full-width minus, as Chinese input types it
        ("rate", "-2.55", "at most 1 decimal place"),
        ("", "-2.5", "cannot be negative"),  # a figure the growth is computed from
    ],
)
def test_a_growth_reported_as_a_rate_may_be_a_fall(growth_from, typed, error):
    growth = Indicator(
        kind="growth", unit="%", whole_number=False, decimal_places=1, growth_from=growth_from
    )
    field = FigureField(indicator=growth)
    with translation.override("en"):
        if error is None:
            assert field.clean(typed) == Decimal("-2.5")
        else:
            with pytest.raises(Exception) as refusal:
                field.clean(typed)
            assert error in " ".join(refusal.value.messages)
