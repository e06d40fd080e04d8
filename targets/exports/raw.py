"""The raw exports: every report, and every change of a report (who, when, what,
old, new, why).

Each is read with one query, as plain tuples (no model instances), and streamed
with `.iterator()`: memory stays bounded whatever the size of the plan, and the
number of queries is fixed. On PostgreSQL the same query, wrapped in `COPY`, writes
the CSV lines itself (`reports_copy`, `history_copy`, pgcopy.py): the same bytes at
the database's own speed, a large history in two parts at once (copyparts.py); the
rows here remain the rule (and SQLite's writer).
"""

from django.db import connections
from django.db.models import F
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from accounts.models import User

from ..models import QuarterlyReport
from ..models.history import (
    CHUNK_SIZE,
    HISTORY_FIELDS,
    HISTORY_QUERY,
    IndicatorNames,
    People,
    choice_labels_of,
    field_label,
    iter_changes,
    kind_labels,
)
from ..models.report import NARRATIVE_FIELDS, choice_labels
from . import copyparts, pgcopy
from .rows import NUMBER, Column, Row, Table

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
        copy=(reports_copy(reports),) if _on_postgresql(reports) else None,
    )


TEXT, PLAIN = True, False  # a CSV cell to neutralise and quote, or one printed as it is


def _on_postgresql(queryset):
    return connections[queryset.db].vendor == "postgresql"


def _aliased(queryset, fields):
    """`queryset` as values under the aliases r_0, r_1, … (no ordering), and its SQL."""
    aliases = {f"r_{n}": F(field) for n, field in enumerate(fields)}
    return queryset.order_by().values(**aliases).query.sql_with_params()


def reports_copy(reports):
    """`reports_table`'s CSV lines, written by PostgreSQL (pgcopy.py)."""
    fields = ("indicator__order", *REPORT_QUERY)
    inner, params = _aliased(reports, fields)
    r = {field: f"r.r_{n}" for n, field in enumerate(fields)}
    author = [
        r[f"entered_by{part}"] for part in ("_id", "__username", "__first_name", "__last_name")
    ]
    columns = [
        (r["indicator__code"], TEXT),
        (pgcopy.indicator_name(r["indicator__name_zh"], r["indicator__name_en"]), TEXT),
        (r["indicator__unit"], TEXT),
        (pgcopy.integer(r["quarter"]), PLAIN),
        (pgcopy.number(r["value"]), PLAIN),
        (_label(r["milestone_state"], QuarterlyReport.MilestoneState, otherwise_value=False), TEXT),
        (pgcopy.date(r["done_on"]), PLAIN),
        (r["progress"], TEXT),
        (r["problems"], TEXT),
        (r["next_steps"], TEXT),
        (_label(r["state"], QuarterlyReport.State, otherwise_value=True), TEXT),
        (r["review_comment"], TEXT),
        (pgcopy.person(*author), TEXT),
        (pgcopy.local_datetime(r["created_at"]), PLAIN),
        (pgcopy.local_datetime(r["updated_at"]), PLAIN),
    ]
    order = (r["indicator__order"], r["indicator__code"], r["quarter"])
    return pgcopy.csv_cells(inner, params, columns, order)


def _label(expr, choices, *, otherwise_value):
    return pgcopy.label(expr, choice_labels(choices), otherwise_value=otherwise_value)


def report_rows(reports):
    """Rows of `REPORT_COLUMNS` from tuples of `REPORT_QUERY`."""
    milestone_labels = choice_labels(QuarterlyReport.MilestoneState)
    approval_labels = choice_labels(QuarterlyReport.State)
    people = People()
    names = IndicatorNames()
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


def history_table(plan, records):
    """The change history of reports: one row per changed field of each change.

    `records` is a queryset of the reports' historical rows; the changes come
    from `targets.models.history.iter_changes` (the rule the history page uses
    too): one query, streamed, bounded memory.
    """
    return Table(
        title=_("%(plan)s — change history") % {"plan": plan.name},
        columns=HISTORY_COLUMNS,
        rows=(
            Row(
                (
                    c.when,
                    c.who,
                    c.code,
                    c.indicator,
                    c.quarter,
                    c.kind_label,
                    c.field_label,
                    c.old,
                    c.new,
                    c.reason,
                )
            )
            for c in iter_changes(records)
        ),
        copy=_history_parts(records) if _on_postgresql(records) else None,
    )


def _history_parts(records):
    """The history's COPY, in parts of reports read at once when it is large
    (copyparts.py): a report's rows stay together, as its changes compare them."""
    return tuple(
        history_copy(records.filter(**part)) for part in copyparts.key_ranges(records, "id")
    )


# The fields shown as free text (written by the full cell rules when the row's texts
# call for it); the others are shown as a number, a date or a label (`_shown`).
FREE_TEXT = frozenset((*NARRATIVE_FIELDS, "review_comment"))


