"""Progress against time: pace gap, year-end projection, and a pillar's aggregate.

Like the status rule, these are pure (indicator + reports -> numbers), so the
tests build unsaved objects and need no database.
"""

from decimal import Decimal

import pytest

from targets.models import Indicator, QuarterlyReport
from targets.models.overview import Progress
from targets.models.standing import Status, compute_standing
from targets.templatetags.kpi import fraction, points, signed_points

TOLERANCE = Decimal("0.10")


def indicator(kind="count", comparison=">=", target="10", pace=(25, 50, 75, 100), due=None):
    ind = Indicator(
        code="X-01",
        kind=kind,
        measure={"count": "flow", "level": "stock", "monitor": "flow"}.get(kind, ""),
        comparison=comparison if target is not None else "",
        target=None if target is None else Decimal(target),
        due_quarter=due,
    )
    for q, share in enumerate(pace, start=1):
        setattr(ind, f"pace_q{q}", Decimal(share))
    return ind


def reports(*figures):
    """figures[i] is Q(i+1)'s approved figure; None means no report for that quarter."""
    return [
        QuarterlyReport(quarter=q, value=Decimal(str(v)), state="approved")
        for q, v in enumerate(figures, start=1)
        if v is not None
    ]


def standing(ind, figures, quarter):
    return compute_standing(ind, reports(*figures), quarter, tolerance=TOLERANCE)


# --- Year-end projection ("at this pace: 9 of 10") ----------------------------------


@pytest.mark.parametrize(
    ("description", "figures", "quarter", "kwargs", "projection", "meets"),
    [
        ("P3-04 of the demo: 7 by Q3", (2, 2, 3), 3, {}, "9", False),
        ("on pace: 9 by Q3", (3, 3, 3), 3, {}, "12", True),
        ("exactly on pace, in halves", (2.5, 2.5), 2, {}, "10.0", True),
        (
            "rounded down, not up: 10.67 is 10, short of 11",
            (3, 3, 2),
            3,
            {"target": "11"},
            "10",
            False,
        ),
        ("an unreported quarter is not a zero", (3, 3), 3, {}, "12", True),
        ("a missing quarter in the middle is a zero", (3, None, 5), 3, {}, "10", True),
        ("back-loaded pacing", (1, 2), 2, {"pace": (10, 30, 60, 100)}, "10", True),
        ("'more than' 10 is not met by 10", (5,), 2, {"comparison": ">"}, "20", True),
        ("'more than' 10, exactly 10", (2.5, 2.5), 2, {"comparison": ">"}, "10.0", False),
        ("a ceiling overrun at this pace", (3, 3), 2, {"comparison": "<="}, "12", False),
    ],
)
def test_projection(description, figures, quarter, kwargs, projection, meets):
    s = standing(indicator(**kwargs), figures, quarter)
    assert s.projection == Decimal(projection), description
    assert str(s.projection) == projection  # whole figures stay whole
    assert s.projection_meets_target is meets, description


@pytest.mark.parametrize(
    ("description", "ind", "figures", "quarter"),
    [
        ("as of Q4 the year's figure is known", indicator(), (3, 3, 3, 3), 4),
        ("a level is not summed", indicator(kind="level"), (40, 45), 2),
        ("a monitored figure has no target", indicator(kind="monitor", target=None), (1,), 1),
        ("nothing reported yet", indicator(), (), 2),
        ("no work expected yet", indicator(pace=(0, 50, 75, 100)), (1,), 1),
    ],
)
def test_no_projection(description, ind, figures, quarter):
    s = standing(ind, figures, quarter)
    assert s.projection is None, description
    assert s.projection_meets_target is None


@pytest.mark.parametrize(
    "figures",
    [(2, 2, 3), (3, 3, 1.5), (2.5, 2.5, 2.5), (1, 1, 1), (4, 4, 4), (2, 3, 2), (0, 0, 7.4)],
)
def test_projection_agrees_with_the_status_rule(figures):
    """On track (or met) projects to the target; at risk or behind projects short of it."""
    s = standing(indicator(), figures, 3)
    if s.status in (Status.ON_TRACK, Status.MET):
        assert s.projection_meets_target
    else:
        assert s.status in (Status.AT_RISK, Status.BEHIND)
        assert not s.projection_meets_target


