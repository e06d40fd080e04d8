"""Plans as bureaus write them: several lead units and cooperating units per
indicator (牵头单位 / 配合单位) and numbered tasks ("第33项") carrying targets.

A small plan is loaded through the plan spreadsheet as an administrator would: task
33 carries two targets, X-01 has two lead units (甲科、乙科) and a cooperating one
(丙科); 丁科 has nothing to do with it. Then: both leads' staff submit, the
cooperating staff read the draft and add their part but cannot submit, 丁科 sees
nothing of the draft; the sheet round-trips; exports, the briefing and the pages
name both leads; rollover copies it all.
"""

import csv
import io

import docx
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import Client
from django.utils import translation

from accounts.models import Section, User
from targets.models import Contribution, Indicator, Plan, QuarterlyReport
from targets.models.rollover import roll_over
from targets.plan_sheet import build, reader
from targets.plan_sheet.template import next_year_rows, template_bytes

from .reporting_helpers import form_data

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
YEAR = 2023  # before the demo's 2024 plan: every quarter has ended, so all can report
SECTIONS = {
    "lead-a": "甲科(示例)",
    "lead-b": "乙科(示例)",
    "coop-c": "丙科(示例)",
    "other-d": "丁科(示例)",
}


def _rows(year=YEAR):
    target = {"kind": "count", "comparison": ">=", "unit": "项", "pillar": "P1"}
    return {
        "plan": [
            {"field": "年份 Year", "value": year},
            {"field": "名称（中文） Name (Chinese)", "value": f"{year}年任务分解表(示例)"},
            {"field": "名称（英文） Name (English)", "value": f"{year} task breakdown (example)"},
        ],
        "structure": [
            {"code": "P1", "level": "pillar", "name_zh": "科技创新(示例)"},
            {"code": "33", "level": "任务", "name_zh": "推进科技成果转化(示例)"},
            {"code": "34", "level": "task", "name_zh": "培育创新主体(示例)"},
        ],
        "indicators": [
            {
                **target,
                "code": "X-01",
                "name_zh": "技术合同登记(示例)",
                "target": 10,
                "task": "33",
                # Codes and names mixed, as typed: both separators of the column's note.
                "lead_section": "lead-a、乙科(示例)",
                "cooperating": "coop-c",
            },
            {
                **target,
                "code": "X-02",
                "name_zh": "成果转化项目(示例)",
                "target": 5,
                "task": "33",
                "lead_section": "lead-a",
            },
            {
                **target,
                "code": "X-03",
                "name_zh": "新增科技型企业(示例)",
                "target": 20,
                "task": "34",
                "lead_section": "乙科(示例); lead-a",
            },
        ],
        "baselines": [],
    }


