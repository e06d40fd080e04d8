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
