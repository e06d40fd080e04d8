"""Next year's plan from this one (结转): a draft with the same structure and indicators.

`roll_over(plan, by=…)` copies, into a new draft for the next year:
- the plan's elements (goal, focuses, pillars), codes and names unchanged;
- every indicator: every setting (`COPIED_FIELDS`: kind, measure, unit, precision,
  comparison, pacing, due quarter, order, the ledger, the baseline, growth,
  final-year and stretch settings, publication frequency, the definition and source),
  each linked to the one it continues (`Indicator.continues`); its lead and
  cooperating units, in their order, and its task (the new plan's copy of the
  element); a milestone's due date moves to the same day of the new year, a target on
  a straight trajectory is derived for the new year, and a growth measured from the
  figures grows from this year's figure;
  `NOT_COPIED` names every other field and why, and a test fails on a field in
  neither;
- its target as in force at the end of the old year (a revision counts), marked
  **to be confirmed**: the database requires a target on a count or a level, and
  the draft cannot be opened until an administrator has confirmed or changed each;
- last year's figure, computed from the old plan's counted reports (submitted or
  approved): the sum of the year for a sum (count, monitored flow), the latest
  figure for a stock (level, monitored stock) — `Standing.actual` as of Q4 — with
  the quarter it counts up to (`last_year_quarter`), so a figure computed before
  the year's last reports came in says so and can be refreshed
  (`refresh_last_year`).

- the plan's approval chain (`ApprovalStep`s, in order) and its rule of the
  narratives required to submit (`Plan.narratives_required`).

The results of the year before (`BaselineResult`) are not copied: they are the old
plan's own "year before". Nothing of the old plan changes; doing it twice is refused.

Each carried target is then confirmed on the new plan's setup page
(`confirm_target`): as it is, or changed, with who and when in its history.
"""

import re

from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from .approval import ApprovalStep
from .indicator import Indicator
from .plan import Plan, PlanElement, PlanStateError
from .units import set_units

# Fields of an indicator copied as they are.
COPIED_FIELDS = (
    "code",
    "name_zh",
    "name_en",
    "unit",
    "unit_en",
    "whole_number",
    "kind",
    "measure",
    "comparison",
    "pace_q1",
    "pace_q2",
    "pace_q3",
    "pace_q4",
    "due_quarter",
    "order",
    "ledger",
    "decimal_places",
    "baseline",
    "baseline_year",
    "climbs",
    "growth_base",
    "growth_from",
    "final_year",
    "final_target",
    "trajectory",
    "stretch_target",
    "frequency",
    "definition",
    "method",
    "data_source",
    "published_on",
    "data_contact",
)

# Fields of an indicator not copied as they are, and why (tests/test_rollover.py fails
# on a field of Indicator in neither list, so a new setting is never silently lost).
NOT_COPIED = {
    "id": "the new row's own",
    "plan": "the new plan",
    "pillar": "the new plan's pillar of the same code",
    "continues": "set to the old indicator",
    "target": "the target in force at the old year's end, or derived (straight trajectory)",
    "target_to_confirm": "set: every carried target is confirmed by an administrator",
    "last_year_value": "computed from the old plan's reports",
    "last_year_quarter": "the quarter the computed figure counts up to",
    "due_date": "moved to the same day of the new year",
    "task": "the new plan's copy of the task element",
}


def next_name(name, year):
    """The plan's name with its year moved on ("2024年“126”行动计划" → "2025年…")."""
    return re.sub(rf"(?<!\d){year}(?!\d)", str(year + 1), name) if name else name


def last_year_figures(plan):
    """{indicator pk: (figure, the quarter it counts up to)} for `plan`'s indicators that
    have a figure: what its reports add up to by the end of the year (four queries)."""
    figures = {}
    for standing in plan.indicators.all().standings(4):
        # A growth's figure is the reported one, not the growth computed from it.
        figure = standing.figure if standing.indicator.kind == "growth" else standing.actual
        if standing.indicator.has_figure and figure is not None:
            figures[standing.indicator.pk] = (figure, max(standing.quarter_values))
    return figures


def moved_to(day, year):
    """`day` in `year` (29 February becomes the 28th in a year without it)."""
    if day is None:
        return None
    try:
        return day.replace(year=year)
    except ValueError:
        return day.replace(year=year, day=28)


def roll_over(plan, *, by):
    """Start next year's plan from `plan`: a new draft (see the module's docstring).

    Raises PlanStateError when the next year's plan exists already or `plan` is a
    draft itself. One transaction: all of it or nothing.
    """
    year = plan.year + 1
    if plan.is_draft:
        raise PlanStateError(_("A draft cannot be carried over: open it first."))
    existing = Plan.objects.filter(year=year).first()
    if existing is not None:
        raise PlanStateError(
            _("The %(year)s plan exists already (%(state)s): it is not made twice.")
            % {"year": year, "state": existing.get_state_display()}
        )
    figures = last_year_figures(plan)
    try:
        with transaction.atomic():
            return _copy(plan, year, figures, by)
    except IntegrityError:
        # Someone else started it at the same moment (the year is unique).
        raise PlanStateError(
            _("The %(year)s plan exists already: it is not made twice.") % {"year": year}
        ) from None


