"""System checks run at start (`runserver`, `migrate`, `check`, gunicorn's first
`manage.py check --deploy`): a briefing must never be drawn with boxes for Chinese."""

from django.conf import settings
from django.core.checks import Error, register


@register()
def cjk_font_check(app_configs, **kwargs):
    # Lazy on purpose (one of the three, scripts/import_graph.py): the check is
    # registered in every process (targets' ready()), but matplotlib's font manager
    # is loaded only where checks run, not in every worker and db_worker.
    from .briefing.fonts import MissingCJKFont, find_cjk_font

    try:
        find_cjk_font(settings.KPI_CHART_FONTS)
    except MissingCJKFont as missing:
        return [
            Error(
                str(missing),
                hint=(
                    "Install the Noto CJK fonts (Debian: apt-get install -y fonts-noto-cjk) "
                    "or set KPI_CHART_FONTS to a font family with Chinese glyphs; the "
                    "briefing's charts and PDF need one."
                ),
                id="targets.E001",
            )
        ]
    return []
