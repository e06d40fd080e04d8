"""The ledger by county/district as a chart: a dict `static/js/charts.js` draws
(kind "divisions"), with the same numbers as a table (see targets/charts.py)."""

from django.utils.translation import gettext as _

from targets.charts import wrap_label


def by_division(ledger):
    """Items behind the counted figures up to the as-of quarter, one bar per place;
    None when there is none."""
    if not ledger.breakdown:
        return None
    indicator = ledger.indicator
    labels = [row.division.name for row in ledger.breakdown]
    quarters = ledger.breakdown_quarters
    rows = [
        [row.division.name, *(str(row.counts.get(q, 0)) for q in quarters), str(row.total)]
        for row in ledger.breakdown
    ]
    rows.append([_("Total"), *(str(ledger.totals.get(q, 0)) for q in quarters), str(ledger.total)])
    return {
        "id": "chart-ledger-divisions",
        "kind": "divisions",
        "label": _("%(indicator)s: items by county or district, Q1 to Q%(quarter)s")
        % {"indicator": f"{indicator.code} {indicator.name}", "quarter": ledger.quarter},
        "data": {
            "labels": labels,
            "label_lines": [wrap_label(label, 16) for label in labels],
            "values": [row.total for row in ledger.breakdown],
            "series": _("Items"),
            "axis": _("Number of items (%(unit)s)") % {"unit": indicator.unit_display or "-"},
        },
        "table": {
            "columns": [_("County or district"), *(f"Q{q}" for q in quarters), _("Total")],
            "rows": rows,
        },
    }
