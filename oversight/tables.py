"""The follow-up list (django-tables2): the reader's section's first, then by due date."""

import django_tables2 as tables
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from targets import clock


class FollowUpTable(tables.Table):
    subject = tables.Column(_("Subject"), linkify=True)
    indicators = tables.Column(_("Indicators"), empty_values=(), orderable=False)
    owner_section = tables.Column(_("Owner section"), accessor="owner_section__name_zh")
    due_date = tables.DateColumn(format="Y-m-d", verbose_name=_("Due date"))
    state = tables.Column(_("State"))

    class Meta:
        attrs = {"class": "table table-sm table-hover align-middle follow-ups"}
        order_by_field = "sort"

    def render_indicators(self, record):
        # The prefetched indicators (FollowUpQuerySet.for_list): no query per row.
        return format_html_join(", ", "{}", ((i.code,) for i in record.indicators.all()))

    def render_owner_section(self, record):
        return record.owner_section.name

    def render_state(self, record):
        label = record.get_state_display()
        if record.is_overdue(clock.today()):
            return format_html(
                '{} <span class="badge text-bg-danger overdue">{}</span>', label, gettext("overdue")
            )
        return label
