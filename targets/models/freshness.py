"""The generation of the data the pages show: one row, bumped where the data changes.

Pages are kept (targets/views/fragments.py) under the generation they were drawn at.
Every save or delete of a model the pages are drawn from (`DRAWN_FROM`) bumps the
generation by a signal, in the same transaction as the change itself; a writer that
bypasses signals (`bulk_create`, `QuerySet.update()`, a fixture loaded raw) calls
`bump()` itself. This replaces a version computed on every request from the highest
key of thirty-odd tables plus PostgreSQL's open transactions (a statement prepared
per connection), so any pooler, PgBouncer's transaction mode included, and no
connection options are needed (docs/decisions.md, "A generation row").

Why in the writer's transaction and not `transaction.on_commit`:

- A reader reads the generation first and the data after it (`current()` is the
  first query of a kept page). The generation and the change commit at once, so a
  reader that sees generation N+1 sees the change in every later query; one that
  still sees N may draw the new data and keep it under N — harmless, N is already
  gone for everybody else.
- After commit, the bump is a second transaction: a worker killed (or an earlier
  on_commit callback raising) between the two leaves the change committed with no
  bump, and every server keeps the old pages for ever. In the transaction, both or
  neither.
- The row is also a lock: two writers bump in the order they commit, so the log of
  what changed (`Change`, read by the kept standings to recompute only the indicators
  a change touched) has no generation committed after a higher one.

Every route that changes data here saves inside a transaction (the report workflow,
reviews, imports, the admin, quarters, revisions, restores). A bare `save()` in
autocommit mode commits its row and then the bump, in that order: meanwhile a reader
may keep the new data under the old generation, which is harmless.

The cost: each save runs two more statements, and a writer holds the row until it
commits (writers of one plan already queue on the plan's row, `lock_for_writing`).
"""

import secrets

from django.apps import apps
from django.db import connection, connections, models
from django.db.models.signals import post_delete, post_save

# (app label, model, how to find the indicator a change touches: the attribute of
# the instance, or None when the change may touch any page of any plan).
DRAWN_FROM = (
    ("targets", "QuarterlyReport", "indicator_id"),
    ("targets", "TargetRevision", "indicator_id"),
    ("targets", "Indicator", "pk"),
    ("targets", "IndicatorUnit", "indicator_id"),
    ("ledger", "LedgerEntry", "indicator_id"),
    ("ledger", "EvidenceFile", None),
    ("targets", "Plan", None),
    ("targets", "PlanElement", None),
    ("targets", "BaselineResult", None),
    ("targets", "ReportingPeriod", None),
    ("ledger", "Division", None),
    ("accounts", "Section", None),
)
# The changes a kept plan can catch up on, one row each; older ones are dropped, and
# a page kept further back than this is drawn afresh.
CHANGES_KEPT = 1000


class Generation(models.Model):
    """The one row: `number` moves with every change of what the pages show; `epoch`
    is drawn when the row is made, so a database emptied and filled again (whose
    numbers start over) never meets the pages kept before; `token` is drawn afresh
    with every number, because a writer keeps pages under its number before it
    commits (targets/views/ahead.py): rolled back, its number comes again with other
    data, never its token."""

    number = models.BigIntegerField(default=0)
    epoch = models.CharField(max_length=16)
    # A default in the database too: a server of the release before, still running
    # while the others restart on this one (docs/deploy.md), inserts no token.
    token = models.CharField(max_length=16, db_default="")

    class Meta:
        constraints = [models.CheckConstraint(condition=models.Q(id=1), name="generation_one_row")]

    def __str__(self):
        return f"{self.epoch}.{self.number}.{self.token}"


class Change(models.Model):
    """What generation `generation` changed: one indicator's data, or (no indicator)
    anything, so every kept standing of every plan is computed again."""

    generation = models.BigIntegerField(db_index=True)  # serves changed_since's range
    indicator_id = models.BigIntegerField(null=True)

    def __str__(self):
        return f"{self.generation}: {self.indicator_id or 'anything'}"


def _table(model):
    return connection.ops.quote_name(model._meta.db_table)


def bump(indicator_id=None, *, using="default"):
    """Move the generation on, recording what changed (`indicator_id`, or None for
    anything). Call it inside the transaction that changes the data, after the
    change; signals do it for every save and delete of `DRAWN_FROM`."""
    table = _table(Generation)
    with connections[using].cursor() as cursor:
        # One statement whether or not the row exists yet (a database just flushed).
        cursor.execute(
            f"INSERT INTO {table} (id, number, epoch, token) VALUES (1, 1, %s, %s) "
            f"ON CONFLICT (id) DO UPDATE SET number = {table}.number + 1, "
            "token = excluded.token RETURNING number",
            [secrets.token_hex(8), secrets.token_hex(8)],
        )
        number = cursor.fetchone()[0]
        cursor.execute(
            f"INSERT INTO {_table(Change)} (generation, indicator_id) VALUES (%s, %s)",
            [number, indicator_id],
        )
        if number % CHANGES_KEPT == 0:
            cursor.execute(
                f"DELETE FROM {_table(Change)} WHERE generation <= %s", [number - CHANGES_KEPT]
            )
    return number


def current():
    """(epoch, number, token) of the data as committed now (or as this transaction
    changed it): one query, read before the data a page is drawn from. ("", 0, "")
    before the first change."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT epoch, number, token FROM {_table(Generation)} WHERE id = 1")
        row = cursor.fetchone()
    return tuple(row) if row else ("", 0, "")


def key(generation):
    """The generation as the text of a cache key."""
    return ".".join(map(str, generation))


def changed_since(before, now):
    """The indicators changed after generation `before` up to `now` (both from
    `current()`), as a set of keys; None if anything else changed or the log does not
    reach back that far (a page kept then is drawn afresh). One query."""
    if before[0] != now[0] or now[1] - before[1] > CHANGES_KEPT or now[1] < before[1]:
        return None
    if now[1] == before[1] and now != before:
        return None  # not one history (a number drawn in a transaction rolled back)
    rows = list(
        Change.objects.filter(generation__gt=before[1], generation__lte=now[1]).values_list(
            "generation", "indicator_id"
        )
    )
    if len({generation for generation, _ in rows}) != now[1] - before[1]:
        return None  # a generation's row is gone (dropped as old)
    indicators = {indicator for _, indicator in rows}
    return None if None in indicators else indicators


def _bump_for(attribute):
    def receiver(sender, instance, using, **kwargs):
        bump(getattr(instance, attribute) if attribute else None, using=using)

    return receiver


def connect_signals():
    """Bump on every save and delete of what the pages are drawn from (TargetsConfig.ready)."""
    for label, name, attribute in DRAWN_FROM:
        model = apps.get_model(label, name)
        receiver = _bump_for(attribute)
        uid = f"kpi-generation-{label}.{name}"
        post_save.connect(receiver, sender=model, weak=False, dispatch_uid=uid)
        post_delete.connect(receiver, sender=model, weak=False, dispatch_uid=uid)
