"""Formatting of figures and percentages, the same on every page."""

from decimal import Decimal
from functools import wraps

from django import template

from ..models.wording import figure_text

register = template.Library()


def _empty_as(blank):
    """A filter of numbers that shows `blank` for "no figure" (None or "")."""

    def decorate(function):
        @wraps(function)
        def wrapper(value):
            if value is None or value == "":
                return blank
            return function(Decimal(value))

        return wrapper

    return decorate


@register.filter
@_empty_as("")
def figure(value):
    """A decimal without trailing zeros: 10.00 -> 10, 2.50 -> 2.5; None -> ''."""
    return figure_text(value)


@register.filter
@_empty_as("")
def percent(value):
    """A fraction as a percentage with one decimal: 0.805 -> 80.5%."""
    return f"{value * 100:.1f}%"


@register.filter
@_empty_as("0")
def fraction(value):
    """A fraction for a <progress max="1" value="…">: 0.625 -> "0.625"; None -> "0"."""
    return f"{value:.3f}"


@register.filter
@_empty_as("")
def points(value):
    """The size of a gap between two fractions, in percentage points: -0.054 -> "5.4"."""
    return f"{abs(value) * 100:.1f}"


@register.filter
@_empty_as("")
def signed_points(value):
    """A gap in percentage points with its sign: 0.05 -> "+5.0", -0.054 -> "−5.4"."""
    return f"{'+' if value >= 0 else '−'}{points(value)}"


@register.filter
@_empty_as("")
def signed_figure(value):
    """A change with its sign: 3 -> "+3", -2.5 -> "−2.5", 0 -> "0"."""
    if value == 0:
        return "0"
    return f"{'+' if value > 0 else '−'}{figure_text(abs(value))}"


@register.filter
def cell(value):
    """An export cell on a page: numbers without trailing zeros, dates as ISO, no "None"."""
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return figure(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value
