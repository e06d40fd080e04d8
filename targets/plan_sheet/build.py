"""The rows of an upload turned into a plan: checked first, saved all at once.

`build(rows)` makes unsaved `Plan`, `PlanElement`, `Indicator` and `BaselineResult`
objects and checks each with the model's own validation — `full_clean()`: its
fields, and the database's check constraints with their messages ("The pacing must
not fall …", "A count or a level needs a comparison and a target …") — plus what
only the sheet can know (a code twice, a pillar not in the structure, a section or
last year's code that does not exist). Every problem is kept with its sheet, row and
column; nothing is saved unless there are none (`save`).
"""

import datetime
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, transaction
from django.utils import translation
from django.utils.translation import gettext as _

from accounts.models import Section

from ..models import BaselineResult, Indicator, IndicatorUnit, Plan, PlanElement
from ..models.units import set_units
from .columns import BASELINES, DEFINITION_COLUMNS, INDICATORS, PLAN, PLAN_FIELDS, STRUCTURE
from .reader import Problem

# Digits before the point of the largest figure (DecimalField max_digits 14, 2 places).
INTEGER_DIGITS = 12
DEFINITION_KEYS = tuple(column.key for column in DEFINITION_COLUMNS)
DEFAULT_PACE = {"pace_q1": 25, "pace_q2": 50, "pace_q3": 75, "pace_q4": 100}

# Where a constraint's message goes: the column that most likely holds the mistake.
CONSTRAINT_COLUMNS = {
    "indicator_target_iff_measured_kind": "target",
    "indicator_target_not_negative": "target",
    "indicator_measure_fits_kind": "measure",
    "indicator_pacing_rises_within_100": "pace_q1",
    "indicator_due_quarter_for_milestones": "due_quarter",
    "indicator_only_a_target_to_confirm": "target",
    "indicator_last_year_quarter_with_figure": "last_year",
    "indicator_decimal_places_1_or_2": "decimal_places",
    "indicator_final_year_with_target": "final_year",
    "indicator_straight_trajectory_has_ends": "trajectory",
    "indicator_growth_has_base": "growth_base",
}
# Model fields whose errors belong to another column of the sheet.
FIELD_COLUMNS = {"last_year_value": "last_year"}

COMPARISONS = {
    ">=": ">=",
    "≥": ">=",
    ">": ">",
    "<=": "<=",
    "≤": "<=",
    "<": "<",
    "=": "=",
    "为": "=",
}
YES = {"yes", "y", "true", "1", "是", "√", "✓"}
NO = {"no", "n", "false", "0", "否"}

# Words a sheet may use for a choice, besides the value and its labels (both languages).
ALIASES = {
    "kind": {
        "累计": "count",
        "累计型": "count",
        "存量": "level",
        "存量型": "level",
        "节点": "milestone",
        "节点型": "milestone",
        "里程碑": "milestone",
        "定性": "qualitative",
        "定性型": "qualitative",
        "监测": "monitor",
        "监测型": "monitor",
        "monitored": "monitor",
        "比率": "rate",
        "比率型": "rate",
        "比例": "rate",
        "ratio": "rate",
        "增长": "growth",
        "增长型": "growth",
        "增速": "growth",
    },
    "ledger": {"none": "", "无": "", "留存": "kept", "计数": "counted"},
    "growth_from": {"figures": "", "数值": "", "增速": "rate", "报送增速": "rate"},
    "trajectory": {"set": "", "逐年设定": "", "直线": "straight", "线性": "straight"},
    "frequency": {
        "quarterly": "",
        "季度": "",
        "按季": "",
        "半年": "half",
        "half-yearly": "half",
        "年度": "annual",
        "每年": "annual",
    },
    "level": {"overall goal": "goal", "重点": "focus", "任务": "task"},
    "measure": {
        "累计": "flow",
        "summed": "flow",
        "存量": "stock",
        "latest": "stock",
        "最新": "stock",
    },
}


def _choice_words(choices, aliases):
    """{word: value} for a TextChoices: its values, labels in English and Chinese, aliases."""
    words = {}
    for language in ("en", "zh-hans"):
        with translation.override(language):
            for value, label in choices.choices:
                words[str(label).lower()] = value
    words.update({value: value for value in choices.values})
    words.update(aliases)
    return words


