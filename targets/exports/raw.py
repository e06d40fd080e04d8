"""The raw exports: every report, and every change of a report (who, when, what,
old, new, why).

Each is read with one query, as plain tuples (no model instances), and streamed
with `.iterator()`: memory stays bounded whatever the size of the plan, and the
number of queries is fixed. On PostgreSQL the same query, wrapped in `COPY`, writes
the CSV lines itself (`reports_copy`, `history_copy`, pgcopy.py): the same bytes at
the database's own speed; the rows here remain the rule (and SQLite's writer).
"""

from django.db import connections
from django.db.models import F
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

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
from ..models.report import choice_labels
from . import pgcopy
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
        copy=reports_copy(reports) if _on_postgresql(reports) else None,
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
        (pgcopy.number(r["quarter"]), PLAIN),
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
        copy=history_copy(records) if _on_postgresql(records) else None,
    )


def history_copy(records):
    """`history_table`'s CSV lines, written by PostgreSQL (pgcopy.py).

    The rule of `iter_changes`, in SQL: each historical row is compared with the
    previous row of the same report among `records` (LAG over the report's rows by
    time) and writes one line per field that changed — on a report's first row, per
    field given a value — or one line without a field when none did, and for a
    delete. A historical row's lines come out as one block (one COPY row), so the
    lines are never sorted one by one, and what they share (when, who, which
    indicator, why) is written once per block.
    """
    # What the Python writer reads (HISTORY_QUERY), and the key that orders a
    # report's rows in time.
    fields = ("history_id", *HISTORY_QUERY)
    rows, params = _aliased(records, fields)
    r = {field: f"r_{n}" for n, field in enumerate(fields)}  # the columns of `rows`
    keys = ", ".join(r[f] for f in ("id", "history_date", "history_id"))
    count = len(HISTORY_FIELDS)
    author = [
        r["history_user" + part] for part in ("_id", "__username", "__first_name", "__last_name")
    ]
    # 1. Each historical row beside the previous one of its report, with what all its
    # lines show computed once.
    compared = (
        "SELECT *, row_number() OVER w AS rn, "
        + ", ".join(f"lag({r[f]}) OVER w AS p_{n}" for n, f in enumerate(HISTORY_FIELDS))
        + f", {pgcopy.local_datetime(r['history_date'])} AS at"
        + f", {pgcopy.person(*author)} AS who"
        + f", {pgcopy.indicator_name(r['indicator__name_zh'], r['indicator__name_en'])} AS name"
        + f", {pgcopy.number(r['quarter'])} AS quarter"
        + f", {pgcopy.label(r['history_type'], kind_labels(), otherwise_value=True)} AS what"
        + f" FROM ({rows}) AS r WINDOW w AS "
        f"(PARTITION BY {r['id']} ORDER BY {r['history_date']}, {r['history_id']})"
    )
    # 2. The cells every line of the row shares, written once; which fields changed.
    cells = (pgcopy.text_cell(c) for c in ("who", r["indicator__code"], "name", "what"))
    head = ", ".join(("at", *list(cells)[:3], "quarter", pgcopy.text_cell("what")))
    changed = [
        f"CASE WHEN rn = 1 THEN {r[name]} IS NOT NULL AND {r[name]}::text <> '' "
        f"ELSE p_{n} IS DISTINCT FROM {r[name]} END AS changed_{n}"
        for n, name in enumerate(HISTORY_FIELDS)
    ]
    values = [f"{r[name]} AS v_{n}, p_{n}" for n, name in enumerate(HISTORY_FIELDS)]
    described = (
        f"SELECT {keys}, {r['history_type']} AS kind, concat_ws(',', {head}) AS head, "
        f"{pgcopy.text_cell(r['history_change_reason'])} AS why, "
        f"{', '.join(changed)}, {', '.join(values)} "
        f"FROM ({compared}) AS h ORDER BY {keys} OFFSET 0"
    )
    # 3. The old and new values as shown, of the changed fields only, computed once
    # each: the cell rules below name a value several times, and PostgreSQL would
    # compute an expression as often as it is named (10 s of 16 for a million rows).
    shown = [
        f"CASE WHEN changed_{n} THEN {_shown(name, f'p_{n}')} END AS old_{n}, "
        f"CASE WHEN changed_{n} THEN {_shown(name, f'v_{n}')} END AS new_{n}"
        for n, name in enumerate(HISTORY_FIELDS)
    ]
    flags = ", ".join(f"changed_{n}" for n in range(count))
    with_values = (
        f"SELECT {keys}, kind, head, why, {flags}, {', '.join(shown)} "
        f"FROM ({described}) AS s ORDER BY {keys} OFFSET 0"
    )
    # 4. The block: a line per changed field (its old and new values written only
    # then), or the line without a field; lines joined by CRLF, and a last CR, as COPY
    # ends each of its rows with LF. The ORDER BYs above are the window's own order,
    # so PostgreSQL sorts only once.
    lines = [
        f"CASE WHEN kind <> '-' AND changed_{n} THEN concat_ws(',', head, "
        f"{pgcopy.text_cell(pgcopy.literal(field_label(name)))}, "
        f"{pgcopy.text_cell(f'old_{n}')}, {pgcopy.text_cell(f'new_{n}')}, why) END"
        for n, name in enumerate(HISTORY_FIELDS)
    ]
    unchanged = " AND ".join(f"NOT changed_{n}" for n in range(count))
    lines.append(
        f"CASE WHEN kind = '-' OR ({unchanged}) THEN concat_ws(',', head, '', '', '', why) END"
    )
    block = f"concat_ws(chr(13) || chr(10), {', '.join(lines)}) || chr(13)"
    sql = f"SELECT {block} FROM ({with_values}) AS d ORDER BY {keys}"
    return pgcopy.CopySource(sql=sql, params=tuple(params))


def _shown(name, expr):
    """A field's value as the history shows it (`iter_changes`' `shown`): nothing for
    NULL or "", a state by its label, a figure plain, a date in ISO form."""
    labels = choice_labels_of(name)
    if labels:
        shown = pgcopy.label(expr, labels, otherwise_value=True)
    elif name == "value":
        shown = f"trim_scale({expr})::text"
    elif name == "done_on":
        shown = f"to_char({expr}, 'YYYY-MM-DD')"
    else:
        shown = expr
    return f"CASE WHEN {expr} IS NULL OR {expr}::text = '' THEN NULL ELSE {shown} END"
