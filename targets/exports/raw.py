"""The raw exports: every report, and every change of a report (who, when, what,
old, new, why).

Each is read with one query, as plain tuples (no model instances), and streamed
with `.iterator()`: memory stays bounded whatever the size of the plan, and the
number of queries is fixed.
"""

from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from accounts.models import User

from ..models import Indicator, QuarterlyReport
from .rows import NUMBER, Column, Row, Table, labels

# Rows fetched per round trip; PostgreSQL streams them through a server-side cursor.
CHUNK_SIZE = 2000


# -- All reports, raw ----------------------------------------------------------

REPORT_COLUMNS = (
    Column("code", gettext_lazy("Code")),
    Column("indicator", gettext_lazy("Indicator")),
    Column("unit", gettext_lazy("Unit")),
    Column("quarter", gettext_lazy("Quarter"), NUMBER),
    Column("figure", gettext_lazy("Figure"), NUMBER),
    Column("milestone_state", gettext_lazy("Milestone state")),
    Column("done_on", gettext_lazy("Date done")),
    Column("progress", gettext_lazy("Progress")),
    Column("problems", gettext_lazy("Problems")),
    Column("next_steps", gettext_lazy("Next steps")),
    Column("approval_state", gettext_lazy("Approval state")),
    Column("review_comment", gettext_lazy("Reviewer's comment")),
    Column("entered_by", gettext_lazy("Entered by")),
    Column("created_at", gettext_lazy("Created")),
    Column("updated_at", gettext_lazy("Last changed")),
)


# What the reports query reads: plain tuples rather than three model instances a
# row (report, indicator, author), as the history does.
REPORT_QUERY = (
    "indicator__code",
    "indicator__name_zh",
    "indicator__name_en",
    "indicator__unit",
    "quarter",
    "value",
    "milestone_state",
    "done_on",
    "progress",
    "problems",
    "next_steps",
    "state",
    "review_comment",
    "entered_by_id",
    "entered_by__username",
    "entered_by__first_name",
    "entered_by__last_name",
    "created_at",
    "updated_at",
)


def reports_table(plan, reports):
    """Every report in `reports` (a queryset, any state), one row each.

    One query: the reports joined with their indicator and author, streamed.
    Ordered by indicator and quarter; drafts and returned reports are included
    with their approval state, so the file is the raw record.
    """
    return Table(
        title=_("%(plan)s — reports") % {"plan": plan.name},
        columns=REPORT_COLUMNS,
        rows=report_rows(
            reports.order_by("indicator__order", "indicator__code", "quarter")
            .values_list(*REPORT_QUERY)
            .iterator(chunk_size=CHUNK_SIZE)
        ),
    )


def report_rows(reports):
    """Rows of `REPORT_COLUMNS` from tuples of `REPORT_QUERY`."""
    milestone_labels = labels(QuarterlyReport.MilestoneState)
    approval_labels = labels(QuarterlyReport.State)
    people = _People()
    names = _IndicatorNames()
    for (
        code,
        name_zh,
        name_en,
        unit,
        quarter,
        value,
        milestone_state,
        done_on,
        progress,
        problems,
        next_steps,
        state,
        review_comment,
        *author,
        created_at,
        updated_at,
    ) in reports:
        yield Row(
            (
                code,
                names.name(name_zh, name_en),
                unit,
                quarter,
                value,
                milestone_labels.get(milestone_state, ""),
                done_on,
                progress,
                problems,
                next_steps,
                approval_labels.get(state, state),
                review_comment,
                people.name(*author),
                created_at,
                updated_at,
            )
        )


# -- The change history of the reports ----------------------------------------

# The fields whose changes the history export lists, in this order. Left out:
# the identity (indicator, quarter), the lock version, the timestamps, and
# `entered_by` (the history's own "who" says who made each change).
HISTORY_FIELDS = (
    "value",
    "milestone_state",
    "done_on",
    "state",
    "progress",
    "problems",
    "next_steps",
    "review_comment",
)

HISTORY_COLUMNS = (
    Column("when", gettext_lazy("When")),
    Column("who", gettext_lazy("Who")),
    Column("code", gettext_lazy("Code")),
    Column("indicator", gettext_lazy("Indicator")),
    Column("quarter", gettext_lazy("Quarter"), NUMBER),
    Column("change", pgettext_lazy("history", "Change")),
    Column("field", gettext_lazy("Field")),
    Column("old", gettext_lazy("Old value")),
    Column("new", gettext_lazy("New value")),
    Column("reason", gettext_lazy("Reason")),
)


