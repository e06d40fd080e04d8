"""The briefing's charts, drawn on the server as PNG (matplotlib, Agg; no browser).

Three kinds, each in the dashboard's palette and with words on the marks, so a
chart printed in black and white (or read by someone who does not tell green from
red) still says what it shows:

- completion against the expected pace, by pillar (bars, a tick for the pace,
  "落后 6.6 个百分点" at the end of each bar);
- indicators by status, by pillar (stacked bars, the status word and count on each
  segment, a legend of words);
- year to date against the pace for lagging indicators (a bar per indicator in its
  status colour, a tick for the pace, the status word and figures at its end).

Status colours are read from targets/palette.py when a chart is drawn (not copied
here), so a change of palette reaches the charts. Figures come in as standings and
`Progress` (content.py): nothing is computed here but the positions of marks.
Drawn with the object API (`Figure`, no pyplot state), so requests do not share
figures.
"""

import io
from functools import cache

import matplotlib
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from PIL import Image

from .. import palette
from ..models import Status
from ..templatetags.kpi import percent, points
from .fonts import chart_font

WIDTH_MM = 150  # the text block is 156 mm wide (GB/T 9704: 156 × 225 mm)
DPI = 150  # sharp enough on paper; WeasyPrint and Word re-encode every pixel, so no more
MM = 1 / 25.4
# Neutral marks, as the dashboard draws them (static/css/app.css --chart-bar,
# --chart-line, --chart-pace); status colours come from the palette.
BAR, BAR_EDGE, PACE = "#9EC5E8", "#0D3B66", "#3F3F3F"
# The paper, words on it, and the outline of a status' bar (a light fill such as
# 未报送's grey needs one; white, the text colour on 滞后, would be none on paper).
PAPER, INK, EDGE = "#FFFFFF", "#111111", "#3F3F3F"
MAX_BARS = 20  # lagging indicators per chart; more go in a second chart
LABEL_MM = 40  # the labels on the axis (pillar, indicator), cut to about this width
ROW_MM = 8  # height of one bar's row
FONT_PT = 9  # chart text; the body is 16 pt, table text 10.5 pt
SMALL_PT = 7  # a status word in a narrow segment


@cache
def configure():
    """Chart text in the Chinese font found at start (fonts.py), Latin in DejaVu Sans.

    Set once per process on matplotlib's defaults: only these charts use matplotlib.
    """
    matplotlib.use("Agg")
    matplotlib.rcParams.update(
        {
            "font.family": "sans-serif",
            "font.sans-serif": [chart_font(), "DejaVu Sans"],
            "font.size": FONT_PT,
            "axes.unicode_minus": False,  # the CJK font has no U+2212
            "svg.hashsalt": "kpitracker",
        }
    )


def _figure(rows, *, top_mm=9, bottom_mm=8):
    """A figure for `rows` bars, its plotting area placed in millimetres.

    Fixed margins rather than matplotlib's constrained layout, which measures every
    label several times (a chart of 20 bars took 0.7 s instead of 0.15 s): the labels
    are cut to `LABEL_MM` (`_short`), so the left margin is known, and every chart
    of the briefing lines up on it.
    """
    configure()
    height_mm = top_mm + bottom_mm + ROW_MM * rows
    figure = Figure(figsize=(WIDTH_MM * MM, height_mm * MM), dpi=DPI)
    FigureCanvasAgg(figure)
    figure.subplots_adjust(
        left=(LABEL_MM + 3) / WIDTH_MM,
        right=1 - 3 / WIDTH_MM,
        top=1 - top_mm / height_mm,
        bottom=bottom_mm / height_mm,
    )
    return figure


