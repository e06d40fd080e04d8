"""Plans across years: a plan's life (draft, active, closed), who sees a draft, the
current plan, the plans page and the year switcher, and an indicator's line across
years (continued under a new code, this year's quarters against last year's).

The session's demo holds the 2024 plan (active) and the 2025 draft made from it by
the rollover (tests/test_rollover.py checks the copy itself).
"""

import datetime
from decimal import Decimal

import pytest

from targets.models import Indicator, Plan, QuarterlyReport
from targets.models.plan import PlanStateError, current_plan
from targets.models.report import ReportLocked

from .growth import grow_plan
from .reporting_helpers import form_data, report_url

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


# -- The current plan (pure: no database) --------------------------------------------


def _plans(*states):
    return [Plan(year=year, state=state) for year, state in states]


# (description, plans as (year, state), today, the current plan's year)
CURRENT = [
    ("the latest active one", [(2023, "closed"), (2024, "active")], "2024-10-08", 2024),
    ("never a draft", [(2024, "active"), (2025, "draft")], "2024-10-08", 2024),
    (
        "next year opened early does not take over before it begins",
        [(2024, "active"), (2025, "active")],
        "2024-12-20",
        2024,
    ),
    ("once it has begun it does", [(2024, "active"), (2025, "active")], "2025-01-02", 2025),
    ("only a closed one: that one", [(2023, "closed"), (2025, "draft")], "2025-01-02", 2023),
    ("only drafts: none", [(2025, "draft")], "2025-01-02", None),
]


@pytest.mark.parametrize(
    ("plans", "today", "year"), [c[1:] for c in CURRENT], ids=[c[0] for c in CURRENT]
)
def test_the_current_plan(plans, today, year):
    plan = current_plan(_plans(*plans), datetime.date.fromisoformat(today))
    assert (plan.year if plan else None) == year


# -- Who sees a draft -----------------------------------------------------------------


def test_a_draft_is_seen_by_administrators_and_reviewers_only(personas):
    for persona in ("leader", "staff", "staff2"):
        client = personas[persona]
        assert client.get("/plans/2025/").status_code == 404, persona
        assert client.get("/plans/2025/indicators/P1-02/").status_code == 404, persona
        assert client.get("/plans/2025/export/summary.csv").status_code == 404, persona
        switcher = client.get("/plans/2024/missing/").context["years"]
        assert [link["plan"].year for link in switcher] == [2024], persona
    listed = personas["leader"].get("/plans/")
    assert [r.plan.year for r in listed.context["rows"]] == [2024]
    for persona in ("reviewer", "admin"):
        page = personas[persona].get("/plans/2025/")
        assert page.status_code == 200
        assert "plan-state-note" in page.content.decode()  # "a draft: reporting is not open"


def test_plans_kept_for_an_administrator_are_not_shown_to_a_leader(personas):
    # The dashboards keep the list of plans under the data's version
    # (views/common.py visible_plans): one list for those who see drafts, one for others.
    admin = personas["admin"].get("/plans/2024/?quarter=3")
    assert [link["plan"].year for link in admin.context["years"]] == [2024, 2025]
    for page in ("/plans/2024/?quarter=3", "/plans/2024/pillars/P3/?quarter=3"):
        leader = personas["leader"].get(page)
        assert 'href="/plans/2025/' not in leader.content.decode(), page
    assert personas["leader"].get("/plans/2025/").status_code == 404


def test_the_navigation_opens_the_current_plan_never_the_draft(personas):
    assert personas["admin"].get("/")["Location"] == "/plans/2024/"
    assert personas["admin"].get("/latest/quarters/")["Location"] == "/plans/2024/quarters/"
    assert personas["staff"].get("/reports/").context["plan"].year == 2024
    assert personas["reviewer"].get("/reviews/").context["plan"].year == 2024
    # My reports of a plan that takes no reports (the draft) is an unknown page.
    assert personas["admin"].get("/reports/?year=2025").status_code == 404


# -- A plan's life ----------------------------------------------------------------------


