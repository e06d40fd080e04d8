"""A plan from a spreadsheet: the template, the upload, its preview with every problem
by sheet, row and column, and the plan made all at once.

The 2024 plan, written into the template from the tables of
docs/source/2024-plan-126.md (tests/plan_document.py reads them), loads into exactly
the plan of fixtures/plan_2024.json.
"""

import io
import json
from decimal import Decimal

import openpyxl
from django.core import serializers
from django.core.files.uploadedfile import SimpleUploadedFile

from targets.models import BaselineResult, Indicator, Plan, PlanElement
from targets.plan_sheet.template import template_bytes
from targets.plans import fixture_path

from . import plan_document

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
IMPORT = "/plans/import/"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# What the plan document's tables do not say and an administrator types in: the
# English units and how the two monitored figures combine (the plan's name and source
# are its first lines, copied below).
UNITS_EN = {"项": "projects", "户": "enterprises", "次": "events", "人": "people"}
UNITS_EN_BY_CODE = {
    "P3-03": "incubators",
    "P3-04": "institutions",
    "P3-05": "enterprises",
    "P3-06": "enterprises",
    "P5-02": "projects",
}
MEASURES = {"P2-04": "flow", "P2-05": "stock"}


def _fixture():
    return json.loads(fixture_path(2024).read_text(encoding="utf-8"))


def rows_from_the_document():
    """The template's rows (by sheet) holding the 2024 plan as the document gives it."""
    plan = _fixture()[0]["fields"]
    indicators = []
    for row in plan_document.indicators():
        unit = row["unit"]
        indicators.append(
            {
                "code": row["code"],
                "pillar": row["pillar"],
                "name_zh": row["name_zh"],
                "name_en": row["name_en"],
                "unit": unit,
                "unit_en": UNITS_EN_BY_CODE.get(row["code"], UNITS_EN.get(unit, "")),
                "kind": row["kind"],
                "measure": MEASURES.get(row["code"], ""),
                "comparison": row["comparison"],
                "target": row["target"],
                "last_year": row["last_year_value"],
            }
        )
    return {
        "plan": [
            {"field": "年份 Year", "value": 2024},
            {"field": "名称（中文） Name (Chinese)", "value": plan["name_zh"]},
            {"field": "名称（英文） Name (English)", "value": plan["name_en"]},
            {"field": "来源 Source", "value": plan["source"]},
        ],
        "structure": [
            {"code": r["code"], "level": r["level"], "name_zh": r["中文"], "name_en": r["English"]}
            for r in plan_document.structure()
        ],
        "indicators": indicators,
        "baselines": [
            {"name_zh": r["中文"], "name_en": r["English"], "figure": r["2023 figure"]}
            for r in plan_document.baselines()
        ],
    }


def _upload(client, content, name="plan.xlsx"):
    return client.post(IMPORT, {"file": SimpleUploadedFile(name, content, XLSX)}, **EN)


def _empty_the_plans():
    """Inside the test's transaction: rolled back when it ends."""
    Indicator.objects.all().delete()  # reports and revisions go with them
    Plan.objects.all().delete()


def _as_fixture(plan):
    """The plan's objects as fixtures/plan_2024.json writes them (natural keys)."""
    objects = []
    for queryset in (
        Plan.objects.filter(pk=plan.pk),
        PlanElement.objects.filter(plan=plan).order_by("order"),
        BaselineResult.objects.filter(plan=plan).order_by("order"),
        Indicator.objects.filter(plan=plan).order_by("order"),
    ):
        objects += serializers.serialize(
            "python", queryset, use_natural_foreign_keys=True, use_natural_primary_keys=True
        )
    return objects


DECIMALS = ("target", "last_year_value", "pace_q1", "pace_q2", "pace_q3", "pace_q4")


def _plain(fields):
    """Fields as JSON reads them, decimals as numbers ("10.00" and "10" are the same)."""
    fields = json.loads(json.dumps(fields, default=str))
    for name in DECIMALS:
        if fields.get(name) is not None:
            fields[name] = Decimal(fields[name])
    return fields


def _key(obj):
    """An object of the fixture by its model and code (or order, for the results)."""
    fields = obj["fields"]
    return (obj["model"], str(fields.get("code", fields.get("order", ""))))


