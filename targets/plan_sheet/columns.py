"""The template's sheets and columns.

Each header cell holds the Chinese and the English name ("编号 Code"); an upload may
give either or both, in any column order. The indicator columns follow the table of
docs/source/2024-plan-126.md (code, pillar, 中文, English, unit, kind, target) and add
what the plan needs besides (comparison and target apart, last year's figure, pacing,
due quarter, lead and cooperating units, the task, the code it continues).
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Column:
    key: str
    zh: str
    en: str
    width: int = 12
    required: bool = False
    note: object = ""  # what goes in it, for the instructions sheet
    aliases: tuple = ()  # earlier headers still read ("牵头单位 Lead section")

    @property
    def header(self):
        return f"{self.zh} {self.en}"

    def matches(self, text):
        text = " ".join(str(text or "").split()).lower()
        known = {self.header.lower(), self.zh.lower(), self.en.lower(), self.key}
        return text in known | {alias.lower() for alias in self.aliases}


@dataclass(frozen=True)
class Sheet:
    key: str
    zh: str
    en: str
    columns: tuple

    @property
    def title(self):
        return f"{self.zh} {self.en}"

    def matches(self, title):
        title = " ".join(str(title or "").split()).lower()
        return title in {self.title.lower(), self.zh.lower(), self.en.lower(), self.key}

    def column(self, key):
        return next(c for c in self.columns if c.key == key)

    @property
    def columns_by_key(self):
        return {c.key: c for c in self.columns}


PLAN = Sheet(
    "plan",
    "计划",
    "Plan",
    (
        Column("field", "项目", "Field", 22, True),
        Column("value", "内容", "Value", 70, True),
    ),
)
# The rows of the plan sheet: (key, Chinese, English, required).
PLAN_FIELDS = (
    ("year", "年份", "Year", True),
    ("name_zh", "名称（中文）", "Name (Chinese)", True),
    ("name_en", "名称（英文）", "Name (English)", False),
    ("source", "来源", "Source", False),
)

STRUCTURE = Sheet(
    "structure",
    "结构",
    "Structure",
    (
        Column("code", "编号", "Code", 8, True, _("G1, F1, P1 …: unique in the plan")),
        Column(
            "level",
            "层级",
            "Level",
            12,
            True,
            _(
                "goal, focus, pillar or task (总体目标, 重点, 支柱, 任务); "
                "a task's code is its number"
            ),
        ),
        Column("name_zh", "中文", "Chinese", 50, True),
        Column("name_en", "英文", "English", 50),
    ),
)

# The settings of each kind of target, after the columns of the 2024 template (a
# template without them still reads: each is optional, empty means "none").
KIND_COLUMNS = (
    Column(
        "ledger",
        "台账",
        "Ledger",
        10,
        False,
        _("empty (none), kept (留存, beside the figure) or counted (计数, the figure is counted)"),
    ),
    Column(
        "decimal_places",
        "小数位数",
        "Decimals",
        8,
        False,
        _("0, 1 or 2 decimals a figure may have (0: whole numbers); default: by whole numbers"),
    ),
    Column(
        "baseline",
        "基数",
        "Baseline",
        10,
        False,
        _("a level or a final-year target: the figure it starts from"),
    ),
    Column("baseline_year", "基数年份", "Baseline year", 9, False, _("the year of the baseline")),
    Column(
        "climbs",
        "逐季上升",
        "Climbs",
        8,
        False,
        _("a rate expected to climb over the year (paced from its baseline): yes or no"),
    ),
    Column(
        "growth_base",
        "增长基数",
        "Growth base",
        10,
        False,
        _("a growth: the figure the growth is measured from"),
    ),
    Column(
        "growth_from",
        "增长口径",
        "Growth from",
        10,
        False,
        _("a growth: figures (computed from the figures, default) or rate (报送增速)"),
    ),
    Column("final_year", "目标年份", "Final year", 9, False, _("到2027年…: the final year")),
    Column("final_target", "最终目标", "Final target", 10, False, _("the final year's target")),
    Column(
        "trajectory",
        "年度目标来源",
        "Trajectory",
        10,
        False,
        _("set (the year's target is typed, default) or straight (derived on a straight line)"),
    ),
    Column(
        "stretch_target",
        "力争目标",
        "Stretch target",
        10,
        False,
        _("确保…力争…: the stretch; the target column holds the floor"),
    ),
    Column(
        "frequency",
        "发布频次",
        "Published",
        10,
        False,
        _("quarterly (default), half (半年) or annual (年度): not due before its period"),
    ),
    Column(
        "due_date",
        "完成时限",
        "Due date",
        11,
        False,
        _("a milestone due inside a quarter: a date, 2024-06-30"),
    ),
)

# Each indicator's definition and source (口径说明), after the settings of the kinds
# (optional; free text, as the plan's own words; the frequency is a KIND_COLUMNS').
DEFINITION_COLUMNS = (
    Column("definition", "统计口径", "Definition", 30, False, _("what the figure counts")),
    Column("method", "计算方法", "Method", 24, False, _("how the figure is computed")),
    Column(
        "data_source",
        "数据来源",
        "Data source",
        16,
        False,
        _("the statistics bureau, a department's register, the ledger …"),
    ),
    Column(
        "published_on", "发布时间", "Published on", 10, False, _("usually published: 次年3月 …")
    ),
    Column(
        "data_contact", "数据责任人", "Data contact", 16, False, _("a name and a telephone number")
    ),
)

INDICATORS = Sheet(
    "indicators",
    "指标",
    "Indicators",
    (
        Column("code", "编号", "Code", 9, True, _("P1-01 …: unique in the plan")),
        Column("pillar", "支柱", "Pillar", 8, True, _("a pillar's code from the structure sheet")),
        Column(
            "task",
            "任务",
            "Task",
            8,
            False,
            _("optional: a task's code from the structure sheet (33 for 第33项)"),
        ),
        Column("name_zh", "中文", "Chinese", 44, True),
        Column("name_en", "英文", "English", 44),
        Column("unit", "单位", "Unit", 7, False, _("项, 家, 人 … (empty without a figure)")),
        Column("unit_en", "英文单位", "Unit (English)", 12),
        Column(
            "kind",
            "类型",
            "Kind",
            12,
            True,
            _(
                "count, level, rate, growth, milestone, qualitative or monitor (累计, 存量, "
                "比率, 增长, 节点, 定性, 监测)"
            ),
        ),
        Column(
            "measure",
            "汇总方式",
            "Measure",
            10,
            False,
            _("a monitored figure only: flow (summed) or stock (the latest)"),
        ),
        Column(
            "comparison",
            "比较",
            "Comparison",
            9,
            False,
            _(">=, >, <=, < (≥, ≤), or 为 (equal to); a rank or a ceiling is <= or <"),
        ),
        Column(
            "target",
            "年度目标",
            "Target",
            10,
            False,
            _(
                "a count, a level, a rate or a growth: a number (the floor of 确保…力争…; "
                "a growth in %); empty when derived on a straight line"
            ),
        ),
        Column("last_year", "上年数值", "Last year", 10, False, _("last year's figure, if known")),
        Column("pace_q1", "一季度进度%", "Pace Q1 %", 9, False, _("default 25")),
        Column("pace_q2", "二季度进度%", "Pace Q2 %", 9, False, _("default 50")),
        Column("pace_q3", "三季度进度%", "Pace Q3 %", 9, False, _("default 75")),
        Column("pace_q4", "四季度进度%", "Pace Q4 %", 9, False, _("default 100")),
        Column(
            "due_quarter", "到期季度", "Due quarter", 9, False, _("a milestone: 1–4 (default 4)")
        ),
        Column(
            "lead_section",
            "牵头单位",
            "Lead units",
            16,
            False,
            _(
                "one or more sections' codes or names, separated by 、 or ; (as the plan "
                "writes them: 甲科、乙科); each must exist (Administration → Sections)"
            ),
            aliases=("牵头单位 Lead section", "Lead section"),
        ),
        Column(
            "cooperating",
            "配合单位",
            "Cooperating units",
            16,
            False,
            _("optional: sections that cooperate, written as the lead units"),
        ),
        Column(
            "whole_number",
            "取整",
            "Whole numbers",
            9,
            False,
            _("yes or no (是/否); default: by unit"),
        ),
        Column(
            "continues", "接续上年编号", "Continues", 12, False, _("last year's code it carries on")
        ),
        # What the target means (README "How status is computed").
        *KIND_COLUMNS,
        *DEFINITION_COLUMNS,
    ),
)

BASELINES = Sheet(
    "baselines",
    "上年结果",
    "Results of the year before",
    (
        Column("name_zh", "中文", "Chinese", 40, True),
        Column("name_en", "英文", "English", 50),
        Column("figure", "数值", "Figure", 24, True, _("as the source states it: 108 户")),
    ),
)

SHEETS = (PLAN, STRUCTURE, INDICATORS, BASELINES)