def test_a_draft_opens_only_once_its_targets_are_confirmed(personas, users):
    admin = personas["admin"]
    response = admin.post("/plans/2025/setup/", {"action": "open"}, **EN)
    assert response.status_code == 400
    assert "Confirm these targets first" in response.context["refusal"]
    assert "P1-02" in response.context["refusal"]
    draft = Plan.objects.get(year=2025)
    assert draft.is_draft
    # Nobody reports on a draft, whatever the route.
    report = QuarterlyReport(indicator=draft.indicators.get(code="P6-04"), quarter=1, value=1)
    with pytest.raises(ReportLocked):
        report.save_by(users["admin"])

    # Administration: the action "Confirm the targets as they are" on all of them.
    pending = list(draft.targets_to_confirm().values_list("pk", flat=True))
    confirmed = admin.post(
        "/admin/targets/indicator/",
        {"action": "confirm_targets", "_selected_action": pending},
    )
    assert confirmed.status_code == 302 and not draft.targets_to_confirm().exists()
    assert admin.post("/plans/2025/setup/", {"action": "open"}).status_code == 302
    draft.refresh_from_db()
    assert draft.is_active
    record = draft.history.latest()
    assert (record.history_user, record.state) == (users["admin"], "active")
    # Open but its year has not begun: the navigation stays on 2024, and My reports
    # points to the other open plan.
    assert admin.get("/")["Location"] == "/plans/2024/"
    mine = admin.get("/reports/", **EN)
    assert mine.context["plan"].year == 2024
    assert [p.year for p in mine.context["other_plans"]] == [2025]
    assert 'href="?year=2025"' in mine.content.decode()
    assert admin.get("/reports/?year=2025").context["plan"].year == 2025


def test_a_closed_plan_is_read_only_and_shows_its_final_standing(personas, users, settings):
    admin, staff = personas["admin"], personas["staff"]
    plan = Plan.objects.get(year=2024)
    with pytest.raises(PlanStateError):  # 2024 has not ended on the demo's today
        plan.close(by=users["admin"])
    settings.KPI_TODAY = datetime.date(2025, 2, 10)
    response = admin.post("/plans/2024/setup/", {"action": "close", "reason": "年度考核结束"})
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.is_closed and plan.history.latest().history_change_reason == "年度考核结束"

    page = personas["leader"].get("/plans/2024/", **EN)
    assert page.context["quarter"] == 4
    assert "Its final standing is as of the end of Q4" in page.content.decode()
    # No report changes: the form says why, and the model refuses any other route.
    form = staff.get(report_url("P6-04", 4))
    assert form.context["refusal"] and not form.context["can_edit"]
    assert staff.post(report_url("P6-04", 4), form_data()).status_code == 403
    report = QuarterlyReport.objects.get(indicator__plan=plan, indicator__code="P6-04", quarter=3)
    report.progress = "改"
    with pytest.raises(ReportLocked):
        report.save_by(users["staff"], "改")
    # Reopening needs a reason (said next to the field).
    refused = admin.post("/plans/2024/setup/", {"action": "reopen", "reason": " "})
    assert refused.status_code == 400 and refused.context["form"].errors["reason"]
    admin.post("/plans/2024/setup/", {"action": "reopen", "reason": "补录四季度数据"})
    plan.refresh_from_db()
    assert plan.is_active


# -- The plans page and the year switcher --------------------------------------------


def _more_plans(n):
    """`n` closed plans of earlier years, each with one pillar and one indicator."""
    from targets.models import PlanElement

    for year in range(2024 - n, 2024):
        plan = Plan.objects.create(year=year, name_zh=f"{year}年计划", state="closed")
        pillar = PlanElement.objects.create(plan=plan, code="P1", level="pillar", name_zh="支柱")
        Indicator.objects.create(
            plan=plan, pillar=pillar, code="P1-01", name_zh="指标", kind="count", target=5
        )