def test_the_document_loads_into_exactly_the_fixtures_plan(personas):
    _empty_the_plans()
    admin = personas["admin"]
    preview = _upload(admin, template_bytes(rows_from_the_document()))
    assert preview.status_code == 200, preview.context["problems"]
    assert not preview.context["problems"]
    draft = preview.context["draft"]
    assert (len(draft.elements), len(draft.indicators), len(draft.baselines)) == (9, 29, 12)
    assert not Plan.objects.exists()  # a preview makes nothing
    made = admin.post(IMPORT, {"payload": preview.context["payload"]})
    assert made.status_code == 302 and made["Location"] == "/plans/2024/setup/"

    plan = Plan.objects.get(year=2024)
    assert plan.is_draft  # an administrator looks at it, then opens it
    loaded = _as_fixture(plan)
    expected = _fixture()
    assert len(loaded) == len(expected) == 1 + 9 + 12 + 29
    for mine, theirs in zip(sorted(loaded, key=_key), sorted(expected, key=_key), strict=True):
        assert mine["model"] == theirs["model"]
        fields = {name: mine["fields"][name] for name in theirs["fields"]}
        if mine["model"] == "targets.plan":
            fields["state"] = "active"  # the fixture's plan is open; an upload is a draft
        assert _plain(fields) == _plain(theirs["fields"]), theirs["fields"]


def _workbook(**sheets):
    """A template with these rows (by sheet) in place of the document's."""
    rows = rows_from_the_document()
    rows.update(sheets)
    return template_bytes(rows)


def test_every_problem_is_listed_by_row_and_column_and_nothing_is_made(personas):
    count = Plan.objects.count()
    good = {"pillar": "P1", "name_zh": "指标", "kind": "count", "comparison": ">=", "target": 5}
    indicators = [
        {**good, "code": "A-01"},
        {**good, "code": "A-01"},  # row 3: the code again
        {**good, "code": "A-02", "pillar": "P9"},  # row 4
        {**good, "code": "A-03", "kind": "milestone", "comparison": ""},  # row 5: a target
        {**good, "code": "A-04", "pace_q1": 50, "pace_q2": 40},  # row 6: the pacing falls
        {**good, "code": "A-05", "target": None, "comparison": ""},  # row 7: no target
        {**good, "code": "A-06", "kind": "blah"},  # row 8
        {**good, "code": "A-07", "lead_section": "nobody"},  # row 9
        {**good, "code": "A-08", "target": "ten"},  # row 10
        {**good, "code": "A-09", "kind": "monitor", "comparison": "", "target": None},  # row 11
        {**good, "code": "A-10", "continues": "Z-99"},  # row 12
    ]
    structure = rows_from_the_document()["structure"] + [
        {"code": "P1", "level": "pillar", "name_zh": "重复"},  # row 11: the code again
        {"code": "X1", "level": "sector", "name_zh": "未知"},  # row 12
    ]
    response = _upload(
        personas["admin"],
        _workbook(
            indicators=indicators,
            structure=structure,
            baselines=[{"name_zh": "结果", "figure": ""}],
        ),
    )
    assert response.status_code == 400
    problems = {}
    for p in response.context["problems"]:
        problems.setdefault((p.sheet, p.row, p.column), []).append(p.message)
    expected = [
        ("计划 Plan", 2, "内容 Value", "A plan for 2024 exists already."),
        ("结构 Structure", 11, "编号 Code", "Code P1 is used twice (row 5 too)."),
        ("结构 Structure", 12, "层级 Level", "Unknown level “sector”"),
        ("指标 Indicators", 3, "编号 Code", "Code A-01 is used twice (row 2 too)."),
        ("指标 Indicators", 4, "支柱 Pillar", "“P9” is not a pillar of the structure sheet."),
        ("指标 Indicators", 5, "年度目标 Target", "a milestone, a qualitative or a monitored"),
        ("指标 Indicators", 6, "一季度进度% Pace Q1 %", "must not fall from one quarter"),
        ("指标 Indicators", 7, "年度目标 Target", "A count or a level needs a comparison"),
        ("指标 Indicators", 8, "类型 Kind", "Unknown kind “blah”."),
        ("指标 Indicators", 9, "牵头单位 Lead units", "No section “nobody”."),
        ("指标 Indicators", 10, "年度目标 Target", "“ten” is not a number."),
        ("指标 Indicators", 11, "汇总方式 Measure", "how its quarterly figures combine"),
        ("指标 Indicators", 12, "接续上年编号 Continues", "The 2023 plan has no indicator Z-99."),
        ("上年结果 Results of the year before", 2, "数值 Figure", "cannot be blank"),
    ]
    missing = [
        place for *place, text in expected if text not in " ".join(problems.get(tuple(place), []))
    ]
    assert not missing, (missing, problems)
    assert Plan.objects.count() == count
    # The page lists them all, next to the upload field, in the user's language.
    assert response.content.decode().count("<tr><td>") == len(response.context["problems"])


