"""The report template's sheet and columns.

The header cells hold the Chinese and the English name ("编号 Code"), like the plan
template's (plan_sheet/columns.py, whose `Column` and `Sheet` these are); an upload
may give either or both, in any order. `filled` columns are the ones a person
writes in; the others say what the row is (and are protected in the XLSX).
"""

from django.utils.translation import gettext_lazy as _

from ..plan_sheet.columns import Column, Sheet

REPORTS = Sheet(
    "reports",
    "季度报告",
    "Reports",
    (
        Column("year", "年份", "Year", 7, True),
        Column("quarter", "季度", "Quarter", 9, True),
        Column("code", "编号", "Code", 9, True),
        Column("name", "指标", "Indicator", 40),
        Column("kind", "类型", "Kind", 18),
        Column("unit", "单位", "Unit", 7),
        Column("target", "年度目标", "Target", 12),
        Column("ytd", "此前累计", "Before this quarter", 12),
        Column("state", "状态", "State", 10),
        Column("version", "版本", "Version", 9, True),
        Column("value", "本季数值", "Figure", 12, True),
        Column("milestone_state", "节点状态", "Milestone state", 14, True),
        Column("done_on", "完成日期", "Date done", 12, True),
        Column("progress", "进展情况", "Progress", 44, True),
        Column("problems", "存在问题", "Problems", 32, True),
        Column("next_steps", "下步计划", "Next steps", 32, True),
        Column("reason", "修改原因", "Reason for the change", 22),
        Column("confirm_large", "确认大数", "Confirm a large figure", 14),
    ),
)
# What a person writes; the rest identifies the row (and is locked in the XLSX).
FILLED = (
    "value",
    "milestone_state",
    "done_on",
    "progress",
    "problems",
    "next_steps",
    "reason",
    "confirm_large",
)
# The report form's fields, by the column that holds them.
FORM_FIELDS = ("value", "milestone_state", "done_on", "progress", "problems", "next_steps")

NOTES = {
    "year": _("the plan's year: the template's own; do not change"),
    "quarter": _("the quarter: the template's own; do not change"),
    "code": _("the indicator's code; do not change"),
    "version": _("the report's version when the template was made; do not change"),
    "value": _("a count or a level: this quarter's figure (12, 1,234, １２ are read alike)"),
    "milestone_state": _("a milestone: choose from the list"),
    "done_on": _("a milestone done: the date it was done (2024-09-30)"),
    "progress": _("what was done this quarter (进展情况)"),
    "problems": _("what stands in the way (存在问题)"),
    "next_steps": _("what comes next (下步计划)"),
    "reason": _("needed to change a submitted report; the file's name is recorded too"),
    "confirm_large": _("yes, when a figure is more than five times the target"),
}
