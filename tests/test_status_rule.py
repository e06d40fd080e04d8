"""The status rule, table-driven: every kind, every comparison, the boundaries.

The rule is pure (indicator + reports -> Standing), so these tests build
unsaved objects and need no database.
"""

import datetime
from decimal import Decimal

import pytest

from targets.models import Indicator, QuarterlyReport
from targets.models.standing import Status, compute_standing, target_in_force

MET, ON_TRACK, AT_RISK, BEHIND, NOT_REPORTED = (
    Status.MET,
    Status.ON_TRACK,
    Status.AT_RISK,
    Status.BEHIND,
    Status.NOT_REPORTED,
)
TOLERANCE = Decimal("0.10")


def indicator(kind="count", comparison=">=", target="10", last_year=None, due=None, pace=None):
    measure = {"count": "flow", "level": "stock"}.get(kind, "")
    ind = Indicator(
        code="X-01",
        kind=kind,
        measure=measure,
        comparison=comparison if target is not None else "",
        target=None if target is None else Decimal(target),
        last_year_value=None if last_year is None else Decimal(last_year),
        due_quarter=due,
    )
    for q, share in enumerate(pace or (25, 50, 75, 100), start=1):
        setattr(ind, f"pace_q{q}", Decimal(share))
    return ind


def reports(*figures, state="approved"):
    """figures[i] is Q(i+1)'s figure; None means no report for that quarter."""
    return [
        QuarterlyReport(quarter=q, value=Decimal(v), state=state)
        for q, v in enumerate(figures, start=1)
        if v is not None
    ]


def standing(ind, reps, quarter):
    return compute_standing(ind, reps, quarter, tolerance=TOLERANCE)


