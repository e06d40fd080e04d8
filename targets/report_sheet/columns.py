"""The report template's sheet and columns.

The header cells hold the Chinese and the English name ("编号 Code"), like the plan
template's (plan_sheet/columns.py, whose `Column` and `Sheet` these are); an upload
may give either or both, in any order. `filled` columns are the ones a person
writes in; the others say what the row is (and are protected in the XLSX).
"""

from django.utils.translation import gettext_lazy as _

from ..models.report import QuarterlyReport
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
FILLED = (*QuarterlyReport.CONTENT_FIELDS, "reason", "confirm_large")
# Words a sheet may use for "yes" in a tick column (确认大数, 删除, 确认不同).
YES = {"yes", "y", "true", "1", "是", "√", "✓", "确认", "删除", "x"}
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

# The items (台账) behind the figures of the indicators that keep a ledger: one row per
# item of the quarter. A row with an entry number corrects (or, marked, removes) that
# item; a row without one adds an item. Items left out of the sheet stay as they are.
LEDGER = Sheet(
    "ledger",
    "台账",
    "Ledger",
    (
        Column("code", "编号", "Code", 9, True),
        Column("entry", "条目号", "Entry", 8, True),
        Column("name", "名称", "Item", 36, True),
        Column("date", "日期", "Date", 12, True),
        Column("division", "区县", "County or district", 16, True),
        Column("document_number", "文号", "Document number", 18, True),
        Column("note", "备注", "Note", 30, True),
        Column("remove", "删除", "Remove", 8),
        Column("confirm_distinct", "确认不同", "A different item", 10),
    ),
)
LEDGER_FILLED = ("name", "date", "division", "document_number", "note", "remove")
LEDGER_FIELDS = ("name", "date", "division", "document_number", "note")

LEDGER_NOTES = dict(
    {
        "entry": _("the ledger item's number; empty for a new item"),
        "name": _("the item, as on its document"),
        "date": _("the date it happened, inside the quarter (2024-09-30)"),
        "division": _("the county or district: choose from the list"),
        "document_number": _("the document's number (文号), if any"),
        "note": _("a note, if any"),
        "remove": _("yes, to remove the item from the ledger"),
        "confirm_distinct": _("yes, when a similar item is a different one"),
    }
)
