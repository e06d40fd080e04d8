"""The calendar of a plan's periods: which quarter a date falls in, and when a quarter
begins and ends. Pure (no model, no settings): the plan, the status rule and the
ledger all ask here, so the arithmetic is written once."""

import datetime

QUARTERS = (1, 2, 3, 4)


def quarter_of(date: datetime.date) -> int:
    """The quarter `date` falls in: 1 for January–March … 4 for October–December."""
    return (date.month - 1) // 3 + 1


def quarter_start(year: int, quarter: int) -> datetime.date:
    """The first day of `quarter` of `year`."""
    return datetime.date(year, quarter * 3 - 2, 1)


def quarter_end(year: int, quarter: int) -> datetime.date:
    """The last day of `quarter` of `year` (the day whose target in force counts)."""
    if quarter == 4:
        return datetime.date(year, 12, 31)
    return quarter_start(year, quarter + 1) - datetime.timedelta(days=1)