# What the history query reads: the record, its report's indicator and the user
# who made the change, then `HISTORY_FIELDS` — plain tuples, no model instances
# (three per row with select_related), which halves the time of a long history.
HISTORY_QUERY = (
    "id",
    "history_date",
    "history_type",
    "history_change_reason",
    "quarter",
    "indicator__code",
    "indicator__name_zh",
    "indicator__name_en",
    "history_user_id",
    "history_user__username",
    "history_user__first_name",
    "history_user__last_name",
    *HISTORY_FIELDS,
)


def history_table(plan, records):
    """The change history of reports: one row per changed field of each change.

    `records` is a queryset of the reports' historical rows. One query: the rows
    joined with their indicator and user, ordered by report and time, streamed;
    each row is compared with the previous row of the same report, so only that
    one row is kept in memory.
    """
    return Table(
        title=_("%(plan)s — change history") % {"plan": plan.name},
        columns=HISTORY_COLUMNS,
        rows=history_rows(
            records.order_by("id", "history_date", "history_id")
            .values_list(*HISTORY_QUERY)
            .iterator(chunk_size=CHUNK_SIZE)
        ),
    )


def history_rows(records):
    """Rows of (when, who, code, indicator, quarter, change, field, old, new, reason)
    from tuples of `HISTORY_QUERY`, ordered by report and time.

    - Created: one row per field given a value (old is empty).
    - Changed: one row per field that differs from the report's previous record —
      what django-simple-history's `diff_against(previous,
      included_fields=HISTORY_FIELDS)` gives (a test pins the two together),
      without building the records as models. A save that changed none of
      `HISTORY_FIELDS` still gets one row, so its who, when and reason are kept.
    - Deleted: one row, without field.
    A report whose first record is a change (history begun after it was created)
    is listed like a creation: every field with a value, old empty.
    """
    field_labels = [_field_label(name) for name in HISTORY_FIELDS]
    value_labels = [
        labels(QuarterlyReport.MilestoneState)
        if name == "milestone_state"
        else labels(QuarterlyReport.State)
        if name == "state"
        else None
        for name in HISTORY_FIELDS
    ]
    change_labels = {"+": _("Created"), "~": _("Changed"), "-": _("Deleted")}
    nothing = (None,) * len(HISTORY_FIELDS)
    people = _People()
    names = _IndicatorNames()

    def shown(index, value):
        if value is None or value == "":
            return None
        labels = value_labels[index]
        return labels.get(value, value) if labels else value

    previous_id, previous = None, nothing
    for record in records:
        report_id, when, kind, reason, quarter, code, name_zh, name_en = record[:8]
        user_id, username, first_name, last_name = record[8:12]
        values = record[12:]
        if report_id != previous_id:
            previous_id, previous = report_id, nothing
        head = (
            when,
            people.name(user_id, username, first_name, last_name),
            code or "",
            names.name(name_zh, name_en),
            quarter,
            change_labels.get(kind, kind),
        )
        reason = reason or ""
        if kind == "-":
            changes = ()
        else:
            changes = [
                (index, old, new)
                for index, (old, new) in enumerate(zip(previous, values, strict=True))
                if old != new and not (previous is nothing and new == "")
            ]
        if not changes:
            yield Row((*head, "", None, None, reason))
        for index, old, new in changes:
            yield Row((*head, field_labels[index], shown(index, old), shown(index, new), reason))
        previous = values


def _field_label(name):
    return str(capfirst(QuarterlyReport._meta.get_field(name).verbose_name))


class _People:
    """Display names of users (`get_full_name()` or the username), remembered per id:
    a plan has few authors."""

    def __init__(self):
        self._names = {}

    def name(self, user_id, username, first_name, last_name):
        if user_id is None:
            return ""
        if user_id not in self._names:
            user = User(username=username, first_name=first_name, last_name=last_name)
            self._names[user_id] = user.get_full_name() or user.get_username()
        return self._names[user_id]


class _IndicatorNames:
    """An indicator's name in the active language (`Indicator.name`), from its two
    columns; rows come grouped by indicator, so the last one is remembered."""

    def __init__(self):
        self._key, self._name = None, ""

    def name(self, name_zh, name_en):
        if (name_zh, name_en) != self._key:
            self._key = (name_zh, name_en)
            self._name = Indicator(name_zh=name_zh or "", name_en=name_en or "").name
        return self._name