# How a cell names several units: "甲科、乙科" as the plan writes them, or "a; b".
UNIT_SEPARATORS = re.compile(r"[、;；\n]")


def _word(text, words):
    """The value a cell names: "pillar (6)" and "overall goal (1)" as the plan document
    writes them count too (a trailing count in brackets is dropped)."""
    text = " ".join(text.split()).lower()
    if text in words:
        return words[text]
    head = text.split("(")[0].strip()
    return words.get(head)


@dataclass
class Draft:
    """What an upload makes: unsaved objects and every problem found."""

    plan: Plan | None = None
    elements: list = field(default_factory=list)  # PlanElement
    indicators: list = field(default_factory=list)  # (Indicator, pillar code)
    baselines: list = field(default_factory=list)
    problems: list = field(default_factory=list)

    @property
    def ok(self):
        return not self.problems and self.plan is not None


class _Checker:
    def __init__(self, draft, sheet):
        self.draft, self.sheet = draft, sheet
        self.said = set()  # (row, column key) already given a problem

    def problem(self, row, key, message):
        self.said.add((row, key))
        header = self.sheet.column(key).header if key else ""
        self.draft.problems.append(
            Problem(str(message), sheet=self.sheet.title, row=row, column=header)
        )

    def model_errors(self, row, obj, exclude, column=None):
        """`obj.full_clean()`; each message to its column: a field's to that field's
        column, a constraint's by its code (`CONSTRAINT_COLUMNS`). `column`: put every
        message in that one column instead (the plan sheet's values)."""
        try:
            obj.full_clean(exclude=exclude, validate_unique=False)
        except ValidationError as errors:
            for name, messages in errors.error_dict.items():
                for error in messages:
                    if column is not None:
                        key = column
                    elif name == NON_FIELD_ERRORS:
                        key = CONSTRAINT_COLUMNS.get(error.code, "")
                    else:
                        key = FIELD_COLUMNS.get(name, name)
                    if (row, key) in self.said and key:
                        continue  # the cell's own problem says it better ("ten" is no number)
                    self.problem(row, key, " ".join(error.messages))

    def number(self, row, key, text, *, whole=False):
        if not text:
            return None
        try:
            value = Decimal(text.replace(",", "").replace("%", "").strip())
        except InvalidOperation:
            self.problem(row, key, _("“%(text)s” is not a number.") % {"text": text})
            return None
        if not value.is_finite() or (whole and value != value.to_integral_value()):
            self.problem(row, key, _("“%(text)s” is not a whole number.") % {"text": text})
            return None
        # The largest figure a plan holds has 12 digits before the point (max_digits 14,
        # 2 decimals); a longer one is answered here, before quantize() would raise
        # InvalidOperation past the context's 28 digits (issue 23).
        if value.adjusted() >= INTEGER_DIGITS:
            self.problem(
                row,
                key,
                _("“%(text)s” is too large: at most %(digits)s digits before the point.")
                % {"text": text, "digits": INTEGER_DIGITS},
            )
            return None
        if value != value.quantize(Decimal("0.01")):
            self.problem(row, key, _("At most two decimals: “%(text)s”.") % {"text": text})
            return None
        return value


def build(rows):
    """A `Draft` from the reader's rows ({sheet key: Rows})."""
    draft = Draft()
    _plan(draft, rows["plan"].rows)
    pillars, tasks = _structure(draft, rows["structure"].rows)
    _indicators(draft, rows["indicators"].rows, pillars, tasks)
    _baselines(draft, rows["baselines"].rows)
    return draft


def _plan(draft, rows):
    check = _Checker(draft, PLAN)
    words = {}
    for key, zh, en, _required in PLAN_FIELDS:
        words.update({key: key, zh.lower(): key, en.lower(): key, f"{zh} {en}".lower(): key})
    values = {}
    for number, texts in rows:
        key = _word(texts.get("field", ""), words)
        if key is None:
            check.problem(
                number, "field", _("Unknown field “%(text)s”.") % {"text": texts.get("field", "")}
            )
            continue
        values[key] = (number, texts.get("value", ""))
    for key, zh, en, required in PLAN_FIELDS:
        if required and not values.get(key, (None, ""))[1]:
            check.problem(None, "value", _("“%(field)s” is missing.") % {"field": f"{zh} {en}"})
    year_row, year_text = values.get("year", (None, ""))
    year = check.number(year_row, "value", year_text, whole=True)
    plan = Plan(
        year=int(year) if year is not None else None,
        name_zh=values.get("name_zh", (None, ""))[1],
        name_en=values.get("name_en", (None, ""))[1],
        source=values.get("source", (None, ""))[1],
        state=Plan.State.DRAFT,
    )
    draft.plan = plan
    if plan.year is None:
        return
    if Plan.objects.filter(year=plan.year).exists():
        check.problem(
            year_row, "value", _("A plan for %(year)s exists already.") % {"year": plan.year}
        )
    check.model_errors(year_row, plan, exclude=["continues"], column="value")
    plan.continues = Plan.objects.filter(year=plan.year - 1).first()