# (description, indicator kwargs, quarterly figures, as-of quarter, status, actual, completion)
CASES = [
    # count, >= : year-to-date is the sum
    ("count on pace", {}, (3, 3), 2, ON_TRACK, "6", "0.6"),
    ("count exactly on the expected share", {}, (2.5, 2.5), 2, ON_TRACK, "5", "0.5"),
    ("count just short: at risk", {}, (2, 2.5), 2, AT_RISK, "4.5", "0.45"),
    ("count short by exactly the tolerance: behind", {}, (2, 2), 2, BEHIND, "4", "0.4"),
    ("count far behind", {}, (1, 1, 1), 3, BEHIND, "3", "0.3"),
    ("count met early", {}, (6, 4), 2, MET, "10", "1"),
    ("count met at Q4 exactly on target", {}, (2, 3, 2, 3), 4, MET, "10", "1"),
    (
        "count short at year end is at risk, not on track",
        {},
        (2, 3, 2, 2.5),
        4,
        AT_RISK,
        "9.5",
        "0.95",
    ),
    ("count quarter not reported", {}, (3, 3), 3, NOT_REPORTED, "6", "0.6"),
    ("count missing quarter in the middle", {}, (3, None, 5), 3, ON_TRACK, "8", "0.8"),
    (
        "count missing quarter in the middle, as of it",
        {},
        (3, None, 5),
        2,
        NOT_REPORTED,
        "3",
        "0.3",
    ),
    ("count met stays met before the next report", {}, (6, 5), 3, MET, "11", "1.1"),
    ("count with nothing reported", {}, (), 1, NOT_REPORTED, None, None),
    ("count zero reported", {}, (0,), 1, BEHIND, "0", "0"),
    # count, > : the target itself is not enough
    ("count > exactly on target is not met", {"comparison": ">"}, (5, 5), 2, ON_TRACK, "10", "1"),
    ("count > exactly on target at Q4", {"comparison": ">"}, (5, 5, 0, 0), 4, AT_RISK, "10", "1"),
    ("count > above target", {"comparison": ">"}, (5, 6), 2, MET, "11", "1.1"),
    # level, >= and > : the latest figure counts, not the sum
    (
        "level uses the latest figure",
        {"kind": "level", "target": "48"},
        (40, 45, 48),
        3,
        MET,
        "48",
        "1",
    ),
    (
        "level that falls after being met",
        {"kind": "level", "target": "48"},
        (48, 15),
        2,
        BEHIND,
        "15",
        "0.3125",
    ),
    # A level without a baseline claims no pace: judged against the target alone
    # (it was "on track" when a level was paced like a count from zero).
    (
        "level > 100 exactly 100, no baseline",
        {"kind": "level", "comparison": ">", "target": "100"},
        (80, 95, 100),
        3,
        AT_RISK,
        "100",
        "1",
    ),
    (
        "level > 100 reaching 101",
        {"kind": "level", "comparison": ">", "target": "100"},
        (80, 101),
        2,
        MET,
        "101",
        "1.01",
    ),
    (
        "level met earlier but not reported now",
        {"kind": "level", "target": "48"},
        (50,),
        2,
        NOT_REPORTED,
        "50",
        "1.0417",
    ),
    # custom pacing
    ("back-loaded pacing", {"pace": (0, 10, 40, 100)}, (0, 1), 2, ON_TRACK, "1", "0.1"),
    # count, <= and < : a ceiling on a sum
    ("ceiling within pace", {"comparison": "<=", "target": "20"}, (4, 5), 2, ON_TRACK, "9", "0.45"),
    (
        "ceiling used a bit fast",
        {"comparison": "<=", "target": "20"},
        (6, 5),
        2,
        AT_RISK,
        "11",
        "0.55",
    ),
    (
        "ceiling used far too fast",
        {"comparison": "<=", "target": "20"},
        (8, 8),
        2,
        BEHIND,
        "16",
        "0.8",
    ),
    ("ceiling crossed", {"comparison": "<=", "target": "20"}, (15, 6), 2, BEHIND, "21", "1.05"),
    (
        "ceiling held through the year",
        {"comparison": "<=", "target": "20"},
        (5, 5, 5, 5),
        4,
        MET,
        "20",
        "1",
    ),
    (
        "< ceiling reached exactly",
        {"comparison": "<", "target": "20"},
        (5, 5, 5, 5),
        4,
        BEHIND,
        "20",
        "1",
    ),
    (
        "ceiling not reported",
        {"comparison": "<=", "target": "20"},
        (4,),
        2,
        NOT_REPORTED,
        "4",
        "0.2",
    ),
    # level, <= : a ceiling is compared directly, never paced (it was paced as
    # target / actual); no completion, so a ceiling never enters an average
    (
        "level ceiling reached",
        {"kind": "level", "comparison": "<=", "target": "5"},
        (8, 5),
        2,
        MET,
        "5",
        None,
    ),
    (
        "level ceiling crossed in Q1 is behind, not on pace",
        {"kind": "level", "comparison": "<=", "target": "5"},
        (8,),
        1,
        BEHIND,
        "8",
        None,
    ),
    (
        "level ceiling far off",
        {"kind": "level", "comparison": "<", "target": "5"},
        (20, 20),
        2,
        BEHIND,
        "20",
        None,
    ),
]


