"""The template to download: the four sheets an upload reads, and a sheet of instructions.

Empty, or (`?from=2024` on the download) filled with next year's plan made from an
existing one, so next year's plan can start from this year's in a spreadsheet as well
as in the application. Text is written as text (never a formula: a name starting
with "=" is neutralised as in the exports), numbers as numbers.
"""

from io import BytesIO

from django.utils import translation
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.worksheet.datavalidation import DataValidation

from ..exports.cells import neutralise
from ..models.rollover import last_year_figures, moved_to, next_name
from .columns import (
    BASELINES,
    DEFINITION_COLUMNS,
    INDICATORS,
    PLAN,
    PLAN_FIELDS,
    SHEETS,
    STRUCTURE,
)

CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HEADER_FILL = PatternFill("solid", fgColor="DDE6F0")
# Drop-down lists where a cell takes one of a few words (typing another is still
# allowed: the upload says what it does not know).
CHOICES = {
    ("structure", "level"): "goal,focus,pillar,task",
    ("indicators", "kind"): "count,level,rate,growth,milestone,qualitative,monitor",
    ("indicators", "measure"): "flow,stock",
    # Equality is written 为: a cell typed "=" starts a formula in a spreadsheet.
    ("indicators", "comparison"): ">=,>,<=,<,为",
    ("indicators", "ledger"): "kept,counted",
    ("indicators", "growth_from"): "figures,rate",
    ("indicators", "trajectory"): "set,straight",
    ("indicators", "frequency"): "quarterly,half,annual",
}


def kind_cells(indicator, year):
    """The cells of columns.KIND_COLUMNS for `indicator` in a plan of `year` (its due
    date moved to that year, as the rollover does): empty where a setting is unset."""
    return {
        "ledger": indicator.ledger,
        "decimal_places": indicator.figure_places,
        "baseline": indicator.baseline,
        "baseline_year": indicator.baseline_year,
        "climbs": "yes" if indicator.climbs else "",
        "growth_base": indicator.growth_base,
        "growth_from": indicator.growth_from,
        "final_year": indicator.final_year,
        "final_target": indicator.final_target,
        "trajectory": indicator.trajectory,
        "stretch_target": indicator.stretch_target,
        "frequency": indicator.frequency,
        "due_date": moved_to(indicator.due_date, year),
        **{column.key: getattr(indicator, column.key) for column in DEFINITION_COLUMNS},
    }


def _value(value):
    if isinstance(value, str):
        return neutralise(value)
    return value


def header_row(worksheet, sheet):
    """The first row: the columns' bilingual headers, bold on a tint, at the columns'
    widths. Also the report template's (report_sheet/template.py)."""
    worksheet.append([c.header for c in sheet.columns])
    for cell, column in zip(worksheet[1], sheet.columns, strict=True):
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        worksheet.column_dimensions[cell.column_letter].width = column.width


def _sheet(workbook, sheet, rows):
    worksheet = workbook.create_sheet(sheet.title)
    header_row(worksheet, sheet)
    for row in rows:
        worksheet.append([_value(row.get(c.key)) for c in sheet.columns])
    worksheet.freeze_panes = "A2"
    for (sheet_key, column_key), words in CHOICES.items():
        if sheet_key != sheet.key:
            continue
        letter = worksheet.cell(1, sheet.columns.index(sheet.column(column_key)) + 1)
        validation = DataValidation(type="list", formula1=f'"{words}"', allow_blank=True)
        validation.showErrorMessage = False
        worksheet.add_data_validation(validation)
        validation.add(f"{letter.column_letter}2:{letter.column_letter}1000")
    return worksheet