def _structure(draft, rows):
    check = _Checker(draft, STRUCTURE)
    words = _choice_words(PlanElement.Level, ALIASES["level"])
    seen, pillars, tasks = {}, {}, {}
    for order, (number, texts) in enumerate(rows, start=1):
        code = texts.get("code", "")
        level = _word(texts.get("level", ""), words) if texts.get("level") else ""
        if texts.get("level") and level is None:
            check.problem(
                number,
                "level",
                _("Unknown level “%(text)s”: goal, focus, pillar or task.")
                % {"text": texts["level"]},
            )
        if code in seen:
            check.problem(
                number,
                "code",
                _("Code %(code)s is used twice (row %(row)s too).")
                % {"code": code, "row": seen[code]},
            )
        seen.setdefault(code, number)
        element = PlanElement(
            code=code,
            level=level or "",
            name_zh=texts.get("name_zh", ""),
            name_en=texts.get("name_en", ""),
            order=order,
        )
        check.model_errors(number, element, exclude=["plan"])
        draft.elements.append(element)
        if level == PlanElement.Level.PILLAR and code:
            pillars[code] = element
        if level == PlanElement.Level.TASK and code:
            tasks[code] = element
    if not pillars:
        check.problem(None, "level", _("The structure has no pillar."))
    return pillars, tasks


def _units(check, number, key, text, sections):
    """The sections a cell names (see UNIT_SEPARATORS), in its order. A name that is
    no section is a problem next to the cell: sections are made by an administrator
    (Administration → Sections), never by an upload, so a typo cannot become a unit
    nobody belongs to."""
    found = []
    for name in (part.strip() for part in UNIT_SEPARATORS.split(text)):
        if not name:
            continue
        section = sections.get(name.lower())
        if section is None:
            check.problem(number, key, _("No section “%(text)s”.") % {"text": name})
        elif section not in found:
            found.append(section)
    return found


def _indicators(draft, rows, pillars, tasks):
    check = _Checker(draft, INDICATORS)
    kinds = _choice_words(Indicator.Kind, ALIASES["kind"])
    measures = _choice_words(Indicator.Measure, ALIASES["measure"])
    sections = _section_words()
    plan = draft.plan
    previous = {}
    if plan is not None and plan.continues is not None:
        previous = {i.code: i for i in plan.continues.indicators.all()}
    seen = {}
    for order, (number, texts) in enumerate(rows, start=1):
        # Each cell's problem is listed in the order of the checks below.
        code = texts.get("code", "")
        _check_once(check, number, code, seen)
        if texts.get("pillar") and pillars.get(texts["pillar"]) is None:
            check.problem(
                number,
                "pillar",
                _("“%(text)s” is not a pillar of the structure sheet.") % {"text": texts["pillar"]},
            )
        kind = _kind(check, number, texts, kinds)
        measure = _measure(check, number, texts, measures)
        comparison = _comparison(check, number, texts, kind)
        indicator = Indicator(
            code=code,
            name_zh=texts.get("name_zh", ""),
            name_en=texts.get("name_en", ""),
            unit=texts.get("unit", ""),
            unit_en=texts.get("unit_en", ""),
            kind=kind or "",
            measure=measure or "",
            comparison=comparison or "",
            target=check.number(number, "target", texts.get("target", "")),
            last_year_value=check.number(number, "last_year", texts.get("last_year", "")),
            order=order,
        )
        _pace_and_due(check, number, texts, indicator, kind)
        _row_units(check, number, texts, sections, indicator)
        _task(check, number, texts, tasks, indicator)
        whole = _yes_no(check, number, texts, "whole_number")
        if whole is not None:
            indicator.whole_number = whole
        _kind_settings(check, number, texts, indicator)
        for key in DEFINITION_KEYS:
            setattr(indicator, key, texts.get(key, ""))
        _continued(check, number, texts, previous, plan, indicator)
        if kind:
            indicator.plan = plan if plan is not None and plan.year else None
            indicator.normalise()
        check.model_errors(number, indicator, exclude=["plan", "pillar", "task", "continues"])
        draft.indicators.append((indicator, texts.get("pillar", "")))


