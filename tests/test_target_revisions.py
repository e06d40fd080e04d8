"""A target revised during the year: the original is kept, each quarter is measured
against the target in force at its end, and pages, charts, exports and the briefing
say "调整后目标 (原目标 ≥ 15, 2024-07-01 起调整: reason)".

The demo revises P1-02 from 2024-10-01 (Q4 only); these tests revise P6-04 (≥ 15 次,
11 by Q3: at risk) upwards to 16 from 2024-07-01, through the page an administrator uses.
"""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from targets.briefing.content import build_briefing
from targets.models import Indicator, Plan, TargetRevision

from .reporting_helpers import admin_inline_data
from .test_export import parse_csv
from .workbook_helpers import indicator_rows, open_workbook

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
REVISE = "/plans/2024/indicators/P6-04/revise/"
REASON = "市政府调度会要求增加专场活动"


@pytest.fixture
def revised(personas):
    response = personas["admin"].post(
        REVISE, {"target": "16", "effective_from": "2024-07-01", "reason": REASON}
    )
    assert response.status_code == 302
    assert response["Location"] == "/plans/2024/indicators/P6-04/"
    return Indicator.objects.get(plan__year=2024, code="P6-04")


def test_a_revision_keeps_the_original_and_changes_only_the_quarters_after_it(revised, users):
    assert revised.target == 15  # the plan's own target is kept
    revision = revised.revisions.get()
    assert (revision.target, revision.revised_by, revision.reason) == (16, users["admin"], REASON)
    q2, q3 = revised.standing(2), revised.standing(3)
    # Q2 ended before the revision took effect: its status and completion are as before.
    assert (q2.target, q2.status, q2.completion) == (15, "at_risk", Decimal(7) / 15)
    assert q2.revision is None
    assert (q3.target, q3.status, q3.completion) == (16, "at_risk", Decimal(11) / 16)
    assert q3.revision == revision


def test_pages_say_the_target_in_force_and_the_original(personas, revised):
    leader = personas["leader"]
    with translation.override("en"):
        marker = "Revised target (originally ≥ 15 events; revised from 2024-07-01: "
    table = leader.get("/plans/2024/?quarter=3", **EN).content.decode()
    assert marker + REASON + ")" in table
    before = leader.get("/plans/2024/?quarter=2", **EN).content.decode()
    assert "Revised target" not in before  # as of Q2 the original is in force
    page = leader.get("/plans/2024/indicators/P6-04/?quarter=3", **EN)
    content = page.content.decode()
    assert "<dt>Revised target</dt><dd>≥ 16 events" in content
    assert "originally ≥ 15 events; revised from 2024-07-01" in content
    assert page.context["chart"]["data"]["reference"]["label"] == (
        "Revised target ≥ 16 (originally ≥ 15)"
    )
    # The history lists every revision with who, when and why.
    history = leader.get("/plans/2024/indicators/P6-04/history/", **EN).content.decode()
    assert "target ≥ 16 events from 2024-07-01 (the plan's: ≥ 15)" in history
    assert REASON in history and "admin" in history
    zh = leader.get("/plans/2024/indicators/P6-04/?quarter=3").content.decode()
    assert "调整后目标" in zh and "原目标 ≥ 15 次，2024-07-01 起调整：" + REASON in zh