def _instructions(workbook):
    worksheet = workbook.create_sheet("说明 Instructions")
    worksheet.column_dimensions["A"].width = 26
    worksheet.column_dimensions["B"].width = 24
    worksheet.column_dimensions["C"].width = 80
    worksheet.append(["kpitracker：年度计划模板 / plan template"])
    worksheet["A1"].font = Font(bold=True)
    worksheet.append(
        [
            "填写后在“计划”页面上传：先预览，逐行列出全部问题；没有问题才一次性创建草稿计划。",
        ]
    )
    worksheet.append(
        [
            "Fill in and upload on the Plans page: a preview lists every problem by row "
            "and column; the draft plan is made only when there is none, all at once."
        ]
    )
    worksheet.append([])
    for sheet in SHEETS[1:]:
        worksheet.append([sheet.title])
        worksheet.cell(worksheet.max_row, 1).font = Font(bold=True)
        for column in sheet.columns:
            required = "必填 required" if column.required else ""
            with translation.override("zh-hans"):
                note_zh = str(column.note)
            with translation.override("en"):
                note_en = str(column.note)
            note = note_zh if note_zh == note_en else f"{note_zh} / {note_en}"
            worksheet.append([column.header, required, note])
        worksheet.append([])


def next_year_rows(plan):
    """Next year's plan from `plan`, in the template's rows (by sheet key): what the
    rollover copies (targets as in force at the year end, last year's figures from the
    reports, each indicator continuing this one), for an administrator who prefers to
    prepare next year in a spreadsheet. The results of the year before are left empty."""
    year = plan.year + 1
    figures = last_year_figures(plan)
    rows = {
        "plan": [
            {"field": "年份 Year", "value": year},
            {"field": "名称（中文） Name (Chinese)", "value": next_name(plan.name_zh, plan.year)},
            {"field": "名称（英文） Name (English)", "value": next_name(plan.name_en, plan.year)},
            {"field": "来源 Source", "value": ""},
        ],
        "structure": [
            {"code": e.code, "level": e.level, "name_zh": e.name_zh, "name_en": e.name_en}
            for e in plan.elements.all()
        ],
        "indicators": [],
        "baselines": [],
    }
    indicators = plan.indicators.select_related("pillar", "task").with_units().with_revisions()
    for i in indicators:
        rows["indicators"].append(
            {
                "code": i.code,
                "pillar": i.pillar.code,
                "name_zh": i.name_zh,
                "name_en": i.name_en,
                "unit": i.unit,
                "unit_en": i.unit_en,
                "kind": i.kind,
                "measure": i.measure if i.kind == i.Kind.MONITOR else "",
                "comparison": "为" if i.comparison == "=" else i.comparison,
                "target": i.target_in_force(4).target if i.has_target else None,
                "last_year": figures.get(i.pk, (None, None))[0],
                **{f"pace_q{q}": getattr(i, f"pace_q{q}") for q in (1, 2, 3, 4)},
                "due_quarter": i.due_quarter,
                "task": i.task.code if i.task else "",
                "lead_section": "、".join(s.code for s in i.leads),
                "cooperating": "、".join(s.code for s in i.cooperating),
                "whole_number": "yes" if i.whole_number else "no",
                "continues": i.code,
                **kind_cells(i, year),
            }
        )
        if i.kind == i.Kind.GROWTH and i.growth_from != "rate" and i.pk in figures:
            rows["indicators"][-1]["growth_base"] = figures[i.pk][0]  # as the rollover
    return rows


def template_bytes(rows=None):
    """The template as XLSX bytes; `rows` ({sheet key: [dict]}) fill it."""
    rows = rows or {}
    workbook = Workbook()
    workbook.remove(workbook.active)
    plan_rows_ = rows.get("plan") or [
        {"field": f"{zh} {en}", "value": None} for _key, zh, en, _r in PLAN_FIELDS
    ]
    _sheet(workbook, PLAN, plan_rows_)
    _sheet(workbook, STRUCTURE, rows.get("structure", []))
    _sheet(workbook, INDICATORS, rows.get("indicators", []))
    _sheet(workbook, BASELINES, rows.get("baselines", []))
    _instructions(workbook)
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