def _section_words():
    """{code or name, lower case: section}: the words a unit cell may name a section by."""
    sections = {}
    for section in Section.objects.all():
        for word in (section.code, section.name_zh, section.name_en):
            if word:
                sections[word.lower()] = section
    return sections


def _check_once(check, number, code, seen):
    """A code used by an earlier row is a problem (`seen`: {code: its first row})."""
    if code in seen:
        check.problem(
            number,
            "code",
            _("Code %(code)s is used twice (row %(row)s too).") % {"code": code, "row": seen[code]},
        )
    seen.setdefault(code, number)


def _kind(check, number, texts, kinds):
    """The row's kind of target: "" when the cell is empty, None when unknown."""
    if not texts.get("kind"):
        return ""
    kind = _word(texts["kind"], kinds)
    if kind is None:
        check.problem(number, "kind", _("Unknown kind “%(text)s”.") % {"text": texts["kind"]})
    return kind


def _measure(check, number, texts, measures):
    """Flow or stock: "" when the cell is empty, None when unknown."""
    if not texts.get("measure"):
        return ""
    measure = _word(texts["measure"], measures)
    if measure is None:
        check.problem(
            number,
            "measure",
            _("Unknown measure “%(text)s”: flow or stock.") % {"text": texts["measure"]},
        )
    return measure


def _comparison(check, number, texts, kind):
    """The comparison with the target: "" when none, None when unknown."""
    if texts.get("comparison"):
        # "'=": an equal sign kept as text by the neutralising quote of the exports.
        comparison = COMPARISONS.get(texts["comparison"].replace(" ", "").lstrip("'"))
        if comparison is None:
            check.problem(
                number,
                "comparison",
                _("Unknown comparison “%(text)s”: >=, >, <=, < or =.")
                % {"text": texts["comparison"]},
            )
        return comparison
    if kind in Indicator.KINDS_WITH_TARGET and texts.get("target"):
        return ">="  # "10" alone means at least 10, as the plan document reads
    return ""


def _pace_and_due(check, number, texts, indicator, kind):
    """The pace's quarterly shares (the defaults where empty) and the due quarter."""
    for key, default in DEFAULT_PACE.items():
        value = check.number(number, key, texts.get(key, ""))
        setattr(indicator, key, Decimal(default) if value is None else value)
    due = check.number(number, "due_quarter", texts.get("due_quarter", ""), whole=True)
    if due is not None:
        indicator.due_quarter = int(due)
    elif kind == Indicator.Kind.MILESTONE:
        indicator.due_quarter = 4  # due by the year's end, unless the sheet says


def _row_units(check, number, texts, sections, indicator):
    """The lead and cooperating sections of the row; one section cannot be both."""
    leads = _units(check, number, "lead_section", texts.get("lead_section", ""), sections)
    cooperating = _units(check, number, "cooperating", texts.get("cooperating", ""), sections)
    for section in set(leads) & set(cooperating):
        check.problem(
            number,
            "cooperating",
            _("%(section)s is a lead unit already.") % {"section": section.name},
        )
    # Read by the preview (indicator.leads) and by `save` (units.set_units).
    indicator.prefetched_units = [
        IndicatorUnit(section=s, role=role, order=n)
        for role, named in (
            (IndicatorUnit.Role.LEAD, leads),
            (IndicatorUnit.Role.COOPERATING, cooperating),
        )
        for n, s in enumerate(named)
    ]


def _task(check, number, texts, tasks, indicator):
    task = texts.get("task", "")
    if task:
        indicator.task = tasks.get(task)
        if indicator.task is None:
            check.problem(
                number,
                "task",
                _("“%(text)s” is not a task of the structure sheet.") % {"text": task},
            )


