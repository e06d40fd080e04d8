"""The plan, its indicators and their quarterly reports.

- plan.py: Plan, PlanElement (goal / focus / pillar), BaselineResult
- indicator.py: Indicator and its QuerySet (the pages' queries)
- report.py: QuarterlyReport, the figures staff enter, and its workflow
- approval.py: ApprovalStep, a plan's approval chain (one step unless configured)
- period.py: ReportingPeriod, a quarter an administrator has closed
- history.py: the changes of reports, field by field, from their history
- standing.py: the status rule — how reports turn into "how is this indicator doing"
  (against the target in force at the quarter's end)
- revision.py: TargetRevision, a target changed during the year (the original kept)
- units.py: IndicatorUnit (lead and cooperating sections), Contribution
- rollover.py: next year's plan from this one; years.py: plans across years
- freshness.py: the generation of the data, which the kept pages are keyed by
"""

from .approval import ApprovalStep
from .freshness import Change, Generation
from .indicator import Indicator, IndicatorQuerySet
from .period import ReportingPeriod
from .plan import BaselineResult, Plan, PlanElement
from .report import QuarterlyReport
from .revision import TargetRevision
from .standing import Standing, Status
from .units import Contribution, IndicatorUnit

__all__ = [
    "ApprovalStep",
    "BaselineResult",
    "Change",
    "Contribution",
    "Generation",
    "Indicator",
    "IndicatorQuerySet",
    "IndicatorUnit",
    "Plan",
    "PlanElement",
    "QuarterlyReport",
    "ReportingPeriod",
    "Standing",
    "Status",
    "TargetRevision",
]