def png(figure):
    """The figure as an opaque RGB PNG: without an alpha channel, WeasyPrint embeds
    the image without splitting out and re-encoding a transparency mask (a third
    of the PDF's time for a large briefing)."""
    canvas = figure.canvas
    canvas.draw()
    image = Image.frombuffer("RGBA", canvas.get_width_height(), canvas.buffer_rgba())
    buffer = io.BytesIO()
    image.convert("RGB").save(buffer, format="PNG", dpi=(DPI, DPI), compress_level=3)
    return buffer.getvalue()


def _colours(status):
    """(fill, text on the fill) of a status as "#RRGGBB", from the palette as it is now."""
    colours = palette.STATUS_COLOURS[Status(status)]
    return f"#{colours[0]}", f"#{colours[1]}"


def _on_paper(status):
    """The colour of a status' words written beside its bar, on the paper: the status'
    own colour where it reads on white (4.5:1, in greyscale too), else `INK`.

    Not the text colour of the palette, which is meant for writing on the fill: the
    white of 滞后 written beside its bar was white on white.
    """
    fill = _colours(status)[0]
    readable = palette.contrast(fill, PAPER) >= palette.AA and (
        palette.contrast(palette.grey(fill), PAPER) >= palette.AA
    )
    return fill if readable else INK


def _axes(figure, labels):
    axes = figure.add_subplot()
    positions = list(range(len(labels)))[::-1]  # first on top
    axes.set_yticks(positions, labels)
    axes.tick_params(axis="y", length=0)
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    return axes, positions


def progress_by_pillar(pillars, book):
    """Completion against the expected pace of each pillar with measured indicators.

    `pillars`: [(label, Progress)]; `book`: the phrasebook (text.py). None when no
    pillar has a measured indicator.
    """
    words = book.chart_words
    rows = [(label, p) for label, p in pillars if p.completion is not None]
    if not rows:
        return None
    figure = _figure(len(rows))
    axes, positions = _axes(figure, [_short(label) for label, _p in rows])
    behind_colour = _on_paper(Status.BEHIND)
    ahead_colour = _on_paper(Status.ON_TRACK)
    for y, (_label, p) in zip(positions, rows, strict=True):
        completion, expected = float(p.completion) * 100, float(p.expected) * 100
        axes.barh(y, completion, height=0.6, color=BAR, edgecolor=BAR_EDGE, linewidth=0.6)
        axes.plot([expected, expected], [y - 0.42, y + 0.42], color=PACE, linewidth=1.6)
        if p.gap < 0:
            note, colour = words["behind_by"].format(gap=points(p.gap)), behind_colour
        elif p.gap > 0:
            note, colour = words["ahead_by"].format(gap=points(p.gap)), ahead_colour
        else:
            note, colour = words["on_pace"], ahead_colour
        axes.text(
            max(completion, expected) + 1.5,
            y,
            f"{percent(p.completion)}  {note}",
            va="center",
            color=colour,
        )
    axes.set_xlim(0, 150)
    axes.set_xticks(range(0, 101, 25), [f"{x}%" for x in range(0, 101, 25)])
    axes.legend(
        handles=[
            Patch(facecolor=BAR, edgecolor=BAR_EDGE, label=words["completion"]),
            Line2D([], [], color=PACE, linewidth=1.6, label=words["expected"]),
        ],
        loc="lower center",
        bbox_to_anchor=(0.5, 1.0),
        ncols=2,
        frameon=False,
    )
    return figure


