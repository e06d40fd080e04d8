"""What a standing says in words, in the active language.

The status rule (standing.py) gives figures; this module turns them into the
sentences leaders read: how far from the target and from the expected pace
("尚差 3 家，落后时序进度 5.0 个百分点"), an edge case stated plainly ("> 100 人：现
100 人，尚差 1 人（未达成）"), what a figure is (累计完成 for a sum, 当前值 for a stock)
and what a monitored figure is compared with ("已达上年全年的 62%"). Pages, exports
and the briefing all read the same sentences through `Standing`'s properties;
tests/test_wording.py pins them table by table.
"""

from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

ONE_CENT = Decimal("0.01")

# The leaf layer imports no model (.importlinter), so the objects it words are named
# here, not imported: an Indicator, and a Standing (standing.py). The type check
# reads them as Any; what it checks is this module's own figures and sentences.
IndicatorLike = Any
StandingLike = Any


def figure_text(value: Decimal | int | str | None) -> str:
    """A decimal without trailing zeros: 10.00 -> "10", 2.50 -> "2.5"."""
    if value is None:
        return ""
    return format(Decimal(value).quantize(ONE_CENT).normalize(), "f")


# English units are stored in the plural ("projects", "people"); one takes the singular.
IRREGULAR_SINGULARS = {"people": "person"}


def unit_for(unit: str, value: Decimal | int | None) -> str:
    """`unit` as it goes with `value`: "1 project", "1 person", "7 projects". A unit of
    more than one word ("patents per 10,000 people") or in Chinese is left as it is."""
    if value is None or abs(Decimal(value)) != 1 or not unit or not unit.isascii():
        return unit
    if " " in unit or "/" in unit:
        return unit
    if unit in IRREGULAR_SINGULARS:
        return IRREGULAR_SINGULARS[unit]
    if unit.endswith("ies"):
        return unit[:-3] + "y"
    if unit.endswith(("sses", "xes", "ches", "shes")):
        return unit[:-2]
    if unit.endswith("s") and not unit.endswith("ss"):
        return unit[:-1]
    return unit


def points_text(fraction: Decimal) -> str:
    """The size of a gap between two fractions in percentage points: -0.05 -> "5.0"."""
    return f"{abs(fraction) * 100:.1f}"


def actual_label(indicator: IndicatorLike) -> str:
    """What the figure of `indicator` is: a sum so far, or the latest (current) value."""
    if indicator.measure == indicator.Measure.STOCK:
        return _("Current value")
    return _("Year to date")


COMPARISON_SYMBOLS = {">=": "≥", ">": ">", "<=": "≤", "<": "<", "=": "="}


def amount_text(indicator: IndicatorLike, value: Decimal) -> str:
    """A difference between a figure and a target, in the unit: "3 家"; for a figure
    in per cent (a rate in %, a growth) in percentage points: "0.77个百分点", never
    "0.77 %" (official writing, every language and medium)."""
    if indicator.measured_in_percent:
        return _("%(points)s percentage points") % {"points": figure_text(value)}
    return str(indicator.with_unit(value))


def measured_text(indicator: IndicatorLike, value: Decimal | None) -> str:
    """A figure as compared with the target: "7 家"; a growth as "12.5%"."""
    if indicator.kind == "growth":
        return f"{figure_text(value)}%"
    return str(indicator.with_unit(value))


def target_display(comparison: str, target: Decimal | None) -> str:
    """The comparison and a target as leaders read them: "≥ 10", "> 100"; "" without."""
    if target is None or not comparison:
        return ""
    return f"{COMPARISON_SYMBOLS[comparison]} {figure_text(target)}"


def target_with_unit(indicator: IndicatorLike, target: Decimal | None) -> str:
    """ "≥ 10 家", "> 100 people", "growth ≥ 15%"; "" for an indicator without a target."""
    if not indicator.has_target or target is None:
        return ""
    if indicator.kind == "growth":
        return _("growth %(target)s%%") % {"target": target_display(indicator.comparison, target)}
    unit = unit_for(indicator.unit_display, target)
    return f"{target_display(indicator.comparison, target)} {unit}".strip()


def target_label(standing: StandingLike) -> str:
    """What the target of a standing is: the annual target, or the revised one."""
    if standing.revision is not None:
        return _("Revised target")
    return _("Annual target")


