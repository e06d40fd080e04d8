"""The Chinese font the server-side charts draw with, found once, at start.

matplotlib draws a character its font lacks as an empty box, silently. So the
font is chosen by name from `settings.KPI_CHART_FONTS` (the first that matplotlib
finds *and* that holds Chinese glyphs), and a system check (targets/checks.py)
stops `runserver`, `migrate` and `check` with a clear error when none is found,
instead of letting a briefing go out with boxes in its charts.
"""

from functools import cache

from django.conf import settings
from matplotlib import font_manager, ft2font

# Characters every briefing chart writes (status words, units, "完成率").
CJK_SAMPLE = "达成正常预警滞后未报送完成率时序进度项家次人"


class MissingCJKFont(LookupError):
    pass


def find_cjk_font(families):
    """The first of `families` that matplotlib finds with glyphs for `CJK_SAMPLE`.

    Raises `MissingCJKFont` naming what was tried. A family name matplotlib does
    not know is skipped (it would otherwise fall back to DejaVu Sans: boxes).
    """
    for family in families:
        try:
            path = font_manager.findfont(
                font_manager.FontProperties(family=family), fallback_to_default=False
            )
        except ValueError:
            continue
        font = ft2font.FT2Font(path)
        if all(font.get_char_index(ord(c)) for c in CJK_SAMPLE):
            return family
    raise MissingCJKFont(
        f"No font with Chinese glyphs was found for the charts (tried: {', '.join(families)})."
    )


@cache
def chart_font():
    """The family the charts use (settings.KPI_CHART_FONTS, looked up once per process)."""
    return find_cjk_font(settings.KPI_CHART_FONTS)
