"""Next year's plan from this one: the copy is complete and linked, last year's figures
are this year's year-end actuals, this year's plan is unchanged, twice is refused.

The session's demo made the 2025 draft from 2024 through `roll_over` (targets/demo.py),
as the set-up page does; the tests read that copy, and one makes it again through the
page to compare 2024 before and after.
"""

from decimal import Decimal

import pytest
from django.core import serializers
from django.utils import translation

from targets.models import Indicator, Plan, QuarterlyReport, TargetRevision
from targets.models.rollover import COPIED_FIELDS, NOT_COPIED, refresh_last_year

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def test_the_copy_is_complete_and_linked(demo):
    draft = Plan.objects.get(year=2025)
    assert (draft.state, draft.continues) == (Plan.State.DRAFT, demo)
    assert draft.name_zh.startswith("2025年“126”行动计划") and "示例" in draft.name_zh
    assert [(e.code, e.level, e.name_zh, e.name_en, e.order) for e in draft.elements.all()] == [
        (e.code, e.level, e.name_zh, e.name_en, e.order) for e in demo.elements.all()
    ]
    assert not draft.baselines.exists()  # 2024's "year before" is not 2025's
    old = {i.pk: i for i in demo.indicators.all()}
    copies = list(draft.indicators.select_related("pillar", "continues"))
    assert len(copies) == len(old) == 29
    for copy in copies:
        original = old[copy.continues_id]
        assert [getattr(copy, f) for f in COPIED_FIELDS] == [
            getattr(original, f) for f in COPIED_FIELDS
        ], copy.code
        assert copy.pillar.plan_id == draft.pk and copy.pillar.code == original.pillar.code
        # Targets: copied as in force at the year end, to be confirmed.
        assert copy.target_to_confirm == original.has_target
    revised = draft.indicators.get(code="P1-02")
    assert (revised.target, demo.indicators.get(code="P1-02").target) == (14, 16)


def test_every_field_of_an_indicator_is_copied_or_said_not_to_be():
    """A new setting of Indicator must be added to COPIED_FIELDS or to NOT_COPIED (with
    why): otherwise next year's plan would silently lose it, as the ledger once was."""
    fields = {f.name for f in Indicator._meta.concrete_fields}
    copied = {name.removesuffix("_id") for name in COPIED_FIELDS}
    assert not copied & set(NOT_COPIED), "a field both copied and not copied"
    assert fields - copied - set(NOT_COPIED) == set(), "neither copied nor excluded"
    assert (copied | set(NOT_COPIED)) - fields == set(), "a name that is no field"


def test_the_ledger_setting_is_carried_over(demo):
    counted = {"P3-04", "P3-07"}
    assert set(demo.indicators.filter(ledger="counted").values_list("code", flat=True)) == counted
    draft = Plan.objects.get(year=2025)
    assert set(draft.indicators.filter(ledger="counted").values_list("code", flat=True)) == counted


def test_last_year_figures_are_the_year_end_actuals(demo):
    standings = {s.indicator.code: s for s in demo.indicators.all().standings(4)}
    copies = {i.code: i for i in Plan.objects.get(year=2025).indicators.all()}
    computed = {code: (i.last_year_value, i.last_year_quarter) for code, i in copies.items()}
    for code, standing in standings.items():
        if standing.actual is None:
            assert computed[code] == (None, None), code
        else:
            assert computed[code] == (standing.actual, max(standing.quarter_values)), code
    # A sum adds the year's quarters, a stock takes the latest (the demo has Q1–Q3).
    assert computed["P3-04"] == (Decimal(7), 3)  # count: 2 + 2 + 3
    assert computed["P2-04"] == (Decimal(67), 3)  # monitored sum: 12 + 25 + 30
    assert computed["P2-05"] == (Decimal(231), 3)  # monitored stock: the latest
    assert computed["P5-02"] == (Decimal(48), 3)  # level: the latest
    assert computed["P5-05"] == (Decimal(16), 2)  # no Q3 report: up to Q2
    assert computed["P1-03"] == (None, None)  # a milestone has no figure
    with translation.override("en"):
        note = Indicator.objects.get(plan__year=2025, code="P5-05").last_year_note
    assert note == "computed from last year's reports up to Q2"


