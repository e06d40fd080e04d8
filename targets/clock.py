"""Today's date as kpitracker sees it.

`KPI_TODAY` (an ISO date) pins it for demos and tests: the demo runs as on
2024-10-08, when Q3 2024 has just ended and its reports are due.
"""

from django.conf import settings
from django.utils import timezone


def today():
    return settings.KPI_TODAY or timezone.localdate()
