"""The dashboards' indicator table (django-tables2).

Its rows are `Standing`s, computed by the status rule, not model instances, so
the data is a list and django-tables2 sorts it in Python through each column's
accessor; computed columns (completion, pace, status) sort like any other.
Status sorts worst first (`Standing.severity`), not alphabetically.
"""

from functools import lru_cache

import django_tables2 as tables
from django.core.paginator import Paginator
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_tables2 import utils as tables_utils
from django_tables2.utils import OrderBy

from .templatetags.kpi import figure, percent, signed_points


def _cells(name, *, num=False):
    """Header and cell classes: `col-<name>` lets the phone layout drop a column."""
    css = f"col-{name} num" if num else f"col-{name}"
    return {"th": {"class": css}, "td": {"class": css}}


_uncached_signature = tables_utils.signature


@lru_cache(maxsize=512)
def _signature_of(function):
    return _uncached_signature(function)


def _signature(fn):
    """django-tables2's `signature`, once per function instead of once per cell: it
    calls `inspect.signature` for each cell it renders (500 on a 50-row page, a
    fifth of the table's time). A bound method is made anew at each access, so it
    is keyed by its function, whose first argument (self) the bound one drops."""
    function = getattr(fn, "__func__", None)
    try:
        if function is None:
            return _signature_of(fn)
        args, keywords = _signature_of(function)
    except TypeError:  # not hashable: as django-tables2 does it
        return _uncached_signature(fn)
    return args[1:], keywords


tables_utils.signature = _signature

# The most rows a page of the indicator table shows, whatever ?per_page= asks.
MAX_PER_PAGE = 200


class StandingTable(tables.Table):
    # Status comes right after the name: on a phone it is visible without scrolling.
    code = tables.Column(_("Code"), accessor="indicator__code", attrs=_cells("code"))
    name = tables.Column(_("Indicator"), accessor="indicator__name", attrs=_cells("name"))
    status = tables.Column(
        _("Status"), accessor="status", order_by=("severity",), attrs=_cells("status")
    )
    # Rendered even when empty: a milestone shows its state instead of a figure.
    # A sum so far (累计完成) or a latest level (当前值): each cell says which when it
    # matters, and words for the gap or last year's comparison go under the figure.
    actual = tables.Column(
        _("Figure to date"), accessor="actual", empty_values=(), attrs=_cells("actual", num=True)
    )
    # The target in force as of the page's quarter (a revised one says so).
    target = tables.Column(
        _("Target"), accessor="in_force", orderable=False, attrs=_cells("target", num=True)
    )
    completion = tables.Column(
        _("Completion"), accessor="completion", attrs=_cells("completion", num=True)
    )
    expected = tables.Column(_("Expected"), accessor="expected", attrs=_cells("expected", num=True))
    pace_gap = tables.Column(
        _("Against pace"), accessor="pace_gap", attrs=_cells("pace-gap", num=True)
    )
    pillar = tables.Column(_("Pillar"), accessor="indicator__pillar__code", attrs=_cells("pillar"))
    lead_section = tables.Column(
        _("Lead units"), accessor="indicator__lead_names", attrs=_cells("lead-section")
    )
    # Only for a plan with numbered tasks ("第33项"); sorted by the plan's order.
    task = tables.Column(
        _("Task"),
        accessor="indicator__task__numbered",
        order_by=("indicator__task__order", "indicator__order"),
        attrs=_cells("task"),
    )

    class Meta:
        template_name = "targets/includes/table.html"
        attrs = {"class": "table table-sm table-hover align-middle indicators"}
        empty_text = _("No indicator matches these filters.")

    def paginate(self, paginator_class=Paginator, per_page=None, page=1, *args, **kwargs):
        # django-tables2 takes ?per_page= from the URL as given; zero or a negative
        # number would raise, a huge one would render everything: keep it in bounds.
        if per_page is not None:
            per_page = min(max(per_page, 1), MAX_PER_PAGE)
        return super().paginate(paginator_class, per_page, page, *args, **kwargs)

    def __init__(self, data, *, query="", **kwargs):
        """`query`: the query string (as-of quarter, filters) links to indicators carry."""
        self.query = query
        super().__init__(data, **kwargs)

    def _set_order_by(self, value):
        # ?sort= comes from the URL: keep only names of this table's columns, so an
        # arbitrary value ("1.5e+16", "a.b") never becomes an accessor.
        if value:
            names = value.split(",") if isinstance(value, str) else list(value)
            value = [name for name in names if name.lstrip("-") in self.columns]
        tables.Table.order_by.fset(self, value)
        if not self.order_by or not isinstance(self.data.data, list):
            return
        # Rows without a value in the sorted column (a milestone has no completion)
        # go last whichever the direction: the list sort would put them first in one.
        accessor = self.columns[OrderBy(self.order_by[0]).bare].accessor
        self.data.data.sort(key=lambda standing: accessor.resolve(standing, quiet=True) is None)

    order_by = property(tables.Table.order_by.fget, _set_order_by)

    def render_code(self, value, record):
        return format_html(
            '<a href="{}{}">{}</a>', record.indicator.get_absolute_url(), self.query, value
        )

    def render_target(self, record):
        indicator = record.indicator
        if indicator.has_target:
            if record.revision is not None:
                return format_html(
                    '{}<span class="revised-target">{}</span>',
                    record.target_with_unit,
                    record.revision_text,
                )
            return record.target_with_unit
        if indicator.is_milestone:
            return gettext("due Q%(quarter)s") % {"quarter": indicator.due_quarter}
        if indicator.last_year_value is not None:
            return gettext("last year %(figure)s") % {"figure": figure(indicator.last_year_value)}
        return "—"

    def render_actual(self, value, record):
        if record.indicator.is_milestone:
            done = f" ({record.done_on:%Y-%m-%d})" if record.done_on else ""
            return f"{record.milestone_state_label}{done}"
        if value is None:
            return "—"
        text = record.indicator.with_unit(value)
        # Words where a bare figure would mislead: what a monitored figure is compared
        # with, and what a target not yet met still lacks ("> 100" at exactly 100 is
        # 1 short, though its completion reads 100 %).
        note = record.last_year_text or (record.shortfall is not None and record.gap_text)
        if note:
            return format_html('{}<span class="gap-text">{}</span>', text, note)
        return text

    def render_completion(self, value):
        return percent(value)

    def render_expected(self, value):
        return percent(value)

    def render_pace_gap(self, value):
        # Percentage points ahead (+) or behind (−) the expected pace.
        return signed_points(value)

    def render_status(self, value, record):
        badge = format_html('<span class="status status-{}">{}</span>', value, record.status_label)
        if record.pending_approval:
            return format_html(
                '{} <span class="pending">{}</span>', badge, gettext("pending approval")
            )
        return badge

    def page_records(self):
        """The standings on the current page, in the table's order (after sorting)."""
        return [row.record for row in self.paginated_rows]
