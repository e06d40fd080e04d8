"""Plans across years: the list of plans with their standing, an indicator's line of
continuation, and this year's quarters against last year's.

Everything here is read in a fixed number of queries, whatever the number of years
or indicators (tests/test_years.py pins them): the plans a user may see (one query,
shared with the page's own plan, see views/common.py `plan_for`), the keys and
links of the indicators of one line (a recursive query), and those indicators with
their reports and revisions.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import connection

from .indicator import Indicator
from .overview import Progress
from .standing import Status


@dataclass
class PlanYear:
    """A plan on the plans page: its final (closed) or current (active) standing."""

    plan: object
    quarter: int | None  # the as-of quarter; None for a draft
    standings: list = field(default_factory=list)
    to_confirm: int = 0  # a draft's targets still to be confirmed

    @property
    def progress(self):
        return Progress.of(self.standings) if self.quarter else None

    @property
    def met(self):
        return sum(1 for s in self.standings if s.status == Status.MET)

    @property
    def rated(self):
        return sum(1 for s in self.standings if s.status)

    @property
    def is_year_end(self):
        return self.quarter == 4


def plan_years(plans, today):
    """One `PlanYear` per plan of `plans` (a list), in their order: four queries for
    all of them (their indicators, reports, revisions and the revisions' authors)."""
    by_plan = defaultdict(list)
    for indicator in Indicator.objects.filter(plan__in=[p.pk for p in plans]).for_standings():
        by_plan[indicator.plan_id].append(indicator)
    rows = []
    for plan in plans:
        indicators = by_plan[plan.pk]
        if plan.is_draft:
            rows.append(
                PlanYear(plan, None, to_confirm=sum(1 for i in indicators if i.target_to_confirm))
            )
            continue
        quarter = plan.final_quarter(today)
        rows.append(PlanYear(plan, quarter, [i.standing(quarter) for i in indicators]))
    return rows


# -- An indicator across years ------------------------------------------------------


@dataclass
class IndicatorYear:
    """One year of an indicator's line: its target, its figure and status as of the
    plan's final (closed) or current (active) quarter; a draft has neither."""

    indicator: object
    standing: object  # None for a draft
    is_this_page: bool = False

    @property
    def plan(self):
        return self.indicator.plan

    @property
    def quarter(self):
        return self.standing.quarter if self.standing else None


@dataclass
class QuarterPair:
    """One quarter of this year against the same quarter of last year (同比)."""

    quarter: int
    this_year: Decimal | None
    last_year: Decimal | None

    @property
    def change(self):
        if self.this_year is None or self.last_year is None:
            return None
        return self.this_year - self.last_year


@dataclass
class Continuation:
    """An indicator's line across the years a user may see, oldest first."""

    indicator: object  # the page's
    years: list  # of IndicatorYear
    same_quarters: list  # of QuarterPair; empty without last year's figures

    @property
    def previous(self):
        """The year before this page's, in the line (None if it starts here)."""
        index = next(n for n, y in enumerate(self.years) if y.is_this_page)
        return self.years[index - 1] if index else None

    @property
    def has_other_years(self):
        return len(self.years) > 1

    def code_in(self):
        """{year: the code of this line's indicator in that year's plan}."""
        return {y.plan.year: y.indicator.code for y in self.years}


def _line(graph, start):
    """The keys of the indicators linked to `start` by `continues`, both ways, in a
    chain: what it continues (back) and what continues it (forward)."""
    continues = {pk: parent for pk, parent, _plan, _code in graph}
    children = defaultdict(list)
    for pk, parent, _plan, _code in graph:
        if parent is not None:
            children[parent].append(pk)
    line, seen = [start], {start}
    node = continues.get(start)
    while node is not None and node in continues and node not in seen:
        line.insert(0, node)
        seen.add(node)
        node = continues.get(node)
    node = start
    while children.get(node):
        node = min(children[node])  # one successor a year; the first if several
        if node in seen:
            break
        line.append(node)
        seen.add(node)
    return line


def indicator_graph(plans, plan, code):
    """(pk, continues, plan, code) of `plan`'s indicator `code` and of every indicator
    of `plans` linked to it by `continues`, either way: one query, whatever the size
    of the plans (a recursive query walks the links; it reads a handful of rows where
    a list of every indicator of every year would read tens of thousands).

    Written in SQL because the ORM has no recursive query; `WITH RECURSIVE` is the
    same on SQLite and PostgreSQL (one recursive term each: PostgreSQL allows no more).
    UNION, not UNION ALL, so a loop of links ends.
    """
    table = connection.ops.quote_name(Indicator._meta.db_table)
    keys = [p.pk for p in plans]
    among = ", ".join(["%s"] * len(keys))
    sql = f"""
        WITH RECURSIVE back(id, continues_id) AS (
            SELECT id, continues_id FROM {table} WHERE plan_id = %s AND code = %s
            UNION
            SELECT i.id, i.continues_id FROM {table} i JOIN back ON i.id = back.continues_id
        ), ahead(id) AS (
            SELECT id FROM {table} WHERE plan_id = %s AND code = %s
            UNION
            SELECT i.id FROM {table} i JOIN ahead ON i.continues_id = ahead.id
            WHERE i.plan_id IN ({among})
        )
        SELECT id, continues_id, plan_id, code FROM {table}
        WHERE (id IN (SELECT id FROM back) OR id IN (SELECT id FROM ahead))
            AND plan_id IN ({among})
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, [plan.pk, code, plan.pk, code, *keys, *keys])
        return [tuple(row) for row in cursor.fetchall()]


def find_in_graph(graph, plan, code):
    """The key of `plan`'s indicator `code` in `graph`, or None."""
    return next((pk for pk, _c, plan_id, c in graph if plan_id == plan.pk and c == code), None)


def continuation(graph, start, today):
    """The line of the indicator `start` (a key of `graph`), with its years' standings:
    four queries (the indicators with plan, pillar and section; reports; revisions)."""
    keys = _line(graph, start)
    indicators = {i.pk: i for i in Indicator.objects.filter(pk__in=keys).for_standings()}
    years = []
    for key in keys:
        indicator = indicators[key]
        plan = indicator.plan
        standing = None if plan.is_draft else indicator.standing(plan.final_quarter(today))
        years.append(IndicatorYear(indicator, standing, is_this_page=key == start))
    years.sort(key=lambda y: y.plan.year)
    line = Continuation(indicator=indicators[start], years=years, same_quarters=[])
    line.same_quarters = same_quarters(line, today)
    return line


def same_quarters(line, today):
    """This year's quarterly figures against last year's same quarters, where the
    indicator has figures; quarters where neither has one are left out."""
    this, previous = line.indicator, line.previous
    if previous is None or not this.has_figure or not previous.indicator.has_figure:
        return []
    mine = this.standing(this.plan.final_quarter(today)).quarter_values
    theirs = previous.indicator.standing(4).quarter_values
    pairs = [QuarterPair(q, mine.get(q), theirs.get(q)) for q in (1, 2, 3, 4)]
    return [p for p in pairs if p.this_year is not None or p.last_year is not None]


def codes_by_year(plan, code):
    """{year: code} of the line of `plan`'s indicator `code` across the years in
    `plan.all_years` (one light query), for the year switcher of its pages."""
    graph = indicator_graph(plan.all_years, plan, code)
    start = find_in_graph(graph, plan, code)
    if start is None:
        return {plan.year: code}
    years = {p.pk: p.year for p in plan.all_years}
    rows = {pk: (plan_id, c) for pk, _parent, plan_id, c in graph}
    return {years[rows[pk][0]]: rows[pk][1] for pk in _line(graph, start)}
