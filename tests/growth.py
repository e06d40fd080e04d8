"""A plan grown 30 times over, to show that a page's query count does not grow with it."""

from decimal import Decimal

from targets.models import Indicator, IndicatorUnit, QuarterlyReport
from targets.models.freshness import bump


def grow_plan(plan, times=30):
    """Add `times` copies of each of the plan's indicators, each with counted Q1–Q3 reports.

    Copies keep the original's pillar, kind, target, pacing and lead section, so
    every page, filter and chart has more of everything, not just more rows.
    """
    originals = list(plan.indicators.with_units())
    copies = Indicator.objects.bulk_create(
        Indicator(
            plan=plan,
            pillar_id=original.pillar_id,
            code=f"X{n}-{original.code}",
            name_zh=original.name_zh,
            unit=original.unit,
            kind=original.kind,
            measure=original.measure,  # bulk_create skips save(), which would set it
            comparison=original.comparison,
            target=original.target,
            last_year_value=original.last_year_value,
            due_quarter=original.due_quarter,
            order=original.order,
        )
        for n in range(times)
        for original in originals
    )
    IndicatorUnit.objects.bulk_create(
        IndicatorUnit(indicator=copy, section_id=u.section_id, role=u.role, order=u.order)
        for copy, original in zip(copies, originals * times, strict=True)
        for u in original.units_list()
    )
    QuarterlyReport.objects.bulk_create(
        _report(indicator, quarter)
        for indicator in plan.indicators.filter(code__startswith="X")
        for quarter in (1, 2, 3)
    )
    bump()  # bulk_create sends no signal: the kept pages' generation by hand


def _report(indicator, quarter):
    report = QuarterlyReport(indicator=indicator, quarter=quarter, state="approved")
    if indicator.is_milestone:
        report.milestone_state = "in_progress"
    elif indicator.has_figure:
        report.value = Decimal(quarter)
    else:
        report.progress = "(示例)"
    return report
