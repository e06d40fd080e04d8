"""The database itself refuses what the forms refuse (both SQLite and PostgreSQL)."""

import datetime
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from targets.models import Indicator, QuarterlyReport


def _count(plan, code="P1-01"):
    return Indicator.objects.get(plan=plan, code=code)


def _refused(**kwargs):
    with pytest.raises(IntegrityError), transaction.atomic():
        QuarterlyReport.objects.create(**kwargs)


def test_second_report_for_same_quarter_is_refused(plan):
    indicator = _count(plan)
    QuarterlyReport.objects.create(indicator=indicator, quarter=1, value=Decimal(1))
    _refused(indicator=indicator, quarter=1, value=Decimal(2))


def test_absurd_negative_figure_is_refused(plan):
    # Below zero the forms allow a falling growth rate alone (test_report_validation);
    # the database bounds every figure at a billion either way.
    _refused(indicator=_count(plan), quarter=1, value=Decimal("-1000000000.01"))


def test_absurd_figure_is_refused(plan):
    _refused(indicator=_count(plan), quarter=1, value=Decimal("1000000000.01"))


@pytest.mark.parametrize("quarter", [0, 5])
def test_quarter_outside_1_to_4_is_refused(plan, quarter):
    _refused(indicator=_count(plan), quarter=quarter, value=Decimal(1))


def test_done_milestone_needs_its_date_and_only_then(plan):
    milestone = _count(plan, "P2-01")
    _refused(indicator=milestone, quarter=1, milestone_state="done")
    _refused(
        indicator=milestone,
        quarter=1,
        milestone_state="in_progress",
        done_on=datetime.date(2024, 3, 26),
    )
    QuarterlyReport.objects.create(
        indicator=milestone, quarter=1, milestone_state="done", done_on=datetime.date(2024, 3, 26)
    )


def _indicator_refused(plan, **changes):
    indicator = _count(plan)
    for name, value in changes.items():
        setattr(indicator, name, value)
    with pytest.raises(IntegrityError), transaction.atomic():
        # update() bypasses save(), which would otherwise tidy measure/comparison.
        Indicator.objects.filter(pk=indicator.pk).update(**changes)


def test_indicator_code_unique_within_plan(plan):
    with pytest.raises(IntegrityError), transaction.atomic():
        Indicator.objects.filter(code="P1-02").update(code="P1-01")


def test_count_needs_a_target(plan):
    _indicator_refused(plan, target=None)


def test_milestone_has_no_target(plan):
    with pytest.raises(IntegrityError), transaction.atomic():
        Indicator.objects.filter(code="P2-01").update(target=Decimal(1), comparison=">=")


def test_negative_target_refused(plan):
    _indicator_refused(plan, target=Decimal(-5))


def test_pacing_must_rise_and_stay_within_100(plan):
    _indicator_refused(plan, pace_q2=Decimal(20))  # below Q1's 25
    _indicator_refused(plan, pace_q4=Decimal(120))


def test_count_must_sum(plan):
    _indicator_refused(plan, measure="stock")


def test_milestone_due_quarter_within_year(plan):
    with pytest.raises(IntegrityError), transaction.atomic():
        Indicator.objects.filter(code="P2-01").update(due_quarter=5)
