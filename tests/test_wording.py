"""What a standing says in words (targets/models/wording.py), table-driven.

Pure like the status rule: unsaved indicators and reports, no database. Sentences
are checked in English and, for the examples the bureau quotes, in Chinese.
"""

import datetime
from decimal import Decimal

import pytest
from django.utils import translation

from targets.models import Indicator, QuarterlyReport
from targets.models.standing import compute_standing

TOLERANCE = Decimal("0.10")


def indicator(
    kind="count",
    comparison=">=",
    target="10",
    unit="家",
    unit_en="institutions",
    whole=True,
    measure=None,
    last_year=None,
    due=None,
):
    return Indicator(
        code="X-01",
        kind=kind,
        measure=measure or {"count": "flow", "level": "stock"}.get(kind, ""),
        comparison=comparison if target is not None else "",
        target=None if target is None else Decimal(target),
        unit=unit,
        unit_en=unit_en,
        whole_number=whole,
        last_year_value=None if last_year is None else Decimal(last_year),
        due_quarter=due,
    )


def standing(ind, figures, quarter):
    reports = [
        QuarterlyReport(quarter=q, value=Decimal(str(v)), state="approved")
        for q, v in enumerate(figures, start=1)
        if v is not None
    ]
    return compute_standing(ind, reports, quarter, tolerance=TOLERANCE)


# (description, indicator kwargs, quarterly figures, as-of quarter, gap text, target text)
CASES = [
    (
        "count behind its pace: what is missing and by how much it trails",
        {},
        (2, 2, 3),
        3,
        "3 institutions short; 5.0 points behind the expected pace",
        "≥ 10 institutions: 7 institutions so far; 3 institutions short (not met)",
    ),
    (
        "count ahead of its pace",
        {},
        (3, 3, 3),
        3,
        "1 institution short; 15.0 points ahead of the expected pace",
        "≥ 10 institutions: 9 institutions so far; 1 institution short (not met)",
    ),
    (
        "count exactly on its pace",
        {},
        (2.5, 2.5),
        2,
        "5 institutions short; level with the expected pace",
        "≥ 10 institutions: 5 institutions so far; 5 institutions short (not met)",
    ),
    (
        "count met and exceeded",
        {},
        (3, 4, 4),
        3,
        "met, 1 institution above the target",
        "≥ 10 institutions: 11 institutions so far (met)",
    ),
    (
        "count met exactly",
        {},
        (5, 5),
        2,
        "met",
        "≥ 10 institutions: 10 institutions so far (met)",
    ),
    (
        "more than 100 at exactly 100: one short, whatever the completion says",
        {"kind": "level", "comparison": ">", "target": "100", "unit": "人", "unit_en": "people"},
        (80, 95, 100),
        3,
        # A level without a baseline claims no pace and says so (issue 21).
        "1 person short; no baseline, so no pace: judged against the target alone",
        "> 100 people: now 100 people; 1 person short (not met)",
    ),
    (
        "more than 100 at 101: met",
        {"kind": "level", "comparison": ">", "target": "100", "unit": "人", "unit_en": "people"},
        (101,),
        1,
        "met, 1 person above the target",
        "> 100 people: now 101 people (met)",
    ),
    (
        "more than a target that can be split: not yet above it",
        {"comparison": ">", "target": "2.5", "unit": "亿元", "unit_en": "", "whole": False},
        (1, 1.5),
        2,
        "not yet above 2.5 亿元; 50.0 points ahead of the expected pace",
        "> 2.5 亿元: 2.5 亿元 so far; not yet above 2.5 亿元 (not met)",
    ),
    (
        "a quarter not reported: says so, and what came before",
        {},
        (2, 2, None),
        3,
        "no figure reported for Q3; 4 institutions reported before, 6 institutions short",
        "≥ 10 institutions: 4 institutions so far; 6 institutions short (not met)",
    ),
    (
        "nothing reported at all",
        {},
        (),
        1,
        "no figure reported for Q1",
        "",
    ),
    (
        "at year end short of the target: no pace any more",
        {},
        (2, 2, 2, 2),
        4,
        "2 institutions short",
        "≥ 10 institutions: 8 institutions so far; 2 institutions short (not met)",
    ),
    (
        "a ceiling held",
        {"comparison": "<=", "target": "10"},
        (2, 2),
        2,
        "within the limit; 10.0 points ahead of the expected pace",
        "≤ 10 institutions: 4 institutions so far (within the limit)",
    ),
    (
        "a ceiling crossed",
        {"comparison": "<=", "target": "10"},
        (6, 6),
        2,
        "2 institutions over the limit",
        "≤ 10 institutions: 12 institutions so far; 2 institutions over the limit",
    ),
    (
        "a monitored sum against last year's whole year",
        {
            "kind": "monitor",
            "target": None,
            "measure": "flow",
            "unit": "户",
            "unit_en": "enterprises",
            "last_year": "108",
        },
        (12, 25, 30),
        3,
        "62% of last year's full-year figure (108 enterprises)",
        "",
    ),
    (
        "a monitored stock against last year's end",
        {
            "kind": "monitor",
            "target": None,
            "measure": "stock",
            "unit": "户",
            "unit_en": "enterprises",
            "last_year": "224",
        },
        (180, 205, 231),
        3,
        "7 enterprises more than at the end of last year (+3.1%)",
        "",
    ),
    (
        "a monitored stock below last year's end",
        {
            "kind": "monitor",
            "target": None,
            "measure": "stock",
            "unit": "户",
            "unit_en": "enterprises",
            "last_year": "224",
        },
        (200,),
        1,
        "24 enterprises fewer than at the end of last year (−10.7%)",
        "",
    ),
]