def revision_note(standing: StandingLike) -> str:
    """What a revised target replaced, from when and why, in one line:
    "原目标 ≥ 16 项，2024-07-01 起调整：reason"; "" when the original is in force."""
    revision = standing.revision
    if revision is None:
        return ""
    return _("originally %(original)s; revised from %(date)s: %(reason)s") % {
        "original": target_with_unit(standing.indicator, standing.in_force.original),
        "date": revision.effective_from.isoformat(),
        "reason": revision.reason,
    }


def revision_text(standing: StandingLike) -> str:
    """The marker of a revised target, as every page, export and the briefing write it:
    "调整后目标（原目标 ≥ 16 项，2024-07-01 起调整：reason）"; "" for the original."""
    note = revision_note(standing)
    return _("Revised target (%(note)s)") % {"note": note} if note else ""


def shortfall(standing: StandingLike) -> Decimal | None:
    """How much is still missing to meet the target, or None (met, no target, no figure).

    For "more than" (>) with whole numbers, the next whole number above the target
    is what meets it: 100 against "> 100 人" is 1 short. Otherwise "> x" cannot be
    met by an amount, so the shortfall is the distance to the target itself (0 when
    the figure equals it: "not yet above").
    """
    indicator = standing.indicator
    actual: Decimal | None = standing.actual
    if not indicator.has_target or actual is None or not indicator.higher_is_better:
        return None
    target: Decimal = standing.target
    if indicator.comparison == indicator.Comparison.MORE_THAN:
        needed = target + 1 if indicator.whole_number else target
        if actual > target:
            return None
        return max(needed - actual, Decimal(0))
    return None if actual >= target else target - actual


def overrun(standing: StandingLike) -> Decimal | None:
    """By how much a ceiling (<=, <) is crossed, or None while it holds."""
    indicator, actual = standing.indicator, standing.actual
    if not indicator.has_target or indicator.higher_is_better or actual is None:
        return None
    target = standing.target
    crossed = actual > target if indicator.comparison == "<=" else actual >= target
    return actual - target if crossed else None


def pace_text(standing: StandingLike) -> str:
    """Against the expected pace: "落后时序进度 5.0 个百分点" / ahead / level; "" without one."""
    gap = standing.pace_gap
    if gap is None:
        return ""
    if gap < 0:
        return _("%(points)s points behind the expected pace") % {"points": points_text(gap)}
    if gap > 0:
        return _("%(points)s points ahead of the expected pace") % {"points": points_text(gap)}
    return _("level with the expected pace")


def gap_text(standing: StandingLike) -> str:
    """The gap in plain words, for the attention list and the tables.

    - a target not met: what is still missing and how the pace stands (only a
      count or a level paced from its baseline has a pace; a level without a
      baseline says it is judged against the target alone);
    - met: by how much it is exceeded, and a stretch target (力争) beside the floor;
    - the quarter not reported: that, and what was reported before; a figure
      published later in the year: not yet due;
    - a milestone: its due quarter (or date) and state; a monitored figure: against
      last year.
    """
    indicator = standing.indicator
    if indicator.is_milestone:
        return _milestone_text(standing)
    if indicator.kind == indicator.Kind.MONITOR:
        return last_year_text(standing)
    if not indicator.has_target:
        return ""
    if standing.not_yet_due:
        return not_due_text(indicator)
    if standing.status == "not_reported":
        return _not_reported_text(standing)
    if indicator.comparison == "=":
        return _equal_text(standing)
    if not indicator.higher_is_better:
        return _ceiling_text(standing)
    missing = shortfall(standing)
    if missing is None:
        return _("; ").join(p for p in (_met_text(standing), stretch_text(standing)) if p)
    parts = [_short_text(standing, missing)]
    if standing.expected is not None and standing.expected < 1:
        parts.append(pace_text(standing))
    parts.append(no_pace_text(standing))
    return _("; ").join(p for p in parts if p)


def not_due_text(indicator: IndicatorLike) -> str:
    """ "not yet due: published once a year (Q4)" (未到报送期), never "not reported"."""
    return _("not yet due: published %(frequency)s") % {
        "frequency": str(indicator.get_frequency_display()).lower()
    }


