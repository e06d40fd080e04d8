"""Chart.js on a page: its <script> tags and whether charts animate."""

from django import template
from django.conf import settings

from ..assets import chart_script_tags

register = template.Library()


@register.inclusion_tag("includes/chart_scripts.html")
def chart_scripts(annotation=True, lazy=False):
    """Chart.js, its annotation plugin (unless `annotation=False`: no target lines on
    the page) and the page's chart code, from the source `CHARTJS_SOURCE` names (read
    at render time), loaded when a chart nears the screen if `lazy` (see
    targets/assets.py)."""
    return chart_script_tags(annotation, lazy)


@register.simple_tag
def chart_animation():
    """ "on" or "off", for <html data-chart-animation>: tests and screenshots turn it off."""
    return "on" if settings.CHARTS_ANIMATE else "off"