def _yes_no(check, number, texts, key):
    """A yes/no cell: True, False, or None when empty (or not yes or no: a problem)."""
    text = texts.get(key, "").lower()
    if text in YES or text in NO:
        return text in YES
    if text:
        check.problem(number, key, _("Yes or no (是 or 否)."))
    return None


def _continued(check, number, texts, previous, plan, indicator):
    """The indicator of last year's plan this one continues (`previous`: by code)."""
    continued = texts.get("continues", "")
    if continued:
        indicator.continues = previous.get(continued)
        if indicator.continues is None:
            check.problem(
                number,
                "continues",
                _("The %(year)s plan has no indicator %(code)s.")
                % {"year": plan.year - 1 if plan and plan.year else "", "code": continued},
            )


# The settings of a kind of target (columns.KIND_COLUMNS): choices, numbers, flags.
KIND_CHOICES = {
    "ledger": Indicator.Ledger,
    "growth_from": Indicator.GrowthFrom,
    "trajectory": Indicator.Trajectory,
    "frequency": Indicator.Frequency,
}
KIND_NUMBERS = ("baseline", "growth_base", "final_target", "stretch_target")
KIND_YEARS = ("baseline_year", "final_year")


def _kind_settings(check, number, texts, indicator):
    for key, choices in KIND_CHOICES.items():
        text = texts.get(key, "")
        if not text:
            continue
        value = _word(text, _choice_words(choices, ALIASES[key]))
        if value is None:
            words = ", ".join(v or ALIASES_EMPTY[key] for v in choices.values)
            check.problem(
                number,
                key,
                _("Unknown value “%(text)s”: %(words)s.") % {"text": text, "words": words},
            )
        else:
            setattr(indicator, key, value)
    for key in KIND_NUMBERS:
        setattr(indicator, key, check.number(number, key, texts.get(key, "")))
    for key in KIND_YEARS:
        year = check.number(number, key, texts.get(key, ""), whole=True)
        setattr(indicator, key, int(year) if year is not None else None)
    places = check.number(number, "decimal_places", texts.get("decimal_places", ""), whole=True)
    if places is not None:
        if places not in (0, 1, 2):
            check.problem(number, "decimal_places", _("0, 1 or 2 decimals."))
        else:
            indicator.whole_number = places == 0  # 0 decimals: whole numbers
            indicator.decimal_places = int(places) or 2
    climbs = _yes_no(check, number, texts, "climbs")
    if climbs is not None:
        indicator.climbs = climbs
    due_date = texts.get("due_date", "")
    if due_date:
        try:
            indicator.due_date = datetime.date.fromisoformat(due_date[:10])
        except ValueError:
            check.problem(
                number,
                "due_date",
                _("“%(text)s” is not a date such as 2024-06-30.") % {"text": due_date},
            )


# How an empty choice is written in the message of an unknown word.
ALIASES_EMPTY = {
    "ledger": "none",
    "growth_from": "figures",
    "trajectory": "set",
    "frequency": "quarterly",
}


def _baselines(draft, rows):
    check = _Checker(draft, BASELINES)
    for order, (number, texts) in enumerate(rows, start=1):
        baseline = BaselineResult(
            name_zh=texts.get("name_zh", ""),
            name_en=texts.get("name_en", ""),
            figure=texts.get("figure", ""),
            order=order,
        )
        check.model_errors(number, baseline, exclude=["plan"])
        draft.baselines.append(baseline)


def save(draft, *, by):
    """Save a draft without problems, all of it or nothing; returns the plan.

    Raises ValueError if the year was taken meanwhile (the year is unique).
    """
    if not draft.ok:
        raise ValueError("A draft with problems is not saved.")
    reason = "由表格导入 / uploaded from a spreadsheet"
    try:
        with transaction.atomic():
            plan = draft.plan
            plan.save_by(by, reason)
            pillars = {}
            for element in draft.elements:
                element.plan = plan
                element.save()
                pillars[element.code] = element
            for indicator, pillar_code in draft.indicators:
                indicator.plan = plan
                indicator.pillar = pillars[pillar_code]
                leads, cooperating = indicator.leads, indicator.cooperating
                indicator.save_by(by, reason)
                set_units(indicator, leads=leads, cooperating=cooperating)
            for baseline in draft.baselines:
                baseline.plan = plan
                baseline.save()
    except IntegrityError:
        raise ValueError(
            _("A plan for %(year)s exists already.") % {"year": draft.plan.year}
        ) from None
    return plan