def no_pace_text(standing: StandingLike) -> str:
    """A level without a baseline says why it has no pace; "" for every other kind."""
    indicator = standing.indicator
    if standing.paced or indicator.kind != indicator.Kind.LEVEL or standing.actual is None:
        return ""
    if not indicator.higher_is_better:
        return ""
    return _("no baseline, so no pace: judged against the target alone")


def pace_note(standing: StandingLike) -> str:
    """Why a target has no pace, for the "Expected by now" line; "" when it has one."""
    indicator = standing.indicator
    if not indicator.has_target or standing.paced:
        return ""
    if standing.not_yet_due:
        return not_due_text(indicator)
    if indicator.kind == indicator.Kind.LEVEL and indicator.higher_is_better:
        return _("no baseline, so no pace: judged against the target alone")
    if not indicator.higher_is_better and indicator.comparison != "=":
        return _("a ceiling: met within the limit, no pace")
    return _("compared directly with the target, no pace")


def stretch_text(standing: StandingLike) -> str:
    """Beside the floor (确保): "stretch target met" (达成力争目标), or "floor met; the
    stretch target ≥ 12 家 is 1 家 away" (达成确保目标); "" without a stretch."""
    indicator, stretch = standing.indicator, standing.indicator.stretch_target
    if stretch is None or standing.actual is None or standing.status != "met":
        return ""
    if standing.stretch_met:
        return _("stretch target met")
    away = abs(stretch - standing.actual)
    return _("floor met; %(away)s short of the stretch target") % {
        "away": amount_text(indicator, away)
    }


def final_text(standing: StandingLike) -> str:
    """This year's figure against the final-year target: "到2027年 ≥ 3.4%：已完成
    33%（自2022年基数 2.8%）"; "" without a final-year target or a figure."""
    indicator = standing.indicator
    if standing.final_completion is None:
        return ""
    values = {
        "year": indicator.final_year,
        "target": target_with_unit(indicator, indicator.final_target),
        "percent": f"{standing.final_completion * 100:.0f}",
    }
    if indicator.baseline is not None and indicator.baseline_year:
        values["base"] = measured_text(indicator, indicator.baseline)
        values["base_year"] = indicator.baseline_year
        return (
            _(
                "final target for %(year)s, %(target)s: %(percent)s%% of the way from "
                "%(base)s in %(base_year)s"
            )
            % values
        )
    return _("final target for %(year)s, %(target)s: %(percent)s%% of it") % values


def expected_text(standing: StandingLike) -> str:
    """Where a level paced from its baseline should be by now: "expected by now 6,250 家"."""
    if standing.expected_value is None:
        return ""
    return _("expected by now: %(value)s (from %(start)s)") % {
        "value": measured_text(standing.indicator, standing.expected_value),
        "start": measured_text(standing.indicator, standing.start),
    }


def target_text(standing: StandingLike) -> str:
    """The figure against the target in one line: "> 100 人：现 100 人，尚差 1 人（未达成）".

    Empty for indicators without a target or before any figure.
    """
    indicator = standing.indicator
    if not indicator.has_target or standing.actual is None:
        return ""
    now = _now_text(standing)
    if indicator.higher_is_better:
        missing = shortfall(standing)
        if missing is None:
            verdict = _("%(now)s (met)") % {"now": now}
        else:
            verdict = _("%(now)s; %(short)s (not met)") % {
                "now": now,
                "short": _short_text(standing, missing),
            }
    else:
        over = overrun(standing)
        if indicator.comparison == "=":
            verdict = _("%(now)s (met)") % {"now": now} if standing.status == "met" else now
        elif over is None:
            verdict = _("%(now)s (within the limit)") % {"now": now}
        else:
            verdict = _("%(now)s; %(over)s over the limit") % {
                "now": now,
                "over": amount_text(indicator, over),
            }
    return _("%(target)s: %(verdict)s") % {"target": standing.target_with_unit, "verdict": verdict}


