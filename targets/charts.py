"""What each chart shows, as plain dicts: `static/js/charts.js` draws them.

A chart is a dict with
- `id`: the DOM id of its data (`{{ chart.data|json_script:chart.id }}`),
- `kind`: which drawing `charts.js` applies,
- `label`: the canvas' `aria-label`, saying what it shows,
- `data`: labels and series, JSON-ready (numbers as floats, text translated),
- `table`: `columns` and `rows` of the same numbers, formatted, for the table that
  goes with every chart (screen readers, print, and anyone who wants the figure).

Both `data` and `table` come from the same standings here, so the chart and its
table cannot disagree; nothing is computed in templates or in JavaScript.
"""

import re
from unicodedata import east_asian_width

from django.utils.text import slugify
from django.utils.translation import gettext as _

from .models import Status
from .models.plan import QUARTERS
from .models.standing import growth_percent
from .palette import PALETTE
from .templatetags.kpi import figure

# The widest line of a label beside a bar, in character widths (a CJK character is 2).
LABEL_WIDTH = 22


def _number(value):
    return None if value is None else float(value)


def wrap_label(text, width=LABEL_WIDTH):
    """A chart label in lines of at most `width` units (a CJK character is two), broken
    between words where there are spaces: long pillar names wrap instead of being cut."""
    lines, line, used = [], "", 0
    for word in re.findall(r"\S+\s*", text):
        for piece in _pieces(word.rstrip(), width):
            size = _units(piece)
            if line and used + 1 + size > width:
                lines.append(line)
                line, used = "", 0
            joiner = " " if line and (piece[0].isascii() or line[-1].isascii()) else ""
            line, used = line + joiner + piece, used + len(joiner) + size
    if line:
        lines.append(line)
    return lines


def _units(text):
    return sum(2 if east_asian_width(c) in "WF" else 1 for c in text)


def _pieces(word, width):
    """A word too long for a line, cut into pieces that fit (CJK has no spaces)."""
    pieces, piece = [], ""
    for char in word:
        if piece and _units(piece + char) > width:
            pieces.append(piece)
            piece = ""
        piece += char
    return [*pieces, piece] if piece else pieces


def status_by_pillar(overview):
    """How many indicators of each pillar are in each status (a stacked bar per pillar).

    Each status carries its pattern from the palette (targets/palette.py), so the bars
    do not rely on colour; charts.js also writes each count on its segment.
    """
    pillars = overview.pillars
    # 未报送 as the page's badges count it (qualitative indicators without their
    # report included, overview._screen_counts): one figure on one screen.
    counts = [dict(p.screen_counts) for p in pillars]
    labels = [f"{p.pillar.code} {p.pillar.short_name}" for p in pillars]
    return {
        "id": "chart-status-by-pillar",
        "kind": "status-by-pillar",
        "label": _(
            "Indicators of each pillar by status as of Q%(quarter)s: met, on track, "
            "at risk, behind, not reported"
        )
        % {"quarter": overview.quarter},
        "data": {
            "labels": labels,
            "label_lines": [wrap_label(label) for label in labels],
            "axis": _("Number of indicators"),
            "datasets": [
                {
                    "status": status.value,
                    "label": str(status.label),
                    "pattern": PALETTE[status].pattern,
                    "data": [c[status] for c in counts],
                }
                for status in Status
            ],
        },
        "table": {
            "columns": [_("Pillar"), *(str(s.label) for s in Status)],
            "rows": [
                [label, *(str(c[status]) for status in Status)]
                for label, c in zip(labels, counts, strict=True)
            ],
        },
    }


