"""A plan as of one quarter: its structure with every indicator's standing.

Built by `Plan.overview(quarter)` in a fixed number of queries (see its docstring);
the plan page, the dashboards and the exports read from it.
"""

from collections import Counter
from dataclasses import dataclass, field

from .standing import Status


@dataclass
class PillarOverview:
    pillar: object
    standings: list = field(default_factory=list)

    @property
    def status_counts(self):
        return _count_statuses(self.standings)


@dataclass
class PlanOverview:
    plan: object
    quarter: int
    goals: list
    focuses: list
    pillars: list  # of PillarOverview, in plan order

    @property
    def standings(self):
        return [s for p in self.pillars for s in p.standings]

    @property
    def elapsed_share(self):
        """Share of the year gone by the end of the as-of quarter (时间进度)."""
        return self.quarter / 4

    @property
    def status_counts(self):
        return _count_statuses(self.standings)


def _count_statuses(standings):
    counts = Counter(s.status for s in standings if s.status)
    return [(status, counts.get(status.value, 0)) for status in Status]