# --- Ahead of or behind the pace ------------------------------------------------------


def test_pace_gap_of_a_count():
    s = standing(indicator(), (2, 2, 3), 3)
    assert s.pace_gap == Decimal("-0.05")  # 70 % done, 75 % expected


def test_pace_gap_of_a_ceiling_counts_using_less_as_ahead():
    s = standing(indicator(comparison="<="), (2,), 1)
    assert s.pace_gap == Decimal("0.05")  # 20 % of the ceiling used, 25 % allowed by now


def test_no_pace_gap_without_a_target():
    assert standing(indicator(kind="monitor", target=None), (5,), 1).pace_gap is None
    assert standing(indicator(), (), 1).pace_gap is None  # nothing reported


def test_severity_sorts_the_worst_first():
    order = [Status.BEHIND, Status.AT_RISK, Status.NOT_REPORTED, Status.ON_TRACK, Status.MET]
    severities = [standing(indicator(), (), 1) for _ in order]
    for s, status in zip(severities, order, strict=True):
        s.status = status
    assert [s.severity for s in severities] == sorted(s.severity for s in severities)
    # A qualitative indicator with its report in has no status: it sorts last.
    reported = [QuarterlyReport(quarter=1, progress="进展", state="approved")]
    no_status = compute_standing(indicator(kind="qualitative", target=None), reported, 1)
    assert no_status.status is None
    assert no_status.severity > max(s.severity for s in severities)


# --- A pillar's (or the plan's) completion against expected -----------------------


def test_progress_is_the_mean_completion_against_the_mean_expected():
    p = Progress.of(
        [standing(indicator(), (2, 3, 3), 3), standing(indicator(target="16"), (3, 4, 3), 3)]
    )
    assert p.completion == Decimal("0.7125")  # (80 % + 62.5 %) / 2
    assert p.expected == Decimal("0.75")
    assert p.measured == 2
    assert p.behind_pace
    assert p.gap == Decimal("-0.0375")


def test_progress_caps_each_indicator_at_its_target():
    # 150 % on one cannot hide 50 % on another.
    p = Progress.of([standing(indicator(), (15,), 1), standing(indicator(), (5,), 1)])
    assert p.completion == Decimal("0.75")


def test_progress_counts_an_unreported_indicator_as_nothing_done():
    p = Progress.of([standing(indicator(), (3,), 1), standing(indicator(), (), 1)])
    assert p.completion == Decimal("0.15")


def test_progress_leaves_out_ceilings_monitored_and_qualitative():
    p = Progress.of(
        [
            standing(indicator(), (5,), 1),
            standing(indicator(comparison="<="), (9,), 1),
            standing(indicator(kind="monitor", target=None), (100,), 1),
            standing(indicator(kind="qualitative", target=None), (), 1),
        ]
    )
    assert (p.completion, p.measured) == (Decimal("0.5"), 1)


def test_progress_counts_milestones_met():
    done = [QuarterlyReport(quarter=1, milestone_state="done", done_on="2024-03-26")]
    done[0].state = "approved"
    milestones = [
        compute_standing(indicator("milestone", target=None, due=4), done, 2),
        compute_standing(indicator("milestone", target=None, due=4), [], 2),
    ]
    p = Progress.of(milestones)
    assert (p.milestones_met, p.milestones_total) == (1, 2)
    assert p.completion is None and p.gap is None and not p.behind_pace


# --- How the pages write these numbers -----------------------------------------------


@pytest.mark.parametrize(
    ("value", "as_fraction", "as_points", "as_signed"),
    [
        (Decimal("0.625"), "0.625", "62.5", "+62.5"),
        (Decimal("-0.054"), "-0.054", "5.4", "−5.4"),
        (Decimal("0"), "0.000", "0.0", "+0.0"),
        (None, "0", "", ""),
    ],
)
def test_number_filters(value, as_fraction, as_points, as_signed):
    assert (fraction(value), points(value), signed_points(value)) == (
        as_fraction,
        as_points,
        as_signed,
    )
