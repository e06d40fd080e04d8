"""What the indicator page shows of its ledger: the items by quarter, with their files,
and the count by county/district behind the figure."""

from dataclasses import dataclass, field

from targets.models.plan import QUARTERS

from .entry import LedgerEntry


@dataclass
class QuarterEntries:
    quarter: int
    report: object  # the quarter's QuarterlyReport (None: no report yet)
    entries: list

    @property
    def heading_id(self):
        return f"ledger-q{self.quarter}"

    @property
    def counts(self):
        """Whether these items are behind a figure that counts (submitted or approved)."""
        return self.report is not None and self.report.counts


@dataclass
class DivisionRow:
    division: object
    counts: dict  # {quarter: number of items}
    total: int = 0


@dataclass
class IndicatorLedger:
    """The ledger of one indicator as of `quarter`, as one user may read it.

    `quarters`: every quarter whose report they may read (drafts only for its
    section and the planning office, targets.read_report), with its items.
    `breakdown`: the items behind the counted figures up to `quarter`, by place; for
    a ledger that counts its figure, `total` is the figure's year to date.
    """

    indicator: object
    quarter: int
    quarters: list = field(default_factory=list)
    breakdown: list = field(default_factory=list)
    total: int = 0
    totals: dict = field(default_factory=dict)  # {quarter: items counted}

    @property
    def breakdown_quarters(self):
        return [q for q in QUARTERS if q <= self.quarter]

    @property
    def entry_count(self):
        return sum(len(q.entries) for q in self.quarters)

    @classmethod
    def for_page(cls, indicator, user, quarter):
        """Two queries (the entries with their places, their files), using the reports
        prefetched on `indicator` (`Indicator.objects.with_reports()`)."""
        reports = {r.quarter: r for r in indicator.reports_list()}
        readable = {q for q, r in reports.items() if user.has_perm("targets.read_report", r)}
        entries = list(
            LedgerEntry.objects.filter(indicator=indicator, quarter__in=readable)
            .with_files()
            .order_by("date", "pk")
        )
        ledger = cls(indicator=indicator, quarter=quarter)
        for q in sorted(readable):
            ledger.quarters.append(
                QuarterEntries(q, reports[q], [e for e in entries if e.quarter == q])
            )
        rows = {}
        for q in ledger.quarters:
            if not q.counts or q.quarter > quarter:
                continue
            ledger.totals[q.quarter] = len(q.entries)
            for entry in q.entries:
                row = rows.setdefault(entry.division_id, DivisionRow(entry.division, {}))
                row.counts[q.quarter] = row.counts.get(q.quarter, 0) + 1
                row.total += 1
        ledger.breakdown = sorted(
            rows.values(), key=lambda r: (-r.total, r.division.order, r.division.name_zh)
        )
        ledger.total = sum(ledger.totals.values())
        return ledger