def status_by_pillar(pillars, book):
    """How many indicators of each pillar are in each status: stacked bars.

    `pillars`: [(label, status_counts)] with status_counts as `PillarOverview`'s.
    Each segment carries its status word and count where they fit, else the count;
    the legend gives every word.
    """
    words = book.chart_words
    figure = _figure(len(pillars), bottom_mm=12)
    axes, positions = _axes(figure, [_short(label) for label, _c in pillars])
    widest = max((sum(n for _s, n in counts) for _l, counts in pillars), default=0) or 1
    mm_per_unit = (WIDTH_MM - LABEL_MM - 6) / widest  # the plotting area's width
    for y, (_label, counts) in zip(positions, pillars, strict=True):
        left = 0
        for status, n in counts:
            if not n:
                continue
            fill, ink = _colours(status)
            axes.barh(y, n, left=left, height=0.6, color=fill, edgecolor=EDGE, linewidth=0.6)
            text, size = _segment_label(f"{status.label} {n}", str(n), n * mm_per_unit - 1)
            axes.text(left + n / 2, y, text, ha="center", va="center", color=ink, size=size)
            left += n
    axes.set_xlim(0, widest)
    axes.set_xlabel(words["indicators"])
    axes.xaxis.get_major_locator().set_params(integer=True)
    handles = []
    for status in Status:
        fill, ink = _colours(status)
        handles.append(Patch(facecolor=fill, edgecolor=EDGE, label=str(status.label)))
    # Across the whole figure, not the plotting area: five English words need the room.
    figure.legend(
        handles=handles,
        loc="upper center",
        bbox_to_anchor=(0.5, 1.0),
        ncols=len(handles),
        frameon=False,
        handlelength=1.4,
        columnspacing=1.2,
    )
    return figure


def _segment_label(words, count, room_mm):
    """(text, size) for a segment `room_mm` wide: its status word and count, smaller
    if need be, else the count alone (the legend then gives the word)."""
    for size in (FONT_PT, SMALL_PT):
        if _text_mm(words) * size / FONT_PT <= room_mm:
            return words, size
    return count, FONT_PT


def lagging_groups(standings):
    """The lagging indicators with a figure (milestones have none), `MAX_BARS` a chart."""
    measured = [s for s in standings if s.completion is not None]
    return [measured[i : i + MAX_BARS] for i in range(0, len(measured), MAX_BARS)]


def lagging(standings, book):
    """Year to date against the expected pace, one bar per indicator (a group of
    `lagging_groups`), in its status colour with its status word and figures."""
    words = book.chart_words
    labels = [_short(f"{s.indicator.code} {s.indicator.name}") for s in standings]
    figure = _figure(len(standings))
    axes, positions = _axes(figure, labels)
    for y, s in zip(positions, standings, strict=True):
        fill = _colours(s.status)[0]
        completion = float(s.completion) * 100
        axes.barh(y, min(completion, 120), height=0.6, color=fill, edgecolor=EDGE, linewidth=0.6)
        # A level without a baseline or a rate has no pace (issue 21): no pace mark.
        expected = float(s.expected) * 100 if s.expected is not None else 0
        if s.expected is not None:
            axes.plot([expected, expected], [y - 0.42, y + 0.42], color=PACE, linewidth=1.6)
        axes.text(
            max(min(completion, 120), expected) + 1.5,
            y,
            book.bar_label(s),
            va="center",
            color=_on_paper(s.status),
        )
    axes.set_xlim(0, 175)
    axes.set_xticks(range(0, 101, 25), [f"{x}%" for x in range(0, 101, 25)])
    axes.legend(
        handles=[
            Patch(facecolor="white", edgecolor=PACE, label=words["completion"]),
            Line2D([], [], color=PACE, linewidth=1.6, label=words["expected"]),
        ],
        loc="lower center",
        bbox_to_anchor=(0.5, 1.0),
        ncols=2,
        frameon=False,
    )
    return figure


def _short(text):
    """`text` cut to about `LABEL_MM` wide, with "…" where it was cut."""
    if _text_mm(text) <= LABEL_MM:
        return text
    while _text_mm(text + "…") > LABEL_MM:
        text = text[:-1]
    return text.rstrip() + "…"


def _text_mm(text):
    """Roughly how wide `text` is at `FONT_PT`: a Chinese character is one em, a Latin
    one about half (1 pt = 0.353 mm)."""
    em = FONT_PT * 0.353
    return sum(em if ord(c) > 0x2E80 else 0.55 * em for c in text)