def indicator_progress(standing):
    """An indicator's year so far: quarterly figures (bars), year-to-date (line),
    expected pace (dashed line) and annual target (a line across).

    For a level the quarter's figure already is the figure to date, so there is
    no separate year-to-date line. A monitored figure has no target: its line
    across is last year's figure. Milestones and qualitative indicators have no
    figures, so no chart: None.
    """
    indicator = standing.indicator
    if not indicator.has_figure:
        return None
    flow = indicator.measure == indicator.Measure.FLOW
    values = standing.quarter_values  # counted figures up to the as-of quarter
    if indicator.kind == indicator.Kind.GROWTH and indicator.growth_from != "rate":
        # The target is a growth: draw the growth of each figure over the base.
        values = {q: growth_percent(v, indicator.growth_base) for q, v in values.items()}
    quarterly = [values.get(q) for q in QUARTERS]
    # No year-to-date point for a quarter without a counted report: Chart.js leaves a
    # gap at null, where a point repeating the sum read as "0 in Q3".
    to_date = [_to_date(values, q) if flow and q in values else None for q in QUARTERS]
    # Measured against the target in force as of the chart's quarter (the status's).
    target = standing.target
    # Only a count or a level paced from its baseline has a rising line; a rate, a
    # rank or a ceiling is drawn against its target (or limit) alone.
    paced = indicator.has_target and standing.paced
    start = standing.start if standing.start is not None else 0
    expected = [
        start + (target - start) * indicator.expected_share(q) if paced else None for q in QUARTERS
    ]
    series = {
        "quarterly": {
            "label": _("Quarterly figure") if flow else _("Figure at the quarter's end"),
            "data": [_number(v) for v in quarterly],
        }
    }
    columns = [_("Quarter"), series["quarterly"]["label"]]
    if flow:
        series["to_date"] = {"label": _("Year to date"), "data": [_number(v) for v in to_date]}
        columns.append(series["to_date"]["label"])
    if paced:
        series["expected"] = {"label": _("Expected pace"), "data": [_number(v) for v in expected]}
        columns.append(series["expected"]["label"])
    if indicator.has_target:
        reference = {
            "label": (
                _("Revised target %(target)s (originally %(original)s)")
                % {
                    "target": standing.target_display,
                    "original": indicator.target_display,
                }
                if standing.revision is not None
                else _("Limit %(target)s") % {"target": standing.target_display}
                if not indicator.higher_is_better and indicator.comparison != "="
                else _("Annual target %(target)s") % {"target": standing.target_display}
            ),
            "value": _number(target),
        }
        what = (
            _(
                "%(indicator)s: quarterly figures, year to date and expected pace against "
                "the annual target %(target)s %(unit)s, as of Q%(quarter)s"
            )
            if flow
            else _(
                "%(indicator)s: the figure at each quarter's end and the expected pace "
                "against the annual target %(target)s %(unit)s, as of Q%(quarter)s"
            )
            if paced
            else _(
                "%(indicator)s: the figure at each quarter's end against the target "
                "%(target)s %(unit)s, as of Q%(quarter)s"
            )
        )
    elif indicator.last_year_value is not None:
        reference = {
            "label": _("Last year %(figure)s") % {"figure": figure(indicator.last_year_value)},
            "value": _number(indicator.last_year_value),
        }
        what = _(
            "%(indicator)s: quarterly figures against last year's %(last_year)s %(unit)s, "
            "as of Q%(quarter)s"
        )
    else:
        reference = None
        what = _("%(indicator)s: quarterly figures, as of Q%(quarter)s")

    rows = []
    for i, q in enumerate(QUARTERS):
        row = [f"Q{q}", figure(quarterly[i])]
        if flow:
            row.append(figure(to_date[i]))
        if paced:
            row.append(figure(expected[i]))
        rows.append(row)

    return {
        "id": f"chart-{slugify(indicator.code)}",
        "kind": "progress",
        "label": what
        % {
            "indicator": f"{indicator.code} {indicator.name}",
            "target": standing.target_display,
            "last_year": figure(indicator.last_year_value),
            "unit": indicator.unit_display,
            "quarter": standing.quarter,
        },
        "data": {
            "labels": [f"Q{q}" for q in QUARTERS],
            "unit": indicator.unit_display,
            "unit_caption": _("Unit: %(unit)s") % {"unit": indicator.unit_display}
            if indicator.unit_display
            else "",
            "series": series,
            "reference": reference,
        },
        "table": {"columns": columns, "rows": rows},
    }


def _to_date(values, quarter):
    """Sum of the figures up to `quarter`; None when nothing is reported by then."""
    reported = [v for q, v in values.items() if q <= quarter]
    return sum(reported) if reported else None


def indicator_cards(standings):
    """One card per standing, with its chart (None for milestones and qualitative)."""
    return [{"standing": s, "chart": indicator_progress(s)} for s in standings]
