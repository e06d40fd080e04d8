"""The status palette: one set of colours, told apart without telling hues apart.

- The five status fills stay at least `MIN_DISTANCE` apart (CIECAM02-UCS ΔE) with
  normal vision and simulated for deuteranopia, protanopia and tritanopia
  (Machado et al. 2009 at full severity, as colorspacious implements it).
- Every status' text colour reads on its fill at 4.5:1 or better (WCAG AA).
- Red is only for 滞后; the pages' CSS, the print view and the XLSX carry the same
  values as targets/palette.py.
"""

import itertools
import re
from pathlib import Path

import pytest
from colorspacious import cspace_convert, deltaE
from django.conf import settings

from targets.models import Status
from targets.palette import MIN_DISTANCE, PALETTE, STATUS_COLOURS, css_name

APP_CSS = Path(settings.BASE_DIR) / "static" / "css" / "app.css"
PRINT_CSS = Path(settings.BASE_DIR) / "static" / "css" / "print.css"
VISIONS = {
    "normal": None,
    "deuteranopia": "deuteranomaly",  # severity 100: the full deficiency
    "protanopia": "protanomaly",
    "tritanopia": "tritanomaly",
}


def rgb(hex_colour):
    return [int(hex_colour[i : i + 2], 16) / 255 for i in (0, 2, 4)]


def seen(hex_colour, deficiency):
    colour = rgb(hex_colour)
    if deficiency is None:
        return colour
    space = {"name": "sRGB1+CVD", "cvd_type": deficiency, "severity": 100}
    return [min(max(c, 0), 1) for c in cspace_convert(colour, space, "sRGB1")]


def luminance(hex_colour):
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb(hex_colour)]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a, b):
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def distances(deficiency):
    fills = {status: seen(colour.fill, deficiency) for status, colour in PALETTE.items()}
    return {
        (a, b): deltaE(fills[a], fills[b], input_space="sRGB1")
        for a, b in itertools.combinations(fills, 2)
    }


def test_every_status_has_a_colour_and_a_pattern():
    assert set(PALETTE) == set(Status)
    patterns = [colour.pattern for colour in PALETTE.values()]
    assert len(set(patterns)) == len(patterns)  # each status its own pattern in charts


@pytest.mark.parametrize("vision", VISIONS)
def test_statuses_stay_apart_for_every_vision(vision):
    close = {pair: d for pair, d in distances(VISIONS[vision]).items() if d < MIN_DISTANCE}
    assert not close, f"{vision}: closer than ΔE {MIN_DISTANCE}: {close}"


def test_the_palette_is_far_better_than_the_one_it_replaced():
    """The old fills (two greens, #2e9e4f under white text) fell to ΔE 8.8 under
    protanopia; the palette keeps more than twice that everywhere."""
    old = {"met": "1B7F3B", "on_track": "2E9E4F", "at_risk": "B88A00", "behind": "C62828"}
    old_closest = min(
        deltaE(seen(a, "protanomaly"), seen(b, "protanomaly"), input_space="sRGB1")
        for a, b in itertools.combinations(old.values(), 2)
    )
    new_closest = min(min(distances(d).values()) for d in VISIONS.values())
    assert old_closest < 10 < 2 * old_closest < new_closest


@pytest.mark.parametrize("status", list(Status))
def test_text_on_every_status_reads_at_4_5_to_1(status):
    colour = PALETTE[status]
    assert contrast(colour.fill, colour.text) >= 4.5


def test_red_is_only_for_behind():
    def reddish(hex_colour):
        r, g, b = rgb(hex_colour)
        return r > 0.45 and r > 2 * g and r > 2 * b

    assert [s for s, c in PALETTE.items() if reddish(c.fill)] == [Status.BEHIND]


def _css_colours(text):
    return {
        name: value.upper() for name, value in re.findall(r"(--[\w-]+):\s*#([0-9a-fA-F]{6})", text)
    }


def test_the_pages_css_carries_the_same_colours():
    css = _css_colours(APP_CSS.read_text())
    for status, colour in PALETTE.items():
        assert css[css_name(status)] == colour.fill, status
        assert css[css_name(status) + "-text"] == colour.text, status


def test_print_view_and_badges_use_the_palette_variables():
    printed = PRINT_CSS.read_text()
    app = APP_CSS.read_text()
    for status in Status:
        name = css_name(status)
        colours = rf"\{{ background: var\({name}\); color: var\({name}-text\); \}}"
        assert re.search(rf"\.cell-{status.value} {colours}", printed), status
        assert re.search(rf"\.status-{status.value} {colours}", app), status
    # No status colour written out anywhere else in the stylesheets.
    fills = {colour.fill.lower() for colour in PALETTE.values()}
    outside_root = app.split("}", 1)[1].lower() + printed.lower()
    assert not [f for f in fills if f"#{f}" in outside_root]


def test_the_xlsx_takes_its_colours_from_the_palette():
    expected = {s: (c.fill, c.text) for s, c in PALETTE.items()}
    assert expected == STATUS_COLOURS
