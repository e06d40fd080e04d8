"""One plan in one file, and back: `manage.py backup_plan` / `manage.py restore_plan`.

The file holds everything the plan's pages, exports and history are made from —
its structure (plan, elements, results of the year before, indicators), its target
revisions, reporting periods, reports, the history of plan, indicators, periods and
reports, the ledger (places, items, evidence file records and their history), and the
bureau's sections and users (without passwords: a restored user gets a new one from an
administrator) — as Django's serialised objects with their primary keys, in one JSON
document (gzip-compressed when the file name ends in ".gz").

With it go the earlier plans its indicators continue (and those they continue, …),
so the restored plan keeps its line across years; `backup_plan all` writes every
plan.

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

from .ledgers import ledger_app
from .models import (
    BaselineResult,
    Contribution,
    Indicator,
    IndicatorUnit,
    Plan,
    PlanElement,
    QuarterlyReport,
    ReportingPeriod,
    TargetRevision,
)
from .models.freshness import bump

FORMAT = "kpitracker-plan"
# 2: plans have a state, indicators continue earlier ones, targets have revisions.
# A file of version 1 (one plan, before plans had a state) is read as an active plan.
# 3: several lead units and cooperating units (IndicatorUnit), their contributions;
# an older file's lead section is read as the one lead unit.
VERSION = 3
READABLE_VERSIONS = (1, 2, 3)

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


def plans_with_their_past(plan):
    """`plan` and the earlier plans its indicators (or the plan itself) continue, and so
    on back: what the file must hold for every link of the plan to resolve."""
    keys, todo = set(), {plan.pk}
    while todo:
        keys |= todo
        linked = set(
            Indicator.objects.filter(plan__in=todo, continues__isnull=False).values_list(
                "continues__plan", flat=True
            )
        )
        linked |= set(
            Plan.objects.filter(pk__in=todo, continues__isnull=False).values_list(
                "continues", flat=True
            )
        )
        todo = linked - keys
    return Plan.objects.filter(pk__in=keys)


def _querysets(plans):
    """Everything of `plans`, parents before children.

    The ledger (台账) too, as the ledger app lists it (`Ledger.archived`): the
    places, the items and their evidence files' records, with their history.
    """
    indicators = Indicator.objects.filter(plan__in=plans)
    return [
        (Section.objects.all(), None),
        (User.objects.all(), USER_FIELDS),
        (plans, None),
        (Plan.history.filter(id__in=plans.values("pk")), None),
        (PlanElement.objects.filter(plan__in=plans), None),
        (BaselineResult.objects.filter(plan__in=plans), None),
        (indicators, None),
        (IndicatorUnit.objects.filter(indicator__in=indicators), None),
        (Indicator.history.filter(plan__in=plans), None),
        (TargetRevision.objects.filter(indicator__in=indicators), None),
        (ReportingPeriod.objects.filter(plan__in=plans), None),
        (ReportingPeriod.history.filter(plan__in=plans), None),
        (QuarterlyReport.objects.filter(indicator__in=indicators), None),
        (QuarterlyReport.history.filter(indicator_id__in=indicators.values("pk")), None),
        (Contribution.objects.filter(indicator__in=indicators), None),
        *ledger_app().archived(indicators),
    ]


def dump_plan(plan, path, *, every_plan=False):
    """Write `plan` (with the earlier plans it continues; every plan with
    `every_plan`) to `path`; returns the number of objects written."""
    plans = Plan.objects.all() if every_plan else plans_with_their_past(plan)
    objects = list(
        chain.from_iterable(
            serializers.serialize("python", queryset.order_by("pk"), fields=fields)
            for queryset, fields in _querysets(plans)
        )
    )
    document = {
        "format": FORMAT,
        "version": VERSION,
        "year": plan.year,
        "years": sorted(plans.values_list("year", flat=True)),
        "objects": objects,
    }
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
    if document.get("format") != FORMAT or document.get("version") not in READABLE_VERSIONS:
        raise ArchiveError(f"{path} is not a {FORMAT} file of version {VERSION}.")
    with transaction.atomic():
        _refuse_unless_empty()
        models = set()
        with connection.constraint_checks_disabled():
            objects = _units_from_lead_sections(document["objects"])
            for item in serializers.deserialize("python", objects):
                if isinstance(item.object, User):
                    item.object.set_unusable_password()
                item.save()  # raw: no history rows, no workflow checks, times kept
                models.add(type(item.object))
        connection.check_constraints()
        _reset_sequences(models)
        if document["version"] == 1:
            Plan.objects.update(state=Plan.State.ACTIVE)  # reported on before states existed
            bump()  # update() sends no signal: the kept pages' generation by hand
    return Plan.objects.get(year=document["year"])


def _units_from_lead_sections(objects):
    """An archive of version 1 or 2 names one `lead_section` per indicator (and in its
    history rows): it becomes the indicator's one lead unit, as the migration does."""
    converted = []
    for obj in objects:
        fields = obj.get("fields", {})
        if obj.get("model") in ("targets.indicator", "targets.historicalindicator"):
            lead = fields.pop("lead_section", None)
            if lead is not None and obj["model"] == "targets.indicator":
                converted.append(obj)
                obj = {
                    "model": "targets.indicatorunit",
                    "fields": {"indicator": obj["pk"], "section": lead, "role": "lead", "order": 0},
                }
        converted.append(obj)
    return converted


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
