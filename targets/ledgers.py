"""What targets asks of the ledger (台账), and the one way it asks.

The ledger (ledger/) depends on the plan and its reports: its items belong to an
indicator's quarter and are saved with the report. So targets never imports it. A
page, the report sheet, the review queue, the archive and the demo ask the `Ledger`
the ledger app gives here in its `AppConfig.ready()` (ledger/interface.py), and so
do the exports (the item names of the meeting summary).

A leaf module: it imports no model, so the models may ask it too.
"""

from typing import Any, Protocol


class Ledger(Protocol):
    def entries(self) -> Any:
        """Every item (a QuerySet of `ledger.LedgerEntry`, to filter further)."""

    def entries_of(self, indicator, quarter: int) -> Any:
        """The items of `indicator` dated in `quarter`, with their places and files."""

    def divisions(self) -> Any:
        """The counties and districts (a QuerySet of `ledger.Division`)."""

    def formset(self, data, files, *, indicator, plan, quarter, today, queryset=None) -> Any:
        """The quarter's items as the report form's rows (bound when `data` is given);
        its `edit()` is what `QuarterlyReport.save_by(ledger=...)` applies."""

    def for_page(self, indicator, user, quarter: int) -> Any:
        """What the indicator page shows of the ledger, as `user` may read it."""

    def chart(self, page) -> dict | None:
        """`for_page`'s items by county or district as a chart, or None."""

    def changes(self, indicator) -> list:
        """The ledger's changes of `indicator`, item by item, for its history page."""

    def evidence_q(self, missing: bool, prefix: str = "") -> Any:
        """The Q of the reports whose quarter's items all have a file (`missing`
        False), or which have an item without one or none (the review queue's filter)."""

    def marks(self, entries: dict, since: dict) -> dict:
        """{(indicator id, quarter): LedgerMarks}: the items of `entries` marked new or
        changed since `since`'s time for that quarter, and those removed since (the
        review queue)."""

    def item_names(self, indicators, quarter: int) -> dict[int, str]:
        """{indicator id: the names of the items behind its counted figures up to
        `quarter`} (the meeting summary's last column)."""

    def archived(self, indicators) -> list:
        """[(queryset, fields or None)] of the ledger of `indicators` for an archive,
        parents before children (targets/archive.py)."""

    def prepare_demo(self, plan) -> None:
        """The demo's places, and its ledger indicators counting from their items."""

    def demo_edit(self, indicator, quarter: int) -> Any:
        """The demo's items of `indicator` in `quarter` to save with its report, or None."""


_given: list[Ledger] = []


def provide(ledger: Ledger) -> None:
    """Called by the ledger app's `ready()`; a second call replaces the first."""
    _given[:] = [ledger]


def ledger_app() -> Ledger:
    if not _given:
        raise LookupError("No ledger app gives targets its ledger (INSTALLED_APPS).")
    return _given[0]