@pytest.mark.parametrize(
    ("kwargs", "figures", "quarter", "status", "actual", "completion"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_status_rule(kwargs, figures, quarter, status, actual, completion):
    result = standing(indicator(**kwargs), reports(*figures), quarter)
    assert result.status == status
    assert result.actual == (None if actual is None else Decimal(actual))
    if completion is None:
        assert result.completion is None
    else:
        assert round(result.completion, 4) == Decimal(completion)


@pytest.mark.parametrize(("quarter", "expected"), [(1, "0.25"), (2, "0.5"), (3, "0.75"), (4, "1")])
def test_expected_is_the_pacing_share(quarter, expected):
    assert standing(indicator(), reports(1, 1, 1, 1), quarter).expected == Decimal(expected)


def test_drafts_and_returned_reports_do_not_count():
    reps = [
        *reports(3, 3),
        QuarterlyReport(quarter=3, value=Decimal(9), state="draft"),
        QuarterlyReport(quarter=4, value=Decimal(9), state="returned"),
    ]
    result = standing(indicator(), reps, 3)
    assert result.status == NOT_REPORTED
    assert result.actual == Decimal(6)
    assert result.report.state == "draft"  # the quarter's own report is still shown


def test_submitted_figures_count_and_are_flagged_pending():
    reps = reports(3) + reports(None, 4, state="submitted")
    result = standing(indicator(), reps, 2)
    assert result.actual == Decimal(7)
    assert result.pending_approval is True
    assert standing(indicator(), reports(3, 4), 2).pending_approval is False


def test_later_quarters_are_ignored():
    result = standing(indicator(), reports(2, 2, 9), 2)
    assert result.actual == Decimal(4)


def milestone_reports(*states):
    out = []
    for q, entry in enumerate(states, start=1):
        if entry is None:
            continue
        state, done_on = entry if isinstance(entry, tuple) else (entry, None)
        out.append(
            QuarterlyReport(quarter=q, milestone_state=state, done_on=done_on, state="approved")
        )
    return out


DONE_Q1 = ("done", datetime.date(2024, 3, 26))
DONE_Q3 = ("done", datetime.date(2024, 8, 1))


@pytest.mark.parametrize(
    ("due", "states", "quarter", "status"),
    [
        (4, (DONE_Q1,), 1, MET),
        (4, (DONE_Q1,), 3, MET),  # done stays done in later quarters
        (4, ("in_progress", "in_progress"), 2, ON_TRACK),
        (4, (), 3, ON_TRACK),  # nothing reported, not yet due
        (2, ("in_progress",), 1, ON_TRACK),
        (2, ("in_progress", "in_progress"), 2, BEHIND),  # due this quarter, not done
        (2, ("in_progress", "in_progress", DONE_Q3), 2, BEHIND),  # done late: behind as of Q2
        (2, ("in_progress", "in_progress", DONE_Q3), 3, MET),  # ... and met once done
        (4, ("in_progress", None, None, None), 4, BEHIND),
    ],
)
def test_milestone(due, states, quarter, status):
    ind = indicator(kind="milestone", target=None, due=due)
    result = standing(ind, milestone_reports(*states), quarter)
    assert result.status == status
    assert result.completion is None
    if status == MET:
        assert result.done_on is not None


def test_qualitative_has_no_status():
    ind = indicator(kind="qualitative", target=None)
    reps = [QuarterlyReport(quarter=1, progress="进展", state="approved")]
    result = standing(ind, reps, 1)
    assert result.status is None
    assert result.report.progress == "进展"


# An indicator without a measured status still owes its report: without a counted one
# for the quarter it is 未报送, as the pages count it (a draft or a returned one does not
# count); a figure published later in the year is not owed yet.
# (kind, frequency, report states by quarter, as-of quarter, status)
OWED_CASES = [
    ("qualitative", "", {}, 1, NOT_REPORTED),
    ("qualitative", "", {1: "approved"}, 2, NOT_REPORTED),
    ("qualitative", "", {1: "approved", 2: "draft"}, 2, NOT_REPORTED),
    ("qualitative", "", {2: "returned"}, 2, NOT_REPORTED),
    ("qualitative", "", {2: "submitted"}, 2, None),
    ("qualitative", "", {2: "approved"}, 2, None),
    ("qualitative", "annual", {}, 3, None),
    ("qualitative", "annual", {}, 4, NOT_REPORTED),
    ("monitor", "", {}, 3, NOT_REPORTED),
    ("monitor", "", {3: "approved"}, 3, None),
    ("monitor", "half", {}, 1, None),
]


@pytest.mark.parametrize(("kind", "frequency", "states", "quarter", "status"), OWED_CASES)
def test_an_indicator_without_a_status_still_owes_its_report(
    kind, frequency, states, quarter, status
):
    ind = indicator(kind=kind, target=None)
    ind.frequency = frequency
    reps = [
        QuarterlyReport(quarter=q, value=Decimal(1), progress="进展", state=state)
        for q, state in states.items()
    ]
    assert standing(ind, reps, quarter).status == status


@pytest.mark.parametrize(
    ("measure", "figures", "actual", "change"),
    [("flow", (12, 25, 30), "67", "-41"), ("stock", (180, 205, 231), "231", "7")],
)
def test_monitor_shows_change_against_last_year(measure, figures, actual, change):
    last_year = "108" if measure == "flow" else "224"
    ind = indicator(kind="monitor", target=None, last_year=last_year)
    ind.measure = measure
    result = standing(ind, reports(*figures), 3)
    assert result.status is None
    assert result.actual == Decimal(actual)
    assert result.change == Decimal(change)


def test_tolerance_comes_from_settings(settings):
    settings.KPI_AT_RISK_TOLERANCE = Decimal("20")
    result = compute_standing(indicator(), reports(2, 2), 2)  # 40 % against 50 %
    assert result.status == AT_RISK


# (description, indicator kwargs, quarterly figures, as-of quarter, shortfall or None)
SHORTFALL_CASES = [
    ("count short of its target", {}, (2, 2, 3), 3, "3"),
    ("count before any figure: nothing to say yet", {}, (), 2, None),
    ("count met: nothing short", {}, (6, 6), 2, None),
    ("count with decimals", {"target": "83"}, ("20.5", 22), 2, "40.5"),
    ("level short", {"kind": "level", "target": "48"}, (40, 45), 2, "3"),
    (
        "more than 100 (whole), at exactly 100: 1 short",
        {"comparison": ">", "target": "100", "whole": True},
        (100,),
        1,
        "1",
    ),
    (
        "more than 100 (decimal), at exactly 100: 0 short yet not met",
        {"comparison": ">", "target": "100", "whole": False},
        (100,),
        1,
        "0",
    ),
    ("a ceiling has no shortfall", {"comparison": "<=", "target": "10"}, (6, 7), 2, None),
]


@pytest.mark.parametrize(
    ("kwargs", "figures", "quarter", "shortfall"),
    [case[1:] for case in SHORTFALL_CASES],
    ids=[case[0] for case in SHORTFALL_CASES],
)
def test_shortfall_is_the_distance_to_the_target_in_the_unit(kwargs, figures, quarter, shortfall):
    kwargs = dict(kwargs)
    whole = kwargs.pop("whole", True)
    ind = indicator(**kwargs)
    ind.whole_number = whole
    result = standing(ind, reports(*figures), quarter)
    assert result.shortfall == (None if shortfall is None else Decimal(shortfall))


# (description, indicator kwargs, quarterly figures, as-of quarter, overrun or None)
OVERRUN_CASES = [
    ("ceiling on a sum, within", {"comparison": "<=", "target": "10"}, (3, 3), 2, None),
    ("ceiling on a sum, over by", {"comparison": "<=", "target": "10"}, (6, 7), 2, "3"),
    ("level ceiling, above it", {"kind": "level", "comparison": "<=", "target": "5"}, (8,), 1, "3"),
    ("a floor has no overrun", {}, (6, 7), 2, None),
]


@pytest.mark.parametrize(
    ("kwargs", "figures", "quarter", "overrun"),
    [case[1:] for case in OVERRUN_CASES],
    ids=[case[0] for case in OVERRUN_CASES],
)
def test_overrun_is_how_far_a_ceiling_is_crossed(kwargs, figures, quarter, overrun):
    result = standing(indicator(**kwargs), reports(*figures), quarter)
    assert result.overrun == (None if overrun is None else Decimal(overrun))


@pytest.mark.parametrize("kind", ["milestone", "qualitative", "monitor"])
def test_no_shortfall_without_a_target(kind):
    due = 4 if kind == "milestone" else None
    result = standing(indicator(kind=kind, target=None, due=due), [], 3)
    assert result.shortfall is None
    assert result.overrun is None


# (description, indicator kwargs, quarterly figures, as-of quarter, change or None)
QUARTER_CHANGE_CASES = [
    ("count: this quarter's figure against the last", {}, (2, 3, 5), 3, "2"),
    ("count: fewer than last quarter", {}, (4, 4, 3), 3, "-1"),
    ("level: end of quarter against the last", {"kind": "level", "target": "48"}, (40, 45), 2, "5"),
    ("Q1 has no previous quarter", {}, (2,), 1, None),
    ("previous quarter missing", {}, (2, None, 5), 3, None),
    ("this quarter missing", {}, (2, 3), 3, None),
    ("later quarters are ignored", {}, (2, 3, 9), 2, "1"),
]


@pytest.mark.parametrize(
    ("kwargs", "figures", "quarter", "change"),
    [case[1:] for case in QUARTER_CHANGE_CASES],
    ids=[case[0] for case in QUARTER_CHANGE_CASES],
)
def test_quarter_change(kwargs, figures, quarter, change):
    result = standing(indicator(**kwargs), reports(*figures), quarter)
    assert result.quarter_change == (None if change is None else Decimal(change))


def test_milestone_has_no_quarter_change():
    ind = indicator(kind="milestone", target=None, due=4)
    result = standing(ind, milestone_reports("in_progress", "in_progress"), 2)
    assert result.quarter_change is None


# -- A target revised during the year: the target in force at the quarter's end ----


class Revision:
    """What `target_in_force` reads of a revision (no database needed)."""

    def __init__(self, effective_from, target, recorded=0):
        self.effective_from = datetime.date.fromisoformat(effective_from)
        self.target = Decimal(target)
        self.recorded = recorded


# (description, revisions as (effective from, target, recorded order), day, target in force)
IN_FORCE = [
    ("no revision: the original", [], "2024-09-30", "16"),
    ("a revision after the day does not apply yet", [("2024-10-01", "14", 1)], "2024-09-30", "16"),
    ("a revision applies on its own date", [("2024-10-01", "14", 1)], "2024-10-01", "14"),
    ("and every day after", [("2024-07-01", "14", 1)], "2024-12-31", "14"),
    (
        "the latest effective by the day wins",
        [("2024-04-01", "12", 1), ("2024-07-01", "14", 2), ("2024-11-01", "20", 3)],
        "2024-09-30",
        "14",
    ),
    (
        "recorded earlier but effective later still wins by its date",
        [("2024-07-01", "14", 2), ("2024-08-01", "13", 1)],
        "2024-09-30",
        "13",
    ),
    (
        "same date: the one recorded later (a correction) wins",
        [("2024-07-01", "15", 2), ("2024-07-01", "14", 1)],
        "2024-09-30",
        "15",
    ),
]


@pytest.mark.parametrize(
    ("revisions", "day", "target"), [case[1:] for case in IN_FORCE], ids=[c[0] for c in IN_FORCE]
)
def test_target_in_force(revisions, day, target):
    revised = [Revision(date, value, recorded) for date, value, recorded in revisions]
    in_force = target_in_force(Decimal(16), revised, datetime.date.fromisoformat(day))
    assert in_force.target == Decimal(target)
    assert in_force.original == Decimal(16)
    assert in_force.is_revised == (target != "16")


# The demo's P1-02 (≥ 16 项; 3, 4, 3 reported), revised to 14 from a date: each
# quarter is measured against the target in force on its last day.
# (description, effective from, as-of quarter, status, completion, target)
REVISED = [
    ("Q3 before a revision from Q4 keeps the original", "2024-10-01", 3, BEHIND, "0.625", "16"),
    ("Q3 with a revision from 1 July uses it", "2024-07-01", 3, AT_RISK, "0.7142857", "14"),
    (
        "a mid-quarter date applies to the whole quarter",
        "2024-09-30",
        3,
        AT_RISK,
        "0.7142857",
        "14",
    ),
    (
        "an earlier quarter is unchanged by a later revision",
        "2024-07-01",
        2,
        AT_RISK,
        "0.4375",
        "16",
    ),
    ("Q1 likewise", "2024-07-01", 1, AT_RISK, "0.1875", "16"),
]


@pytest.mark.parametrize(
    ("effective_from", "quarter", "status", "completion", "target"),
    [case[1:] for case in REVISED],
    ids=[c[0] for c in REVISED],
)
def test_status_against_the_target_in_force(effective_from, quarter, status, completion, target):
    from targets.models import Plan

    ind = indicator(target="16")
    ind.plan = Plan(year=2024)
    ind.prefetched_revisions = [Revision(effective_from, "14", 1)]
    s = compute_standing(
        ind, reports(3, 4, 3), quarter, tolerance=TOLERANCE, in_force=ind.target_in_force(quarter)
    )
    assert s.status == status
    assert s.target == Decimal(target)
    assert round(s.completion, 7) == round(Decimal(completion), 7)
    assert (s.revision is not None) == (target == "14")


# --- Each kind of target measured as its meaning requires (issue 21) ---------------
# The figures are examples (示例), shaped like the cases the issue reports.


def kinded(kind="level", comparison=">=", target="7000", **fields):
    """An unsaved indicator of any kind, with the settings of a kind of target."""
    ind = indicator(
        kind="count" if kind == "count" else "level", comparison=comparison, target=target
    )
    ind.kind = kind
    ind.measure = "flow" if kind == "count" else "stock"
    for name, value in fields.items():
        if name in ("baseline", "last_year_value", "growth_base", "final_target", "stretch_target"):
            value = Decimal(str(value))
        setattr(ind, name, value)
    return ind


# (description, indicator, quarterly figures, as of, status, actual, completion, expected)
KIND_CASES = [
    # A stock paced from its baseline: expected by Q1 = 6000 + (7000 - 6000) x 25 % = 6250.
    (
        "stock from its baseline, Q1 behind (was on track, +62 points)",
        kinded(baseline=6000),
        (6120,),
        1,
        BEHIND,
        "6120",
        "0.12",
        "6250",
    ),
    (
        "stock from its baseline, on pace",
        kinded(baseline=6000),
        (6200, 6500),
        2,
        ON_TRACK,
        "6500",
        "0.5",
        "6500",
    ),
    (
        "stock from last year's figure",
        kinded(last_year_value=6000),
        (6230,),
        1,
        AT_RISK,
        "6230",
        "0.23",
        "6250",
    ),
    ("stock at its target", kinded(baseline=6000), (7000,), 1, MET, "7000", "1", "6250"),
    # Without a baseline: no pace, judged against the target alone.
    ("stock without a baseline", kinded(), (6120,), 1, BEHIND, "6120", "0.8743", None),
    ("stock without a baseline, close", kinded(), (6700,), 1, AT_RISK, "6700", "0.9571", None),
    # Rates and ratios: compared directly, never paced (was 正常 against a pace of 3.75).
    (
        "rate 12.5 % against >= 15 %",
        kinded("rate", target="15", unit="%"),
        ("12.5",),
        1,
        BEHIND,
        "12.5",
        "0.8333",
        None,
    ),
    (
        "rate 14 % against >= 15 %",
        kinded("rate", target="15", unit="%"),
        (14,),
        1,
        AT_RISK,
        "14",
        "0.9333",
        None,
    ),
    (
        "ratio with a decimal, met",
        kinded("rate", target="240", unit="件/万人"),
        ("243.6",),
        1,
        MET,
        "243.6",
        "1.015",
        None,
    ),
    (
        "rate expected to climb, paced from its baseline",
        kinded("rate", target="2.4", unit="%", baseline="2.0", climbs=True),
        ("2.1", "2.2"),
        2,
        ON_TRACK,
        "2.2",
        "0.5",
        "2.2",
    ),
    # Ceilings and ranks: met within the limit, otherwise off by a distance; no pace.
    (
        "rank 46 against top 40",
        kinded(comparison="<=", target="40", unit="位"),
        (46,),
        1,
        BEHIND,
        "46",
        None,
        None,
    ),
    (
        "rank 42 against top 40",
        kinded(comparison="<=", target="40", unit="位"),
        (42,),
        1,
        AT_RISK,
        "42",
        None,
        None,
    ),
    (
        "rank 38 within top 40",
        kinded(comparison="<=", target="40", unit="位"),
        (38,),
        1,
        MET,
        "38",
        None,
        None,
    ),
    (
        "rank with a baseline still no pace",
        kinded(comparison="<=", target="40", baseline=50),
        (46,),
        1,
        BEHIND,
        "46",
        None,
        None,
    ),
    # Growth: computed from the figures against the base, or reported as a rate.
    (
        "growth from the figures: 112.5 over 100 is 12.5 %",
        kinded("growth", target="15", growth_base=100, frequency="annual"),
        (None, None, None, "112.5"),
        4,
        BEHIND,
        "12.5",
        "0.8333",
        None,
    ),
    (
        "growth reported as a rate",
        kinded("growth", target="15", growth_from="rate"),
        (16,),
        1,
        MET,
        "16",
        "1.0667",
        None,
    ),
    # Equality: 为 13.67 %.
    (
        "equal to, met",
        kinded("rate", comparison="=", target="13.67", unit="%"),
        ("13.67",),
        1,
        MET,
        "13.67",
        None,
        None,
    ),
    (
        "equal to, off",
        kinded("rate", comparison="=", target="13.67", unit="%"),
        ("13.5",),
        1,
        AT_RISK,
        "13.5",
        None,
        None,
    ),
    # Floor and stretch: the floor decides.
    (
        "floor met, stretch not",
        kinded("count", target="10", stretch_target=12),
        (4, 4, 3),
        3,
        MET,
        "11",
        "1.1",
        "0.75",
    ),
    (
        "floor short at year end",
        kinded("count", target="10", stretch_target=12),
        (2, 3, 2, "2.5"),
        4,
        AT_RISK,
        "9.5",
        "0.95",
        "1",
    ),
    # Publication frequency: an annual figure is due in Q4, a half-yearly one in Q2 and Q4.
    (
        "annual, Q3: not yet due",
        kinded("rate", target="3", frequency="annual"),
        (),
        3,
        None,
        None,
        None,
        None,
    ),
    (
        "annual, Q4 without a figure",
        kinded("rate", target="3", frequency="annual"),
        (),
        4,
        NOT_REPORTED,
        None,
        None,
        None,
    ),
    (
        "half-yearly, Q1: not yet due",
        kinded("rate", target="3", frequency="half"),
        (),
        1,
        None,
        None,
        None,
        None,
    ),
    (
        "half-yearly, Q3 judged on Q2",
        kinded("rate", target="3", frequency="half"),
        (None, "3.1"),
        3,
        MET,
        "3.1",
        "1.0333",
        None,
    ),
]


@pytest.mark.parametrize(
    ("ind", "figures", "quarter", "status", "actual", "completion", "expected_value"),
    [case[1:] for case in KIND_CASES],
    ids=[case[0] for case in KIND_CASES],
)
def test_each_kind_of_target(ind, figures, quarter, status, actual, completion, expected_value):
    result = standing(ind, reports(*figures), quarter)
    assert result.status == status
    assert result.actual == (None if actual is None else Decimal(actual))
    if completion is None:
        assert result.completion is None
    else:
        assert round(result.completion, 4) == Decimal(completion)
    if expected_value is None:
        assert result.expected_value is None
    elif ind.kind == "count":
        assert result.expected == Decimal(expected_value)
    else:
        assert result.expected_value == Decimal(expected_value)
    # Only a flow or a level paced from its baseline has a pace to be ahead of.
    assert (result.pace_gap is not None) == (result.paced and result.actual is not None)


def test_not_yet_due_is_neither_reported_nor_missing():
    result = standing(kinded("rate", target="3", frequency="annual"), [], 2)
    assert result.not_yet_due
    assert result.status is None
    assert result.expected is None


@pytest.mark.parametrize(("figure", "stretch_met"), [(11, False), (12, True), (9, False)])
def test_stretch_is_shown_beside_the_floor(figure, stretch_met):
    result = standing(kinded(target="10", stretch_target=12), reports(figure), 1)
    assert result.stretch_met is stretch_met


@pytest.mark.parametrize(
    ("year", "target"), [(2023, "2.92"), (2025, "3.16"), (2027, "3.40"), (2030, "3.40")]
)
def test_final_year_target_on_a_straight_line(year, target):
    ind = kinded(
        "rate",
        baseline="2.8",
        baseline_year=2022,
        final_year=2027,
        final_target="3.4",
        trajectory="straight",
    )
    ind.trajectory = "straight"
    assert ind.derived_target(year) == Decimal(target)


def test_final_year_progress_from_the_baseline():
    ind = kinded(
        "rate",
        target="3.16",
        unit="%",
        baseline="2.8",
        baseline_year=2022,
        final_year=2027,
        final_target="3.4",
    )
    result = standing(ind, reports("3.0"), 1)
    assert round(result.final_completion, 4) == Decimal("0.3333")
    assert result.status == AT_RISK  # this year's 3.16 decides: 3.0 is 5 % short of it


def test_set_trajectory_derives_nothing():
    assert (
        kinded(
            baseline="2.8", baseline_year=2022, final_year=2027, final_target="3.4"
        ).derived_target(2025)
        is None
    )


def test_projection_of_a_paced_stock_keeps_its_gain():
    result = standing(kinded(baseline=6000), reports(6200, 6400), 2)
    assert result.projection == Decimal(6800)  # 6000 + 400 / 50 %
    assert standing(kinded(), reports(6200, 6400), 2).projection is None  # no baseline, no pace


def test_milestone_due_date_sets_its_quarter():
    ind = indicator(kind="milestone", target=None)
    ind.due_date = datetime.date(2024, 6, 30)
    ind.normalise()
    assert ind.due_quarter == 2


def test_precision_of_a_figure():
    ratio = kinded("rate", target="240", unit="件/万人")
    ratio.whole_number, ratio.decimal_places = False, 1
    assert ratio.figure_places == 1
    ratio.whole_number = True
    assert ratio.figure_places == 0  # whole numbers have none, whatever the precision


def test_averages_leave_out_what_has_no_pace():
    """A stock without a baseline, a rank and a rate never enter the plan's headline."""
    from targets.models.overview import Progress

    count = standing(indicator(), reports(3, 3), 2)  # 60 % against 50 %
    stock = standing(kinded(), reports(6120, 6900), 2)  # no baseline: no pace
    rank = standing(kinded(comparison="<=", target="40", unit="位"), reports(38, 38), 2)
    rate = standing(kinded("rate", target="15", unit="%"), reports(16, 16), 2)
    paced = standing(kinded(baseline=6000), reports(6100, 6200), 2)  # 20 % against 50 %
    progress = Progress.of([count, stock, rank, rate, paced])
    assert progress.measured == 2
    assert progress.completion == (Decimal("0.6") + Decimal("0.2")) / 2
    assert progress.expected == Decimal("0.5")