def _copy(plan, year, figures, by):
    reason = f"结转自{plan.year}年计划 / carried over from the {plan.year} plan"
    new = Plan(
        year=year,
        name_zh=next_name(plan.name_zh, plan.year),
        name_en=next_name(plan.name_en, plan.year),
        source=f"由{plan.year}年计划结转（{plan.name_zh}）/ Carried over from the {plan.year} plan",
        state=Plan.State.DRAFT,
        continues=plan,
        carried_over=True,
        narratives_required=plan.narratives_required,
    )
    new.save_by(by, reason)
    for step in plan.approval_steps.order_by("order", "pk"):
        ApprovalStep.objects.create(
            plan=new,
            order=step.order,
            name_zh=step.name_zh,
            name_en=step.name_en,
            role=step.role,
            group_id=step.group_id,
            own_section_only=step.own_section_only,
        )
    pillars = {}
    for element in plan.elements.all():
        copy = PlanElement.objects.create(
            plan=new,
            code=element.code,
            level=element.level,
            name_zh=element.name_zh,
            name_en=element.name_en,
            order=element.order,
        )
        pillars[element.pk] = copy
    indicators = plan.indicators.all().with_revisions().with_units().order_by("order", "code")
    for old in indicators:
        indicator = Indicator(
            plan=new,
            pillar=pillars[old.pillar_id],
            task=pillars[old.task_id] if old.task_id else None,
            continues=old,
            **{name: getattr(old, name) for name in COPIED_FIELDS},
        )
        if old.has_target:
            indicator.target = old.target_in_force(4).target
            indicator.target_to_confirm = True
        if old.pk in figures:
            indicator.last_year_value, indicator.last_year_quarter = figures[old.pk]
            if old.kind == Indicator.Kind.GROWTH and old.growth_from != "rate":
                indicator.growth_base = indicator.last_year_value  # next year grows from it
        indicator.due_date = moved_to(old.due_date, year)
        indicator.save_by(by, reason)
        set_units(indicator, leads=old.leads, cooperating=old.cooperating)
    return new


@transaction.atomic
def refresh_last_year(plan, *, by):
    """Compute the draft's last-year figures again from the plan it continues (after
    that year's last reports came in). Figures entered by hand are kept: only those
    computed before (`last_year_quarter` set) or still empty change. Returns how many
    changed."""
    if not plan.is_draft:
        raise PlanStateError(_("Only a draft's last-year figures are computed again."))
    changed = 0
    figures = {}
    for old_plan in Plan.objects.filter(indicators__continued_by__plan=plan).distinct():
        figures.update(last_year_figures(old_plan))
    for indicator in plan.indicators.exclude(continues=None):
        if indicator.last_year_value is not None and indicator.last_year_quarter is None:
            continue  # entered by hand
        value, quarter = figures.get(indicator.continues_id, (None, None))
        if (indicator.last_year_value, indicator.last_year_quarter) != (value, quarter):
            fields = ["last_year_value", "last_year_quarter"]
            if _grows_from_last_year(indicator) and value is not None:
                indicator.growth_base = value  # as the carry-over set it; not one typed
                fields.append("growth_base")
            indicator.last_year_value, indicator.last_year_quarter = value, quarter
            indicator.save_by(
                by, "重新计算上年数值 / last year's figure computed again", update_fields=fields
            )
            changed += 1
    return changed


def _grows_from_last_year(indicator):
    """A growth computed from the figures whose base is still the last-year figure the
    carry-over gave it (an administrator may have typed another base: that one stays)."""
    return (
        indicator.kind == Indicator.Kind.GROWTH
        and indicator.growth_from != Indicator.GrowthFrom.RATE
        and indicator.growth_base == indicator.last_year_value
    )


@transaction.atomic
def confirm_target(indicator, target, *, by):
    """Confirm a draft's carried target (`target_to_confirm`), as it is or changed to
    `target`; kept in the indicator's history with who and when. Refused
    (PlanStateError) unless the plan is a draft and the target still to confirm."""
    indicator = Indicator.objects.select_for_update().select_related("plan").get(pk=indicator.pk)
    if not indicator.plan.is_draft or not indicator.target_to_confirm:
        raise PlanStateError(
            _("The target of %(code)s is not waiting to be confirmed.") % {"code": indicator.code}
        )
    changed = target != indicator.target
    indicator.target, indicator.target_to_confirm = target, False
    indicator.save_by(
        by,
        "目标已修改并确认 / target changed and confirmed"
        if changed
        else "目标已确认 / target confirmed",
        update_fields=["target", "target_to_confirm"],
    )
    return indicator