def _client(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def bureau(demo):
    """The plan loaded from its sheet and opened, with a member of each section."""
    sections = {
        code: Section.objects.create(code=code, name_zh=name, is_illustrative=True)
        for code, name in SECTIONS.items()
    }
    admin = User.objects.get(username="admin")
    upload = {"file": SimpleUploadedFile("plan.xlsx", template_bytes(_rows()), XLSX)}
    preview = _client(admin).post("/plans/import/", upload)
    assert preview.status_code == 200, preview.context["problems"]
    assert "甲科(示例)、乙科(示例)" in preview.content.decode()  # the preview names both
    made = _client(admin).post("/plans/import/", {"payload": preview.context["payload"]})
    assert made.status_code == 302
    plan = Plan.objects.get(year=YEAR)
    plan.open_for_reporting(by=admin)
    staff = {
        code: User.objects.create(username=f"u-{code}", role=User.Role.STAFF, section=section)
        for code, section in sections.items()
    }
    return plan, sections, staff


def _url(code, quarter=3, tail=""):
    return f"/plans/{YEAR}/indicators/{code}/report/{quarter}/{tail}"


def test_the_sheet_makes_leads_cooperating_units_and_tasks_in_the_plans_order(bureau):
    plan, sections, _staff = bureau
    x01, x02, x03 = Indicator.objects.filter(plan=plan).with_units().order_by("order")
    assert x01.leads == [sections["lead-a"], sections["lead-b"]]
    assert x01.cooperating == [sections["coop-c"]]
    assert x03.leads == [sections["lead-b"], sections["lead-a"]]  # as the cell names them
    assert x01.task == x02.task and x01.task.code == "33" and x03.task.code == "34"
    assert x01.task.numbered == "第33项" or x01.task.numbered == "Task 33"


def test_both_leads_submit_and_the_cooperating_unit_contributes_but_cannot(bureau):
    plan, sections, staff = bureau
    a, b, c, d = (_client(staff[code]) for code in SECTIONS)
    # 甲科 saves a draft …
    draft = form_data(value="3", action="draft")
    assert a.post(_url("X-01"), draft).status_code == 302
    report = QuarterlyReport.objects.get(indicator__plan=plan, indicator__code="X-01", quarter=3)
    assert report.state == QuarterlyReport.State.DRAFT
    # … the cooperating unit reads it and adds its part, kept with who and when …
    page = c.get(_url("X-01"))
    assert page.status_code == 200 and "进展" in page.content.decode()
    assert page.context["contribution_form"] is not None and page.context["form"] is None
    added = c.post(_url("X-01", tail="contribute/"), {"text": "丙科完成了3项登记的初审。"})
    assert added.status_code == 302
    contribution = Contribution.objects.get(indicator=report.indicator, quarter=3)
    assert (contribution.section, contribution.written_by) == (sections["coop-c"], staff["coop-c"])
    assert contribution.written_at is not None
    # … an empty one is refused next to the field, nothing kept …
    empty = c.post(_url("X-01", tail="contribute/"), {"text": "   "})
    assert empty.status_code == 400 and empty.context["contribution_form"].errors["text"]
    assert Contribution.objects.count() == 1
    # … and it cannot submit.
    before = report.version
    refused = c.post(_url("X-01"), form_data(value="9", version=str(report.version)))
    assert refused.status_code == 403
    report.refresh_from_db()
    assert report.version == before and report.value == 3
    # The other lead (乙科) sees the contribution with who wrote it and submits.
    lead_page = b.get(_url("X-01")).content.decode()
    assert "丙科完成了3项登记的初审。" in lead_page and "u-coop-c" in lead_page
    submitted = b.post(_url("X-01"), form_data(report, value="4", action="submit"))
    assert submitted.status_code == 302
    report.refresh_from_db()
    assert (report.state, report.value, report.entered_by) == ("submitted", 4, staff["lead-b"])
    # A lead adds no contribution (it writes the report itself).
    assert a.post(_url("X-01", tail="contribute/"), {"text": "x"}).status_code == 403
    assert d.post(_url("X-01", tail="contribute/"), {"text": "x"}).status_code == 403


def test_a_third_section_sees_nothing_of_the_draft(bureau):
    plan, _sections, staff = bureau
    a, d = _client(staff["lead-a"]), _client(staff["other-d"])
    a.post(_url("X-01"), form_data(value="3", progress="草稿中的进展", action="draft"))
    assert d.get(_url("X-01")).status_code == 403
    page = d.get(f"/plans/{YEAR}/indicators/X-01/").content.decode()
    assert "草稿中的进展" not in page
    history = d.get(f"/plans/{YEAR}/indicators/X-01/history/").content.decode()
    assert "草稿中的进展" not in history
    assert not QuarterlyReport.objects.filter(indicator__plan=plan).readable_by(staff["other-d"])
    assert QuarterlyReport.objects.filter(indicator__plan=plan).readable_by(staff["coop-c"])
    # Nothing to do in its list either.
    reports = d.get(f"/reports/?year={YEAR}")
    assert not reports.context["sections"] and not reports.context["cooperating"]


def test_my_reports_lists_by_lead_units_and_what_a_section_cooperates_on(bureau):
    _plan, _sections, staff = bureau
    b = _client(staff["lead-b"]).get(f"/reports/?year={YEAR}")
    groups = {g.names: sorted({i.indicator.code for i in g.items}) for g in b.context["sections"]}
    assert groups == {"甲科(示例)、乙科(示例)": ["X-01"], "乙科(示例)、甲科(示例)": ["X-03"]}
    c = _client(staff["coop-c"]).get(f"/reports/?year={YEAR}")
    assert not c.context["sections"]
    assert [i.indicator.code for g in c.context["cooperating"] for i in g.items] == ["X-01"]
    assert "作为配合单位" in c.content.decode()


def test_exports_and_the_briefing_name_both_leads_and_the_task(bureau):
    leader = _client(User.objects.get(username="leader"))
    csv_file = leader.get(f"/plans/{YEAR}/export/summary.csv?quarter=3")
    rows = list(csv.DictReader(io.StringIO(csv_file.content.decode("utf-8-sig"))))
    x01 = next(r for r in rows if r["编号"] == "X-01")
    assert x01["牵头单位"] == "甲科(示例)、乙科(示例)"
    assert x01["配合单位"] == "丙科(示例)"
    assert x01["任务"] == "第33项 推进科技成果转化(示例)"
    # Filtered by either lead, X-01 is there once.
    for code in ("lead-a", "lead-b"):
        filtered = leader.get(f"/plans/{YEAR}/export/summary.csv?quarter=3&lead_section={code}")
        assert filtered.content.decode("utf-8-sig").count("X-01") == 1
    coop = leader.get(f"/plans/{YEAR}/export/summary.csv?quarter=3&cooperating_section=coop-c")
    assert "X-01" in coop.content.decode("utf-8-sig")
    assert "X-02" not in coop.content.decode("utf-8-sig")
    briefing = leader.get(f"/plans/{YEAR}/export/briefing.docx?quarter=3")
    assert briefing.status_code == 200
    document = docx.Document(io.BytesIO(briefing.content))
    cells = [c.text for t in document.tables for row in t.rows for c in row.cells]
    assert "甲科(示例)、乙科(示例)；配合：丙科(示例)" in cells
    # The pages name them too, in both languages.
    page = leader.get(f"/plans/{YEAR}/indicators/X-01/").content.decode()
    assert "甲科(示例)、乙科(示例)" in page and "丙科(示例)" in page and "第33项" in page
    english = leader.get(f"/plans/{YEAR}/indicators/X-01/", HTTP_ACCEPT_LANGUAGE="en")
    assert "Lead units" in english.content.decode() and "Task 33" in english.content.decode()
    plan_page = leader.get(f"/plans/{YEAR}/?quarter=3").content.decode()
    assert "col-task" in plan_page and 'name="cooperating_section"' in plan_page


def test_the_2024_plan_looks_as_before(bureau):
    """No task column, no cooperating filter, one lead unit each, as it was."""
    leader = _client(User.objects.get(username="leader"))
    page = leader.get("/plans/2024/?quarter=3").content.decode()
    assert "col-task" not in page and "cooperating_section" not in page
    content = leader.get("/plans/2024/export/summary.csv?quarter=3").content.decode("utf-8-sig")
    header = next(row for row in csv.reader(io.StringIO(content)) if "编号" in row)
    assert "牵头单位" in header and "配合单位" not in header and "任务" not in header


def test_the_sheet_round_trips_leads_cooperating_units_and_tasks(bureau):
    plan, _sections, _staff = bureau
    rows = next_year_rows(plan)
    rows["plan"][0]["value"] = 2031  # next year's rows, as a year nobody has
    for row in rows["indicators"]:
        row["continues"] = ""  # (2030 has no plan to continue)
    x01 = next(r for r in rows["indicators"] if r["code"] == "X-01")
    written = (x01["lead_section"], x01["cooperating"], x01["task"])
    assert written == ("lead-a、lead-b", "coop-c", "33")
    sheets, problems = reader.read(template_bytes(rows))
    assert not problems
    draft = build.build(sheets)
    assert not draft.problems, draft.problems
    original = {i.code: i for i in Indicator.objects.filter(plan=plan).with_units()}
    for indicator, _pillar in draft.indicators:
        before = original[indicator.code]
        assert indicator.leads == before.leads and indicator.cooperating == before.cooperating
        assert indicator.task.code == before.task.code
    tasks = [(e.code, e.level, e.name_zh) for e in draft.elements if e.level == "task"]
    assert tasks == [("33", "task", "推进科技成果转化(示例)"), ("34", "task", "培育创新主体(示例)")]


def test_unknown_sections_and_tasks_are_named_next_to_their_row(bureau):
    rows = _rows(2031)
    rows["indicators"][0]["lead_section"] = "lead-a、戊科"
    rows["indicators"][1]["cooperating"] = "lead-a"  # a lead cannot cooperate too
    rows["indicators"][2]["task"] = "99"
    sheets, _problems = reader.read(template_bytes(rows))
    with translation.override("en"):
        draft = build.build(sheets)
    said = {(p.row, p.column, p.message) for p in draft.problems}
    assert (2, "牵头单位 Lead units", "No section “戊科”.") in said
    assert any(row == 3 and column == "配合单位 Cooperating units" for row, column, _m in said)
    assert (4, "任务 Task", "“99” is not a task of the structure sheet.") in said
    assert not Section.objects.filter(name_zh="戊科").exists()  # never made by an upload


def test_rollover_copies_leads_cooperating_units_and_the_task(bureau):
    plan, sections, _staff = bureau
    # The 2024 plan exists (the demo): roll the plan over under another year.
    Plan.objects.filter(pk=plan.pk).update(year=2030)
    plan.refresh_from_db()
    new = roll_over(plan, by=User.objects.get(username="admin"))
    x01 = new.indicators.with_units().get(code="X-01")
    assert x01.leads == [sections["lead-a"], sections["lead-b"]]
    assert x01.cooperating == [sections["coop-c"]]
    assert x01.task.plan == new and x01.task.code == "33"


BEFORE_UNITS = [("targets", "0009_add_generation_of_the_data")]
UNITS = [("targets", "0010_lead_and_cooperating_units_and_tasks")]


@pytest.mark.django_db(transaction=True)
def test_each_lead_section_becomes_the_one_lead_unit_and_back():
    """The migration to several lead units keeps today's assignments (the demo's lead
    sections), and undoing it gives them back."""
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE_UNITS)
    old = executor.loader.project_state(BEFORE_UNITS).apps
    section = old.get_model("accounts", "Section").objects.create(code="s1", name_zh="甲科")
    plan = old.get_model("targets", "Plan").objects.create(year=2090, name_zh="计划")
    pillar = old.get_model("targets", "PlanElement").objects.create(
        plan=plan, code="P1", level="pillar", name_zh="支柱"
    )
    Indicator = old.get_model("targets", "Indicator")
    fields = {"plan": plan, "pillar": pillar, "kind": "milestone", "comparison": ""}
    Indicator.objects.create(code="A", name_zh="甲", lead_section=section, due_quarter=4, **fields)
    Indicator.objects.create(code="B", name_zh="乙", due_quarter=4, **fields)

    executor = MigrationExecutor(connection)
    executor.migrate(UNITS)
    new = executor.loader.project_state(UNITS).apps
    units = new.get_model("targets", "IndicatorUnit").objects.filter(indicator__plan__year=2090)
    units = units.values_list("indicator__code", "section__code", "role", "order")
    assert list(units) == [("A", "s1", "lead", 0)]

    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE_UNITS)
    back = executor.loader.project_state(BEFORE_UNITS).apps
    leads = back.get_model("targets", "Indicator").objects.filter(plan__year=2090)
    leads = leads.values_list("code", "lead_section__code")
    assert sorted(leads) == [("A", "s1"), ("B", None)]
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
