"""The plan fixture carries exactly the rows of the structured plan document."""

from io import StringIO
from pathlib import Path

import pytest

from targets.models import BaselineResult, Indicator, PlanElement

from . import plan_document

SHARED_DOCUMENT = Path(__file__).resolve().parents[2] / "shared" / "plan" / "2024-plan-126.md"


def test_committed_document_is_the_shared_one():
    if not SHARED_DOCUMENT.exists():
        pytest.skip("shared/plan/ is not beside this checkout; the committed copy is used")
    assert plan_document.DOCUMENT.read_bytes() == SHARED_DOCUMENT.read_bytes()


def test_structure_matches_document(plan):
    rows = plan_document.structure()
    elements = list(PlanElement.objects.filter(plan=plan).order_by("order"))
    assert [(e.code, e.name_zh, e.name_en) for e in elements] == [
        (r["code"], r["中文"], r["English"]) for r in rows
    ]
    assert [e.level for e in elements] == ["goal", "focus", "focus"] + ["pillar"] * 6


def test_indicators_match_document_row_by_row(plan):
    expected = plan_document.indicators()
    actual = list(Indicator.objects.filter(plan=plan).select_related("pillar").order_by("order"))
    assert len(actual) == len(expected) == 29
    for indicator, row in zip(actual, expected, strict=True):
        assert (
            indicator.code,
            indicator.pillar.code,
            indicator.name_zh,
            indicator.name_en,
            indicator.unit,
            indicator.kind,
            indicator.comparison,
            indicator.target,
            indicator.last_year_value,
        ) == (
            row["code"],
            row["pillar"],
            row["name_zh"],
            row["name_en"],
            row["unit"],
            row["kind"],
            row["comparison"],
            row["target"],
            row["last_year_value"],
        ), row["code"]


def test_fixture_leaves_lead_sections_empty_and_has_no_progress(plan):
    assert not Indicator.objects.filter(plan=plan, units__isnull=False).exists()
    assert not plan.indicators.filter(reports__isnull=False).exists()


def test_previous_year_results_match_document(plan):
    rows = plan_document.baselines()
    baselines = list(BaselineResult.objects.filter(plan=plan))
    assert [(b.name_zh, b.name_en, b.figure) for b in baselines] == [
        (r["中文"], r["English"], r["2023 figure"]) for r in rows
    ]


def test_loading_twice_changes_nothing(plan):
    from django.core.management import call_command

    call_command("load_plan", "2024", verbosity=0, stdout=StringIO())
    assert Indicator.objects.filter(plan=plan).count() == 29
