"""Synthetic, plainly labelled plans of any size for the benchmarks, from a seed.

A benchmark database holds the real 2024 plan with the demo accounts and reports,
grown by `copies` synthetic copies of each of its 29 indicators (29 × (1 + copies)
in all: 899, 4,988, 19,981 …). Each copy keeps its original's pillar, kind, target,
pacing and lead section, is named "（基准合成）" so nobody takes it for a real
figure, and has a report for each of the four quarters with the history of its
saves: a creation and, for some, a correction. Figures, states and corrections are
drawn from `random.Random(seed)`, so the same size and seed build the same data.

Inserted with bulk_create (no signals): `finish()` then brings derived data up to
date, exactly as a save would.
"""

import datetime
import random
from decimal import Decimal

SYNTHETIC = "（基准合成）"
NARRATIVE = "（基准合成）本季度召开专题调度会{n}次，协调解决项目推进中的困难和问题。"
BATCH = 2000
WHEN = datetime.datetime(2024, 4, 8, 9, 0, tzinfo=datetime.UTC)


def grow(plan, copies, seed=2024, author=None):
    """Add `copies` synthetic copies of each of `plan`'s original indicators, with
    Q1–Q4 reports and their history. Returns the number of indicators added."""
    from django.db import transaction

    from targets.models import Indicator, IndicatorUnit, QuarterlyReport

    rng = random.Random(seed)
    originals = list(
        plan.indicators.exclude(code__startswith="S").order_by("order", "code").with_units()
    )
    History = QuarterlyReport.history.model
    added = 0
    for start in range(0, copies, max(1, BATCH // len(originals))):
        stop = min(copies, start + max(1, BATCH // len(originals)))
        with transaction.atomic():
            batch = Indicator.objects.bulk_create(
                _copy(original, n) for n in range(start, stop) for original in originals
            )
            # Its lead and cooperating units, as the original's (batch follows originals).
            IndicatorUnit.objects.bulk_create(
                IndicatorUnit(indicator=copy, section_id=u.section_id, role=u.role, order=u.order)
                for copy, original in zip(batch, originals * (stop - start), strict=True)
                for u in original.units_list()
            )
            reports = QuarterlyReport.objects.bulk_create(
                _report(rng, indicator, quarter, author)
                for indicator in batch
                for quarter in (1, 2, 3, 4)
            )
            History.objects.bulk_create(
                (row for report in reports for row in _history(rng, History, report, author)),
                batch_size=BATCH,
            )
        added += len(batch)
    return added


def finish():
    """What a save would have kept up to date after bulk inserts: the database's
    statistics (and, where the app stores derived data, that too)."""
    from django.db import connection

    from targets.models.freshness import bump

    bump()  # bulk_create sends no signal: the kept pages' generation by hand
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def _copy(original, n):
    from targets.models import Indicator

    return Indicator(
        plan_id=original.plan_id,
        pillar_id=original.pillar_id,
        code=f"S{n:05d}-{original.code}",
        name_zh=original.name_zh + SYNTHETIC,
        name_en=(original.name_en + " (synthetic)") if original.name_en else "",
        unit=original.unit,
        unit_en=original.unit_en,
        whole_number=original.whole_number,
        kind=original.kind,
        measure=original.measure,  # bulk_create skips save(), which would set it
        comparison=original.comparison,
        target=original.target,
        last_year_value=original.last_year_value,
        pace_q1=original.pace_q1,
        pace_q2=original.pace_q2,
        pace_q3=original.pace_q3,
        pace_q4=original.pace_q4,
        due_quarter=original.due_quarter,
        order=original.order,
    )


def _report(rng, indicator, quarter, author):
    from targets.models import QuarterlyReport

    state = rng.choices(["approved", "submitted", "draft"], weights=[80, 15, 5])[0]
    report = QuarterlyReport(
        indicator=indicator,
        quarter=quarter,
        state=state,
        entered_by=author,
        progress=NARRATIVE.format(n=rng.randint(1, 9)),
        problems="（基准合成）个别项目进度偏慢。" if rng.random() < 0.4 else "",
        next_steps="（基准合成）下季度加强调度。",
    )
    if indicator.kind == "milestone":
        report.milestone_state = rng.choice(["not_started", "in_progress", "in_progress"])
    elif indicator.kind in ("count", "level", "monitor"):
        target = indicator.target or indicator.last_year_value or Decimal(20)
        share = Decimal(rng.randint(15, 35)) / 100
        if indicator.kind == "count" or indicator.measure == "flow":
            report.value = (target * share).quantize(Decimal(1))
        else:
            report.value = (target * share * quarter).quantize(Decimal(1))
    return report


def _history(rng, History, report, author):
    """The creation of `report` and, one time in five, a correction before it."""
    created = WHEN + datetime.timedelta(days=91 * (report.quarter - 1))
    saves = [("+", report.value and report.value + 1, "（基准合成）初次填报")]
    if rng.random() < 0.2:
        saves.append(("~", report.value, "（基准合成）更正数字"))
    else:
        saves[0] = ("+", report.value, "（基准合成）初次填报")
    for step, (kind, value, reason) in enumerate(saves):
        yield History(
            id=report.pk,
            indicator_id=report.indicator_id,
            quarter=report.quarter,
            value=value,
            milestone_state=report.milestone_state,
            done_on=report.done_on,
            progress=report.progress,
            problems=report.problems,
            next_steps=report.next_steps,
            state=report.state,
            review_comment="",
            version=step + 1,
            entered_by_id=author.pk if author else None,
            created_at=created,
            updated_at=created + datetime.timedelta(hours=step),
            history_date=created + datetime.timedelta(hours=step),
            history_type=kind,
            history_user_id=author.pk if author else None,
            history_change_reason=reason,
        )