def test_a_file_that_is_not_a_workbook_is_refused_next_to_the_field(personas):
    response = _upload(personas["admin"], b"code,name\nP1-01,x\n", name="plan.xlsx")
    assert response.status_code == 400
    assert "This is not an XLSX workbook" in response.context["form"].errors["file"][0]
    other = _upload(personas["admin"], b"x", name="plan.csv")
    assert "Upload an XLSX workbook" in other.context["form"].errors["file"][0]


def test_next_years_template_from_a_plan_continues_it(personas, demo):
    admin = personas["admin"]
    response = admin.get("/plans/import/template.xlsx?from=2024")
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(response.content), read_only=True)
    assert book.sheetnames == [
        "计划 Plan",
        "结构 Structure",
        "指标 Indicators",
        "上年结果 Results of the year before",
        "说明 Instructions",
    ]
    assert next(book["计划 Plan"].iter_rows(min_row=2, values_only=True))[1] == 2025
    Plan.objects.get(year=2025).delete_draft()
    preview = _upload(admin, response.content)
    assert preview.status_code == 200, preview.context["problems"]
    draft = preview.context["draft"]
    assert draft.plan.continues == demo
    p304 = next(i for i, _pillar in draft.indicators if i.code == "P3-04")
    assert (p304.continues.plan, p304.last_year_value, p304.target) == (demo, 7, 10)
    # An altered preview is refused, never a 500.
    tampered = admin.post(IMPORT, {"payload": preview.context["payload"] + "x"}, **EN)
    assert tampered.status_code == 400
    assert "The preview has expired or was altered" in tampered.context["refusal"]
    assert not Plan.objects.filter(year=2025).exists()


def test_a_number_of_29_digits_is_answered_in_words(personas):
    """Issue 23: 29 digits or more in the year or a target was decimal.InvalidOperation
    (a 500); now the cell says the number is too large, and nothing is made."""
    count = Plan.objects.count()
    rows = rows_from_the_document()
    rows["plan"][0]["value"] = "9" * 30
    rows["indicators"][0]["target"] = "1" + "0" * 28
    response = _upload(personas["admin"], template_bytes(rows))
    assert response.status_code == 400
    messages = {(p.sheet, p.row, p.column): p.message for p in response.context["problems"]}
    assert (
        "is too large: at most 12 digits before the point"
        in messages[("计划 Plan", 2, "内容 Value")]
    )
    target = messages[("指标 Indicators", 2, "年度目标 Target")]
    assert target == f"“1{'0' * 28}” is too large: at most 12 digits before the point."
    assert Plan.objects.count() == count


def test_a_plan_loaded_from_a_sheet_is_not_labelled_carried_over(personas, demo):
    """A plan loaded from a spreadsheet that continues last year's said 由2024年计划结转
    (made from the 2024 plan) like one the rollover made: it says 接续 (continues) now;
    only the rollover's plan is "made from" it."""
    admin = personas["admin"]
    rolled = admin.get("/plans/").content.decode()
    assert "由2024年计划结转" in rolled  # the demo's 2025 draft, made by the rollover
    template = admin.get("/plans/import/template.xlsx?from=2024").content
    Plan.objects.get(year=2025).delete_draft()
    preview = _upload(admin, template)
    made = admin.post(IMPORT, {"payload": preview.context["payload"]})
    assert made.status_code == 302 and made["Location"] == "/plans/2025/setup/"
    assert Plan.objects.get(year=2025).continues == demo
    for url in ("/plans/", "/plans/2025/setup/"):
        content = admin.get(url).content.decode()
        assert "由2024年计划结转" not in content and "接续2024年计划" in content, url
        english = admin.get(url, **EN).content.decode()
        assert "made from the 2024 plan" not in english
        assert "continues the 2024 plan" in english
