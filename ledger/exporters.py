"""ledger.csv and ledger.xlsx: the ledger of the plan, or of one `?pillar=` or
`?indicator=` (exporters on targets' base, which writes them with the same formula
neutralising), and the item names the meeting summary can carry (`item_names`,
which targets asks for through `targets.ledgers.Ledger.item_names`)."""

from django.db.models import OuterRef, Subquery
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from targets.exports.base import Exporter, register
from targets.exports.table import NUMBER, Column, Row
from targets.models import QuarterlyReport
from targets.models.history import CHUNK_SIZE
from targets.models.report import choice_labels

from .models import LedgerEntry

LEDGER_COLUMNS = (
    Column("no", gettext_lazy("No."), NUMBER, width=5),
    Column("code", gettext_lazy("Code"), width=8),
    Column("indicator", gettext_lazy("Indicator"), width=30, wrap=True),
    Column("quarter", gettext_lazy("Quarter"), NUMBER, width=7),
    Column("date", gettext_lazy("Date"), width=11),
    Column("item", gettext_lazy("Item"), width=34, wrap=True),
    Column("division", gettext_lazy("County or district"), width=14, wrap=True),
    Column("document_number", gettext_lazy("Document number (文号)"), width=20, wrap=True),
    Column("note", gettext_lazy("Note"), width=30, wrap=True),
    Column("files", gettext_lazy("Evidence files"), width=30, wrap=True),
    Column("approval_state", gettext_lazy("Approval state"), width=10),
)


def ledger_rows(entries):
    """`entries` (a queryset) with their indicator, place, files and report state, in
    plan order: two queries, streamed in chunks."""
    state = QuarterlyReport.objects.filter(
        indicator_id=OuterRef("indicator_id"), quarter=OuterRef("quarter")
    ).values("state")[:1]
    rows = (
        entries.select_related("indicator", "division")
        .prefetch_related("files")
        .annotate(report_state=Subquery(state))
        .order_by("indicator__order", "indicator__code", "date", "pk")
        .iterator(chunk_size=CHUNK_SIZE)
    )
    approval = choice_labels(QuarterlyReport.State)
    separator = pgettext("between the items of a list", ", ")
    for number, entry in enumerate(rows, start=1):
        yield Row(
            (
                number,
                entry.indicator.code,
                entry.indicator.name,
                entry.quarter,
                entry.date,
                entry.name,
                entry.division.name,
                entry.document_number,
                entry.note,
                separator.join(f.name for f in entry.files.all()),
                approval.get(entry.report_state, ""),
            )
        )


class Ledger(Exporter):
    """The entries the user may read (targets.read_ledger_entry), narrowed by
    `?indicator=` or `?pillar=` (an unknown code is a 404)."""

    columns = LEDGER_COLUMNS

    def __init__(self, scope):
        super().__init__(scope)
        indicators = scope.indicators
        self.code = ""
        if code := scope.params.get("indicator"):
            indicators = indicators.filter(code=code)
            self.code = code
        elif code := scope.params.get("pillar"):
            indicators = indicators.filter(pillar__code=code)
            self.code = code
        self.indicators = list(indicators.only("pk", "code"))
        if not self.indicators:
            raise Http404(_("Unknown indicator or pillar."))

    def what(self):
        """ "ledger" for the plan, "ledger-P3" for a pillar."""
        return f"ledger-{self.code}" if self.code else "ledger"

    def title(self):
        if self.code:
            return _("%(plan)s — ledger (台账) of %(what)s") % {
                "plan": self.plan.name,
                "what": self.code,
            }
        return _("%(plan)s — ledger (台账)") % {"plan": self.plan.name}

    def sheet_title(self):
        return (_("Ledger %(what)s") % {"what": self.code}) if self.code else _("Ledger")

    def rows(self):
        entries = LedgerEntry.objects.filter(indicator__in=self.indicators)
        return ledger_rows(entries.readable_by(self.scope.user))


@register
class LedgerCsv(Ledger):
    name = "ledger.csv"


@register
class LedgerXlsx(Ledger):
    name = "ledger.xlsx"


def item_names(indicators, quarter):
    """{indicator id: "Q1：甲、乙；Q3：丙"}: the items behind each counted figure up to
    `quarter` — exactly those the figures count, so the names match the numbers.
    One query. Only submitted and approved quarters, which everyone may read."""
    entries = (
        LedgerEntry.objects.filter(indicator__in=indicators, quarter__lte=quarter)
        .published()
        .order_by("indicator_id", "quarter", "date", "pk")
        .values_list("indicator_id", "quarter", "name")
    )
    by_indicator = {}
    for indicator_id, entry_quarter, name in entries:
        by_indicator.setdefault(indicator_id, {}).setdefault(entry_quarter, []).append(name)
    comma = pgettext("between item names", ", ")
    semicolon = pgettext("between the parts of a sentence", "; ")
    colon = pgettext("after a label", ": ")
    return {
        indicator_id: semicolon.join(
            f"Q{q}{colon}{comma.join(names)}" for q, names in sorted(quarters.items())
        )
        for indicator_id, quarters in by_indicator.items()
    }