def test_the_plans_page_in_fixed_queries(personas, django_assert_num_queries):
    admin = personas["admin"]
    # 1 session, 2 user, 3 plans (+ the plan each was made from), 4 their indicators
    # (+ plan, pillar, task), 5 their lead and cooperating units, 6 reports, 7 target
    # revisions
    with django_assert_num_queries(7):
        response = admin.get("/plans/", **EN)
    rows = {row.plan.year: row for row in response.context["rows"]}
    assert rows[2025].quarter is None and rows[2025].to_confirm == 13
    assert rows[2024].quarter == 3 and rows[2024].progress.completion is not None
    assert "made from the 2024 plan" in response.content.decode()
    _more_plans(3)
    with django_assert_num_queries(7):
        response = admin.get("/plans/")
    assert [row.plan.year for row in response.context["rows"]] == [2025, 2024, 2023, 2022, 2021]
    assert response.context["rows"][2].is_year_end  # a closed year: its final standing


def test_the_year_switcher_adds_no_query_per_year(personas, demo, django_assert_num_queries):
    """The plan page as pinned in test_dashboard.py (13 queries), with five plans."""
    _more_plans(3)
    grow_plan(demo, 2)
    admin = personas["admin"]
    with django_assert_num_queries(13):
        response = admin.get("/plans/2024/?quarter=3")
    links = response.context["years"]
    assert [link["plan"].year for link in links] == [2021, 2022, 2023, 2024, 2025]
    assert [link["url"] for link in links if link["current"]] == ["/plans/2024/"]
    assert "/plans/2022/" in response.content.decode()
    pillar = personas["admin"].get("/plans/2024/pillars/P3/").context["years"]
    # A year without that pillar links to its plan page instead.
    assert {link["plan"].year: link["url"] for link in pillar}[2023] == "/plans/2023/"
    assert {link["plan"].year: link["url"] for link in pillar}[2025] == "/plans/2025/pillars/P3/"


# -- An indicator across years --------------------------------------------------------


@pytest.fixture
def continued_under_a_new_code(demo, users, settings):
    """2025 opened and begun, its P1-02 renamed P1-09 (codes may change), with two
    quarters reported."""
    draft = Plan.objects.get(year=2025)
    draft.targets_to_confirm().update(target_to_confirm=False)
    draft.open_for_reporting(by=users["admin"])
    indicator = draft.indicators.get(code="P1-02")
    indicator.code = "P1-09"
    indicator.save_by(users["admin"], "编号调整", update_fields=["code"])
    for quarter, value in ((1, 5), (2, 2)):
        QuarterlyReport(
            indicator=indicator, quarter=quarter, value=Decimal(value), state="approved"
        ).save_by(users["admin"], "test")
    settings.KPI_TODAY = datetime.date(2025, 7, 8)
    return indicator


def test_an_indicator_continued_under_a_new_code_keeps_its_history(
    personas, continued_under_a_new_code, django_assert_num_queries
):
    leader = personas["leader"]
    # The same 12 queries as any indicator page a leader opens (test_dashboard.py, where
    # P3-04's 14 count its ledger), with two years.
    with django_assert_num_queries(12):
        response = leader.get("/plans/2025/indicators/P1-09/", **EN)
    line = response.context["line"]
    assert [(y.plan.year, y.indicator.code) for y in line.years] == [
        (2024, "P1-02"),
        (2025, "P1-09"),
    ]
    last, this = line.years
    # 2024 as of its latest ended quarter (Q4 ended by now: 3 + 4 + 3 reported), against
    # its target in force at the year end (the demo's revision to 14 from 2024-10-01).
    assert (last.standing.quarter, last.standing.actual, last.standing.target) == (4, 10, 14)
    assert last.standing.status == "not_reported"
    assert (this.standing.quarter, this.standing.actual, this.standing.target) == (2, 7, 14)
    pairs = [(p.quarter, p.this_year, p.last_year, p.change) for p in line.same_quarters]
    assert pairs == [(1, 5, 3, 2), (2, 2, 4, -2), (3, None, 3, None)]
    content = response.content.decode()
    assert "2025 against the same quarters of 2024" in content and "−2" in content
    # The year switcher leads to the same indicator under each year's code, both ways.
    assert {link["plan"].year: link["url"] for link in response.context["years"]} == {
        2024: "/plans/2024/indicators/P1-02/",
        2025: "/plans/2025/indicators/P1-09/",
    }
    before = leader.get("/plans/2024/indicators/P1-02/history/").context["years"]
    assert before[1]["url"] == "/plans/2025/indicators/P1-09/history/"