@pytest.mark.parametrize(
    ("description", "kwargs", "figures", "quarter", "gap", "target"),
    CASES,
    ids=[c[0] for c in CASES],
)
def test_wording(description, kwargs, figures, quarter, gap, target):
    with translation.override("en"):
        s = standing(indicator(**kwargs), figures, quarter)
        assert s.gap_text == gap
        assert s.target_text == target


def test_the_bureaus_examples_in_chinese():
    with translation.override("zh-hans"):
        p3_04 = standing(indicator(), (2, 2, 3), 3)
        assert p3_04.gap_text == "尚差 3 家，落后时序进度 5.0 个百分点"
        p5_04 = standing(
            indicator(kind="level", comparison=">", target="100", unit="人", unit_en="people"),
            (80, 95, 100),
            3,
        )
        assert p5_04.target_text == "> 100 人：现 100 人，尚差 1 人（未达成）"
        p2_04 = standing(
            indicator(kind="monitor", target=None, measure="flow", unit="户", last_year="108"),
            (12, 25, 30),
            3,
        )
        assert p2_04.gap_text == "已达上年全年的 62%（上年 108 户）"


@pytest.mark.parametrize(
    ("kind", "measure", "english", "chinese"),
    [
        ("count", "flow", "Year to date", "累计完成"),
        ("level", "stock", "Current value", "当前值"),
        ("monitor", "flow", "Year to date", "累计完成"),
        ("monitor", "stock", "Current value", "当前值"),
    ],
)
def test_a_stock_is_a_current_value_not_a_sum(kind, measure, english, chinese):
    ind = indicator(kind=kind, measure=measure, target=None if kind == "monitor" else "10")
    s = standing(ind, (1,), 1)
    with translation.override("en"):
        assert s.actual_label == english
    with translation.override("zh-hans"):
        assert s.actual_label == chinese


def _milestone(due, states, quarter):
    reports = [
        QuarterlyReport(
            quarter=q,
            milestone_state=state,
            done_on=datetime.date(2024, 3 * q, 1) if state == "done" else None,
            state="approved",
        )
        for q, state in enumerate(states, start=1)
    ]
    return compute_standing(indicator(kind="milestone", target=None, due=due), reports, quarter)


@pytest.mark.parametrize(
    ("due", "states", "quarter", "text"),
    [
        (4, ("in_progress",), 1, "due in Q4; now: In progress"),
        (2, ("in_progress", "in_progress"), 2, "due in Q2 and not done: In progress"),
        (4, ("in_progress", "done"), 2, "done on 2024-06-01"),
    ],
)
def test_milestones_say_their_due_quarter_and_state(due, states, quarter, text):
    with translation.override("en"):
        assert _milestone(due, states, quarter).gap_text == text


def test_english_pages_use_the_english_unit_and_chinese_pages_the_chinese():
    ind = indicator()
    with translation.override("en"):
        assert ind.with_unit(Decimal("7.00")) == "7 institutions"
        assert ind.target_with_unit == "≥ 10 institutions"
    with translation.override("zh-hans"):
        assert ind.with_unit(Decimal("7.00")) == "7 家"
    ind.unit_en = ""  # no English unit given: the Chinese one, rather than none
    with translation.override("en"):
        assert ind.with_unit(Decimal(7)) == "7 家"


@pytest.mark.parametrize(
    ("unit", "value", "shown"),
    [
        ("people", 1, "1 person"),
        ("people", 2, "2 people"),
        ("projects", 1, "1 project"),
        ("enterprises", 1, "1 enterprise"),
        ("incubators", Decimal("1.00"), "1 incubator"),
        ("institutions", Decimal("1.5"), "1.5 institutions"),
        ("events", -1, "-1 event"),
        ("facilities", 1, "1 facility"),
        ("businesses", 1, "1 business"),
        ("patents per 10,000 people", 1, "1 patents per 10,000 people"),
        ("家", 1, "1 家"),
    ],
)
def test_one_takes_the_singular_in_english(unit, value, shown):
    ind = indicator()
    ind.unit_en = unit
    with translation.override("en"):
        assert ind.with_unit(Decimal(value)) == shown


def test_a_target_of_one_reads_in_the_singular():
    ind = indicator()
    ind.target = Decimal(1)
    with translation.override("en"):
        assert ind.target_with_unit == "≥ 1 institution"
    with translation.override("zh-hans"):
        assert ind.target_with_unit == "≥ 1 家"
