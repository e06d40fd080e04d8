"""Formatting of figures and percentages, the same on every page."""

from decimal import Decimal

from django import template

register = template.Library()


@register.filter
def figure(value):
    """A decimal without trailing zeros: 10.00 -> 10, 2.50 -> 2.5; None -> ''."""
    if value is None or value == "":
        return ""
    value = Decimal(value)
    text = format(value.quantize(Decimal("0.01")).normalize(), "f")
    return text


@register.filter
def percent(value):
    """A fraction as a percentage with one decimal: 0.805 -> 80.5%."""
    if value is None or value == "":
        return ""
    return f"{Decimal(value) * 100:.1f}%"


@register.filter
def fraction(value):
    """A fraction for a <progress max="1" value="…">: 0.625 -> "0.625"; None -> "0"."""
    if value is None or value == "":
        return "0"
    return f"{Decimal(value):.3f}"


@register.filter
def points(value):
    """The size of a gap between two fractions, in percentage points: -0.054 -> "5.4"."""
    if value is None or value == "":
        return ""
    return f"{abs(Decimal(value)) * 100:.1f}"


@register.filter
def signed_points(value):
    """A gap in percentage points with its sign: 0.05 -> "+5.0", -0.054 -> "−5.4"."""
    if value is None or value == "":
        return ""
    return f"{'+' if Decimal(value) >= 0 else '−'}{points(value)}"


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