def test_exports_and_the_briefing_show_both_targets(personas, revised, demo):
    leader = personas["leader"]
    _header, rows = parse_csv(leader.get("/plans/2024/export/summary.csv?quarter=3").content)
    row = next(r for r in rows if r["code"] == "P6-04")
    assert row["target"] == "16"
    assert row["target_note"] == f"调整后目标（原目标 ≥ 15 次，2024-07-01 起调整：{REASON}）"
    q2 = parse_csv(leader.get("/plans/2024/export/summary.csv?quarter=2").content)[1]
    assert next(r for r in q2 if r["code"] == "P6-04")["target"] == "15"
    sheet = open_workbook(leader.get("/plans/2024/export/summary.xlsx?quarter=3").content).active
    cells = next(r for r in indicator_rows(sheet) if r["code"].value == "P6-04")
    assert cells["target"].value == 16
    assert cells["indicator"].value.endswith("原目标 ≥ 15 次，2024-07-01 起调整：" + REASON + "）")
    printed = leader.get("/plans/2024/export/print/?quarter=3").content.decode()
    assert "调整后目标（原目标 ≥ 15 次" in printed

    overview = demo.overview(3)
    today = datetime.date(2024, 10, 8)
    with translation.override("zh-hans"):
        briefing = build_briefing(demo, overview, today=today)
    assert (
        f"调整后年度目标≥16次（原目标≥15次，2024年7月1日起调整：{REASON}）"
        in briefing.lagging_texts["P6-04"]
    )
    appendix = briefing.blocks[-1]
    assert (
        next(r for r in appendix.rows if r.cells[0] == "P6-04").cells[2]
        == "≥16次（调整后，原≥15次）"
    )
    with translation.override("en"):
        english = build_briefing(demo, overview, today=today)
    assert (
        "a revised annual target of ≥ 16 (originally ≥ 15; revised from 2024-07-01"
        in (english.lagging_texts["P6-04"])
    )


def test_bad_revisions_are_refused_next_to_the_field(personas, demo, users):
    admin = personas["admin"]
    demo.close_quarter(1, by=users["admin"], reason="一季度关账")
    cases = [
        ({"target": "abc"}, "target", "Enter a number"),
        ({"target": "15"}, "target", "The target in force on 2024-07-01 is already 15."),
        ({"target": "15.5"}, "target", "must be a whole number"),
        ({"effective_from": "2025-01-01"}, "effective_from", "within 2024"),
        ({"effective_from": "2024-03-15"}, "effective_from", "Q1 is closed"),
        ({"reason": "  "}, "reason", "required"),
    ]
    for change, field, message in cases:
        data = {"target": "16", "effective_from": "2024-07-01", "reason": "调整", **change}
        response = admin.post(REVISE, data, **EN)
        assert response.status_code == 400, change
        assert message in " ".join(response.context["form"].errors[field]), change
    assert not TargetRevision.objects.filter(indicator__code="P6-04").exists()


def test_only_a_drafts_target_is_edited_in_administration(personas, demo):
    """An open plan's target changes by a revision (it keeps the original); a draft's
    is set directly, and setting it confirms it."""
    admin = personas["admin"]
    active = Indicator.objects.get(plan=demo, code="P6-04")
    page = admin.get(f"/admin/targets/indicator/{active.pk}/change/").content.decode()
    # Its lead and cooperating units stay editable (the inline of units).
    assert 'name="target"' not in page and 'name="units-0-section"' in page
    draft = Indicator.objects.get(plan__year=2025, code="P6-04")
    page = admin.get(f"/admin/targets/indicator/{draft.pk}/change/")
    form = page.context["adminform"].form
    data = {
        name: "" if value is None else value
        for name, value in form.initial.items()
        if name in form.fields
    }
    data.update(admin_inline_data(page.context))
    data.update(target="18", target_to_confirm="on", continues=draft.continues_id)
    response = admin.post(f"/admin/targets/indicator/{draft.pk}/change/", data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    draft.refresh_from_db()
    assert (draft.target, draft.target_to_confirm) == (18, False)


def test_a_closed_plan_refuses_a_revision(personas, demo, users):
    Plan.objects.filter(pk=demo.pk).update(state=Plan.State.CLOSED)
    data = {"target": "16", "effective_from": "2024-07-01", "reason": "调整"}
    response = personas["admin"].post(REVISE, data, **EN)
    assert response.status_code == 403
    assert "The 2024 plan is closed: its targets can no longer change." in (
        response.content.decode()
    )
    indicator = Indicator.objects.get(plan=demo, code="P6-04")
    with pytest.raises(ValidationError, match="closed"):
        indicator.revise_target(
            target=Decimal(16), effective_from=datetime.date(2024, 7, 1), reason="x", by=None
        )
    assert not indicator.revisions.exists()
    # Nor does its target change by another route (the admin, the shell).
    indicator.target = Decimal(16)
    with pytest.raises(Exception, match="closed"):
        indicator.save()