def history_copy(records):
    """`history_table`'s CSV lines, written by PostgreSQL (pgcopy.py).

    The rule of `iter_changes`, in SQL: each historical row is compared with the
    previous row of the same report among `records` (LAG over the report's rows by
    time) and writes one line per field that changed — on a report's first row, per
    field given a value — or one line without a field when none did, and for a
    delete. A historical row's lines come out as one block (one COPY row), so the
    lines are never sorted one by one, and what they share (when, who, which
    indicator, what) is made once per block.

    Speed is the point (a million rows near a plain COPY's time), so what can be
    done once is: the cell of a person once per person, those of labels once, here;
    whether a row's texts need the full cell rules at all, once per row
    (`pgcopy.with_risky`: most rows' do not, and write their texts as they are).
    Their lines come out through COPY's binary format, as they are.
    """
    # What the Python writer reads (HISTORY_QUERY), and the key that orders a report's
    # rows in time. A person's name is read from `_person_cells`, by id: PostgreSQL
    # drops the user's name columns of `rows` (and their join), which nothing reads.
    fields = ("history_id", *HISTORY_QUERY)
    rows, params = _aliased(records, fields)
    aliases = {field: f"r_{n}" for n, field in enumerate(fields)}  # the columns of `rows`
    r = {field: f"r.{alias}" for field, alias in aliases.items()}
    key = [aliases[field] for field in ("id", "history_date", "history_id")]
    order = ", ".join(f"r.{column}" for column in key)
    who, who_params = _person_cells()
    indicator = pgcopy.indicator_name(r["indicator__name_zh"], r["indicator__name_en"])
    # The texts a row shows: its indicator's code and name (either name in English),
    # its reason, the free texts among its fields.
    texts = [
        aliases["indicator__code"],
        *pgcopy.indicator_names_shown(aliases["indicator__name_zh"], aliases["indicator__name_en"]),
        aliases["history_change_reason"],
        *(aliases[field] for field in HISTORY_FIELDS if field in FREE_TEXT),
    ]

    # 1. Each historical row beside the previous one of its report (the window w;
    # PostgreSQL computes each LAG once, however often it is named): the cells its
    # lines share (when, who, code, indicator, quarter, what) as one text, and how each
    # ends (the reason, CRLF); which fields changed, and their old and new values;
    # whether its texts or the previous row's need the full cell rules (checked once
    # per row, before the sort).
    head = ", ".join(
        (
            pgcopy.local_datetime(r["history_date"]),
            "COALESCE(u.cell, '')",
            pgcopy.checked_cell(r["indicator__code"], "r.risky"),  # the row's own flag
            pgcopy.checked_cell(indicator, "r.risky"),
            pgcopy.integer(r["quarter"]),
            f"COALESCE({pgcopy.label_cell(r['history_type'], kind_labels())}, '')",
        )
    )
    columns = [
        f"concat_ws(',', {head}) AS head",
        f"{r['history_type']} AS kind",
        # the reason is one of the row's own texts: its own flag decides
        f"',' || {pgcopy.checked_cell(r['history_change_reason'], 'r.risky')} "
        "|| chr(13) || chr(10) AS ending",
        "r.risky OR COALESCE(lag(r.risky) OVER w, false) AS risky",
    ]
    for n, name in enumerate(HISTORY_FIELDS):
        new, old = r[name], f"lag({r[name]}) OVER w"
        columns += [
            f"CASE WHEN row_number() OVER w = 1 THEN {new} IS NOT NULL AND {new}::text <> '' "
            f"ELSE {old} IS DISTINCT FROM {new} END AS changed_{n}",
            f"{old} AS old_{n}",
            f"{new} AS new_{n}",
        ]
    checked = pgcopy.with_risky(rows, aliases.values(), texts)
    compared = (
        f"SELECT {', '.join(key)}, {', '.join(columns)} FROM ({checked}) AS r "
        f"LEFT JOIN ({who}) AS u ON u.id = {r['history_user_id']} "
        f"WINDOW w AS (PARTITION BY {r['id']} ORDER BY {r['history_date']}, {r['history_id']}) "
        f"ORDER BY {order} OFFSET 0"
    )
    keys = ", ".join(f"c.{column}" for column in key)

    # 2. The block: a line per changed field (its old and new values written only
    # then), or the line without a field, each ending in CRLF; the texts by the full
    # rules only in a risky row. The ORDER BY above is the window's own order, so
    # PostgreSQL sorts only once.
    def cell(name, column):
        if name in FREE_TEXT:
            return pgcopy.checked_cell(column, "risky")
        return f"COALESCE({_shown(name, column)}, '')"

    lines = [
        f"CASE WHEN kind <> '-' AND changed_{n} THEN head || "
        f"{pgcopy.literal(f',{pgcopy.written_cell(field_label(name))},')} || "
        f"{cell(name, f'old_{n}')} || ',' || {cell(name, f'new_{n}')} || ending ELSE '' END"
        for n, name in enumerate(HISTORY_FIELDS)
    ]
    unchanged = " AND ".join(f"NOT changed_{n}" for n in range(len(HISTORY_FIELDS)))
    lines.append(f"CASE WHEN kind = '-' OR ({unchanged}) THEN head || ',,,' || ending ELSE '' END")
    sql = f"SELECT {' || '.join(lines)} FROM ({compared}) AS c ORDER BY {keys}"
    return pgcopy.CopySource(sql=sql, params=(*params, *who_params), format=pgcopy.BINARY)


def _person_cells():
    """SQL of each user's id and the cell of their name (`history.People`), once each."""
    sql, params = (
        User.objects.order_by()
        .values("id", "username", "first_name", "last_name")
        .query.sql_with_params()
    )
    name = pgcopy.person("p.id", "p.username", "p.first_name", "p.last_name")
    return f"SELECT p.id, {pgcopy.text_cell(name)} AS cell FROM ({sql}) AS p OFFSET 0", params


def _shown(name, expr):
    """A field other than free text as the history shows it (`iter_changes`' `shown`),
    NULL for NULL or "": a figure plain and a date in ISO form (as csvfile.csv_cell
    writes them), a state by its label's cell."""
    labels = choice_labels_of(name)
    if labels:
        return pgcopy.label_cell(expr, labels)
    if name == "value":
        return f"trim_scale({expr})::text"
    if name == "done_on":
        return f"to_char({expr}, 'YYYY-MM-DD')"
    raise ValueError(f"{name}: a free text (FREE_TEXT) or a field _shown knows")
