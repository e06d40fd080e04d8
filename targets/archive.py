"""One plan in one file, and back: `manage.py backup_plan` / `manage.py restore_plan`.

The file holds everything the plan's pages, exports and history are made from —
its structure (plan, elements, results of the year before, indicators), reporting
periods, reports, the history of all three, the ledger (places, items, evidence file
records and their history), and the bureau's sections and users
(without passwords: a restored user gets a new one from an administrator) — as
Django's serialised objects with their primary keys, in one JSON document
(gzip-compressed when the file name ends in ".gz").

It is restored into an empty database (after `migrate`), on SQLite or PostgreSQL
alike, and then shows the same figures, exports and history. For a whole
PostgreSQL database, pg_dump/pg_restore remain the tool (docs/deploy.md); this is
the way between databases, and the copy of one plan a bureau can keep.
"""

import datetime
import gzip
import json
from contextlib import contextmanager
from itertools import chain

from django.core import serializers
from django.core.management.color import no_style
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction

from accounts.models import Section, User

from .models import BaselineResult, Indicator, Plan, PlanElement, QuarterlyReport, ReportingPeriod

FORMAT = "kpitracker-plan"
VERSION = 1

# What a user row keeps: everything but the password and Django's group permissions
# (what a user may do follows from `role` and `section`).
USER_FIELDS = (
    "username",
    "first_name",
    "last_name",
    "email",
    "is_active",
    "is_staff",
    "is_superuser",
    "date_joined",
    "last_login",
    "role",
    "section",
)


class ExactJSONEncoder(DjangoJSONEncoder):
    """Django's encoder cuts times to milliseconds; a backup keeps every microsecond,
    so the history's order and times come back exactly."""

    def default(self, o):
        if isinstance(o, datetime.datetime | datetime.time):
            return o.isoformat()
        return super().default(o)


class ArchiveError(Exception):
    """The file is not a plan archive, or the database is not empty."""


def _querysets(plan):
    """Everything of `plan`, parents before children.

    The ledger (台账) too: the places, the items and their evidence files' records,
    with their history. The files' bytes live in the file storage (MEDIA_ROOT or the
    bucket) and are backed up with it (docs/deploy.md).
    """
    from ledger.models import Division, EvidenceFile, LedgerEntry

    reports = QuarterlyReport.objects.filter(indicator__plan=plan)
    entries = LedgerEntry.objects.filter(indicator__plan=plan)
    entry_history = LedgerEntry.history.filter(indicator_id__in=plan.indicators.values("pk"))
    return [
        (Section.objects.all(), None),
        (User.objects.all(), USER_FIELDS),
        (Plan.objects.filter(pk=plan.pk), None),
        (PlanElement.objects.filter(plan=plan), None),
        (BaselineResult.objects.filter(plan=plan), None),
        (Indicator.objects.filter(plan=plan), None),
        (Indicator.history.filter(plan=plan), None),
        (ReportingPeriod.objects.filter(plan=plan), None),
        (ReportingPeriod.history.filter(plan=plan), None),
        (reports, None),
        (QuarterlyReport.history.filter(indicator_id__in=plan.indicators.values("pk")), None),
        (Division.objects.all(), None),
        (Division.history.all(), None),
        (entries, None),
        (entry_history, None),
        (EvidenceFile.objects.filter(entry__in=entries), None),
        (EvidenceFile.history.filter(entry_id__in=entry_history.values("id")), None),
    ]


def dump_plan(plan, path):
    """Write `plan` to `path`; returns the number of objects written."""
    objects = list(
        chain.from_iterable(
            serializers.serialize("python", queryset.order_by("pk"), fields=fields)
            for queryset, fields in _querysets(plan)
        )
    )
    document = {"format": FORMAT, "version": VERSION, "year": plan.year, "objects": objects}
    with _open(path, "wt") as stream:
        json.dump(document, stream, cls=ExactJSONEncoder, ensure_ascii=False, indent=1)
    return len(objects)


def restore_plan(path):
    """Read the archive at `path` into this (empty) database; returns the plan."""
    with _open(path, "rt") as stream:
        try:
            document = json.load(stream)
        except ValueError as error:
            raise ArchiveError(f"{path} is not a plan archive: {error}") from None
    if document.get("format") != FORMAT or document.get("version") != VERSION:
        raise ArchiveError(f"{path} is not a {FORMAT} file of version {VERSION}.")
    with transaction.atomic():
        _refuse_unless_empty()
        models = set()
        with connection.constraint_checks_disabled():
            for item in serializers.deserialize("python", document["objects"]):
                if isinstance(item.object, User):
                    item.object.set_unusable_password()
                item.save()  # raw: no history rows, no workflow checks, times kept
                models.add(type(item.object))
        connection.check_constraints()
        _reset_sequences(models)
    return Plan.objects.get(year=document["year"])


def _refuse_unless_empty():
    for model in (Plan, Section, User):
        if model.objects.exists():
            raise ArchiveError(
                "The database is not empty: restore into a freshly migrated database "
                f"(found {model._meta.verbose_name_plural})."
            )


def _reset_sequences(models):
    """PostgreSQL: the next id of each table follows the restored rows."""
    statements = connection.ops.sequence_reset_sql(no_style(), list(models))
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


@contextmanager
def _open(path, mode):
    path = str(path)
    if path.endswith(".gz"):
        with gzip.open(path, mode, encoding="utf-8") as stream:
            yield stream
    else:
        with open(path, mode.replace("t", ""), encoding="utf-8") as stream:
            yield stream