def last_year_text(standing: StandingLike) -> str:
    """A monitored figure against last year's, saying what it compares.

    A sum so far is compared with last year's whole-year sum ("已达上年全年的 62%");
    a stock with last year's year-end figure ("比上年末增加 7 户（+3.1%）").
    """
    indicator, actual = standing.indicator, standing.actual
    last = indicator.last_year_value
    if actual is None or last is None:
        return ""
    if indicator.measure == indicator.Measure.FLOW:
        if not last:
            return ""
        share = actual / last * 100
        return _("%(share)s%% of last year's full-year figure (%(last)s)") % {
            "share": f"{share:.0f}",
            "last": indicator.with_unit(last),
        }
    change = actual - last
    if change == 0:
        return _("the same as at the end of last year (%(last)s)") % {
            "last": indicator.with_unit(last)
        }
    percent = ""
    if last:
        signed = f"{'+' if change > 0 else '−'}{abs(change) / last * 100:.1f}"
        percent = _(" (%(percent)s%%)") % {"percent": signed}
    template = (
        _("%(change)s more than at the end of last year%(percent)s")
        if change > 0
        else _("%(change)s fewer than at the end of last year%(percent)s")
    )
    return template % {"change": indicator.with_unit(abs(change)), "percent": percent}


def _now_text(standing: StandingLike) -> str:
    indicator = standing.indicator
    figure = measured_text(indicator, standing.actual)
    if indicator.measure == indicator.Measure.STOCK:
        return _("now %(figure)s") % {"figure": figure}
    return _("%(figure)s so far") % {"figure": figure}


def _short_text(standing: StandingLike, missing: Decimal) -> str:
    indicator = standing.indicator
    if missing == 0:  # "> x" without whole numbers, at exactly x
        return _("not yet above %(target)s") % {"target": measured_text(indicator, standing.target)}
    return _("%(missing)s short") % {"missing": amount_text(indicator, missing)}


def _met_text(standing: StandingLike) -> str:
    indicator = standing.indicator
    extra = standing.actual - standing.target
    if extra > 0:
        return _("met, %(extra)s above the target") % {"extra": amount_text(indicator, extra)}
    return _("met")


def _ceiling_text(standing: StandingLike) -> str:
    """A ceiling or a rank: within the limit, or the distance in words ("超出上限 6 位");
    a pace only for a ceiling on a sum (a count), never "ahead of pace" for a rank."""
    indicator = standing.indicator
    over = overrun(standing)
    if over is not None:
        return _("%(over)s over the limit") % {"over": amount_text(indicator, over)}
    parts = [_("within the limit")]
    if standing.paced and standing.expected is not None and standing.expected < 1:
        parts.append(pace_text(standing))
    return _("; ").join(p for p in parts if p)


def _equal_text(standing: StandingLike) -> str:
    """Equality (为 X): met, or how far off and on which side."""
    indicator, actual, target = standing.indicator, standing.actual, standing.target
    if actual == target:
        return _("met")
    values = {"off": amount_text(indicator, abs(actual - target)), "target": figure_text(target)}
    if actual > target:
        return _("%(off)s above the required %(target)s") % values
    return _("%(off)s below the required %(target)s") % values


def _not_reported_text(standing: StandingLike) -> str:
    text = _("no figure reported for Q%(quarter)s") % {"quarter": standing.quarter}
    missing = shortfall(standing)
    if standing.actual is not None and missing:
        text += _("; %(figure)s reported before, %(short)s") % {
            "figure": measured_text(standing.indicator, standing.actual),
            "short": _short_text(standing, missing),
        }
    return text


def _milestone_text(standing: StandingLike) -> str:
    indicator = standing.indicator
    if standing.status == "met":
        due = indicator.due_date
        if standing.done_on and due is not None and standing.done_on > due:
            return _("done on %(date)s, after its due date %(due)s") % {
                "date": standing.done_on.isoformat(),
                "due": due.isoformat(),
            }
        if standing.done_on:
            return _("done on %(date)s") % {"date": standing.done_on.isoformat()}
        return _("done")
    values = {"due": indicator.due_quarter, "state": standing.milestone_state_label}
    if indicator.due_date is not None:
        values["date"] = indicator.due_date.isoformat()
        if standing.status == "behind":
            return _("due by %(date)s and not done: %(state)s") % values
        return _("due by %(date)s; now: %(state)s") % values
    if standing.status == "behind":
        return _("due in Q%(due)s and not done: %(state)s") % values
    return _("due in Q%(due)s; now: %(state)s") % values