def _snapshot(plan):
    """Every stored row of `plan` and its reports, revisions and history, as data."""
    indicators = Indicator.objects.filter(plan=plan)
    querysets = [
        Plan.objects.filter(pk=plan.pk),
        plan.elements.all(),
        plan.baselines.all(),
        indicators,
        TargetRevision.objects.filter(indicator__in=indicators),
        QuarterlyReport.objects.filter(indicator__in=indicators),
    ]
    rows = [serializers.serialize("python", qs.order_by("pk")) for qs in querysets]
    history = (Indicator.history.filter(plan=plan).count(), plan.history.count())
    return rows, history


def test_doing_it_again_leaves_this_year_unchanged_and_twice_is_refused(personas, demo):
    admin = personas["admin"]
    refused = admin.post("/plans/2024/next-year/", **EN)
    assert refused.status_code == 400
    assert "The 2025 plan exists already" in refused.context["refusal"]

    Plan.objects.get(year=2025).delete_draft()
    before = _snapshot(demo)
    response = admin.post("/plans/2024/next-year/")
    assert response.status_code == 302 and response["Location"] == "/plans/2025/setup/"
    assert _snapshot(demo) == before
    made = Plan.objects.get(year=2025)
    assert made.indicators.count() == 29 and made.history.get().history_user.username == "admin"
    assert admin.post("/plans/2024/next-year/").status_code == 400
    assert Plan.objects.filter(year=2025).count() == 1
    # A draft is not carried over (it has no year behind it yet).
    assert admin.post("/plans/2025/next-year/").status_code == 400


def test_last_year_figures_computed_again_keep_those_entered_by_hand(personas, demo, users):
    draft = Plan.objects.get(year=2025)
    by_hand = draft.indicators.get(code="P3-05")
    by_hand.last_year_value, by_hand.last_year_quarter = Decimal(830), None
    by_hand.save_by(
        users["admin"], "上年实际", update_fields=["last_year_value", "last_year_quarter"]
    )
    # 2024's Q4 figure comes in after the rollover.
    # (P6-04: its figures are typed; P3-04's are counted from its ledger)
    QuarterlyReport(
        indicator=demo.indicators.get(code="P6-04"), quarter=4, value=Decimal(4), state="approved"
    ).save_by(users["staff"], "四季度")
    response = personas["admin"].post("/plans/2025/setup/", {"action": "refresh"})
    assert response.status_code == 302
    figures = {i.code: (i.last_year_value, i.last_year_quarter) for i in draft.indicators.all()}
    assert figures["P6-04"] == (Decimal(15), 4)  # 3 + 4 + 4 + 4: the year's figure
    assert figures["P3-05"] == (Decimal(830), None)  # entered by hand: kept
    assert refresh_last_year(draft, by=users["admin"]) == 0  # nothing left to change


@pytest.mark.parametrize(
    ("typed_base", "expected_base"), [(None, Decimal(15)), (Decimal(9), Decimal(9))]
)
def test_a_growth_from_the_figures_grows_from_the_refreshed_figure(
    demo, users, typed_base, expected_base
):
    draft = Plan.objects.get(year=2025)
    growth = draft.indicators.get(code="P6-04")
    # As the carry-over makes a growth computed from the figures: its base is last
    # year's figure (here the figure as of Q3, before the year's last report).
    growth.kind, growth.measure, growth.comparison = "growth", "flow", ">="
    growth.growth_from = ""
    growth.growth_base = typed_base if typed_base is not None else growth.last_year_value
    growth.save_by(users["admin"], "示例 / example")
    QuarterlyReport(
        indicator=demo.indicators.get(code="P6-04"), quarter=4, value=Decimal(4), state="approved"
    ).save_by(users["staff"], "四季度")
    refresh_last_year(draft, by=users["admin"])
    growth.refresh_from_db()
    assert growth.last_year_value == Decimal(15)
    assert growth.growth_base == expected_base  # a base typed by hand is kept
