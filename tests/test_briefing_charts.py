"""The briefing's charts: every bar labelled, every label readable where it is drawn.

Read from the drawn matplotlib artists of the demo's briefings (not from the palette's
constants): each bar (a status segment, a pillar's or an indicator's bar) has a label
in its row, inside it or beside it; a label's colour has at least 4.5:1 contrast on
what is behind it (the bar's fill when it sits inside a bar, the paper otherwise), in
colour and as printed in greyscale. The 滞后 (behind) labels were white on white.
"""

import pytest
from django.utils import translation
from matplotlib.colors import to_hex
from matplotlib.patches import Rectangle

from targets import clock
from targets.briefing.content import Figure, build_briefing
from targets.models import Plan

AA = 4.5


def _linear(channel):
    c = channel / 255
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def _rgb(colour):
    colour = to_hex(colour, keep_alpha=False).lstrip("#")
    return [int(colour[i : i + 2], 16) for i in (0, 2, 4)]


def luminance(colour):
    r, g, b = (_linear(c) for c in _rgb(colour))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def greyscale(colour):
    """As a black-and-white print or Pillow's "L" mode has it (BT.601 luma)."""
    r, g, b = _rgb(colour)
    level = round(0.299 * r + 0.587 * g + 0.114 * b)
    return (level, level, level)


def contrast(a, b):
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def _grey_contrast(a, b):
    return contrast(tuple(v / 255 for v in greyscale(a)), tuple(v / 255 for v in greyscale(b)))


def test_the_measures_themselves():
    assert contrast("#FFFFFF", "#FFFFFF") == 1
    assert round(contrast("#000000", "#FFFFFF")) == 21
    assert round(contrast("#767676", "#FFFFFF"), 1) == 4.5  # WCAG's own example
    # Pure red and a grey of the same WCAG luminance differ in greyscale.
    assert greyscale("#FF0000") == (76, 76, 76)


def _bars(axes):
    """The bars drawn as data: rectangles in the axes (not the legend's handles)."""
    return [p for p in axes.patches if isinstance(p, Rectangle) and p.get_width() > 0]


def _within(inner, outer):
    return (
        inner.x0 >= outer.x0 - 0.5
        and inner.x1 <= outer.x1 + 0.5
        and inner.y0 >= outer.y0 - 0.5
        and inner.y1 <= outer.y1 + 0.5
    )


def _overlap(a, b):
    return a.x0 < b.x1 and b.x0 < a.x1 and a.y0 < b.y1 and b.y0 < a.y1


def faults(figure):
    """What is wrong with one drawn chart's labels, in words."""
    renderer = figure.canvas.get_renderer()
    figure.canvas.draw()
    wrong = []
    for axes in figure.axes:
        paper = axes.get_facecolor()
        bars = [(bar, bar.get_window_extent(renderer)) for bar in _bars(axes)]
        texts = [(t, t.get_window_extent(renderer)) for t in axes.texts if t.get_text().strip()]
        for bar, box in bars:
            row = [
                (t, tb)
                for t, tb in texts
                if box.y0 <= (tb.y0 + tb.y1) / 2 <= box.y1 and (_within(tb, box) or tb.x0 >= box.x1)
            ]
            if not row:
                wrong.append(f"a bar of {to_hex(bar.get_facecolor())} has no label")
        for text, tb in texts:
            under = [(bar, box) for bar, box in bars if _overlap(tb, box)]
            if any(not _within(tb, box) for _bar, box in under):
                wrong.append(f"{text.get_text()!r} lies across the edge of a bar")
                continue
            background = under[0][0].get_facecolor() if under else paper
            ink = text.get_color()
            for name, ratio in (
                ("colour", contrast(ink, background)),
                ("greyscale", _grey_contrast(ink, background)),
            ):
                if ratio < AA:
                    wrong.append(
                        f"{text.get_text()!r} {to_hex(ink)} on {to_hex(background)}: "
                        f"{ratio:.2f}:1 in {name}"
                    )
    return wrong


@pytest.fixture(scope="module")
def briefings(django_db_setup, django_db_blocker):
    """The demo's briefings as of Q2 and Q3, in both languages (charts not yet drawn)."""
    made = {}
    with django_db_blocker.unblock():
        plan = Plan.objects.get(year=2024)
        for language in ("zh-hans", "en"):
            with translation.override(language):
                for quarter in (2, 3):
                    made[language, quarter] = build_briefing(
                        plan, plan.overview(quarter), today=clock.today()
                    )
    return made


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_every_bar_has_a_label_that_reads_on_its_background(briefings, language):
    wrong, charts, behind_labels = [], 0, 0
    for quarter in (2, 3):
        figures = [b for b in briefings[language, quarter].blocks if isinstance(b, Figure)]
        with translation.override(language):
            for number, block in enumerate(figures, start=1):
                figure = block.draw()
                charts += 1
                wrong += [f"Q{quarter} figure {number}: {fault}" for fault in faults(figure)]
                behind_labels += sum(
                    to_hex(t.get_color()) in ("#ffffff", "#931a1f")
                    for axes in figure.axes
                    for t in axes.texts
                )
    assert charts >= 8
    assert behind_labels  # the behind bars' labels were among those checked
    assert not wrong, "\n".join(wrong)
