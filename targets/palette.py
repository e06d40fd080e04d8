"""The status colours: one palette for pages, charts, the print view and the XLSX.

The pages' CSS (`static/css/app.css`, `--status-met` …) carries exactly these values
(tests/test_palette.py compares them), `static/js/charts.js` reads them from the CSS,
the XLSX status cells and any chart drawn on the server take them from here.

Chosen so that status never depends on telling hues apart:
- red is only for 滞后 (behind); 达成 (met) is blue, 正常 (on track) green, 预警
  (at risk) amber, 未报送 (not reported) light grey;
- their lightness is spread (blue and red dark, amber middle, green and grey light),
  so the five stay apart under deuteranopia, protanopia and tritanopia: the smallest
  distance between two of them, simulated for each (Machado et al. 2009, severity
  100, CAM02-UCS), is `MIN_DISTANCE` or more;
- each has the text colour that reads on it at 4.5:1 or better (WCAG AA);
- and every mark also carries its word, or in charts a pattern (`pattern`).
"""

from dataclasses import dataclass

from .models import Status


@dataclass(frozen=True)
class StatusColour:
    fill: str  # the status' colour: badges, chart bars, XLSX and printed cells (hex, no "#")
    text: str  # text on `fill`
    pattern: str  # how charts mark it besides colour (static/js/charts.js draws these)


PALETTE = {
    Status.MET: StatusColour(fill="1B4F8A", text="FFFFFF", pattern="solid"),
    Status.ON_TRACK: StatusColour(fill="6ED97E", text="111111", pattern="diagonal"),
    Status.AT_RISK: StatusColour(fill="B57D00", text="111111", pattern="dots"),
    Status.BEHIND: StatusColour(fill="931A1F", text="FFFFFF", pattern="cross"),
    Status.NOT_REPORTED: StatusColour(fill="E4E5E9", text="111111", pattern="horizontal"),
}

# The smallest colour difference (CIECAM02-UCS ΔE) between any two statuses, seen
# with normal vision and simulated for each colour deficiency. 20 is a difference
# nobody misses side by side; the palette above keeps about 22 at its closest.
MIN_DISTANCE = 20

# status: (fill, text) as hex RGB without "#", for a cell or a bar with a label on it.
STATUS_COLOURS = {status: (colour.fill, colour.text) for status, colour in PALETTE.items()}


def css_name(status):
    """The CSS custom property of a status' fill: "--status-on-track"."""
    return "--status-" + str(status).replace("_", "-")


# WCAG AA: the least contrast for normal text.
AA = 4.5


def _channel(value):
    """An sRGB channel (0–255) linearised, as WCAG 2 defines relative luminance."""
    c = value / 255
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def _rgb(colour):
    colour = colour.lstrip("#")
    return tuple(int(colour[i : i + 2], 16) for i in (0, 2, 4))


def luminance(colour):
    """WCAG 2 relative luminance of "#RRGGBB" (or "RRGGBB")."""
    r, g, b = (_channel(v) for v in _rgb(colour))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a, b):
    """WCAG 2 contrast ratio of two colours, 1 to 21."""
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def grey(colour):
    """The colour as printed in black and white: the luma (ITU-R BT.601) a greyscale
    printer or Pillow's "L" mode keeps, which weighs red and blue otherwise than
    WCAG's luminance."""
    r, g, b = _rgb(colour)
    level = round(0.299 * r + 0.587 * g + 0.114 * b)
    return f"#{level:02X}{level:02X}{level:02X}"
