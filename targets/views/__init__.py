"""Views, one module per area.

- plan.py: the plan dashboard, pillar and indicator pages
- reporting.py: my reports, the report form, review
- queue.py: the review queue, approving several reports at once
- contributions.py: a cooperating unit's part of a quarter's report
- periods.py: missing reports, closing and reopening quarters
- history.py: the change history of an indicator
- exports.py: every download of a plan (one view for every exporter), the print view
- years.py: the list of plans, a plan's setup, next year's plan from this one
- approval.py: a plan's approval chain (on its setup page)
- plan_import.py: a plan from a spreadsheet; revisions.py: revising a target
- report_import.py: a quarter's reports from a spreadsheet
"""

from .approval import approval_chain
from .contributions import contribute
from .exports import export, print_summary
from .history import indicator_history
from .periods import close_quarter, missing, quarters, reopen_quarter
from .plan import home, indicator_detail, latest, pillar_detail, plan_detail
from .plan_import import plan_import, plan_template
from .queue import approve_together_view, review_queue
from .report_import import (
    report_import,
    report_import_confirm,
    report_template_csv,
    report_template_xlsx,
)
from .reporting import my_reports, report_form, review_report
from .revisions import revise_target
from .years import confirm_targets, plan_list, plan_narratives, plan_setup, start_next_year

__all__ = [
    "approval_chain",
    "approve_together_view",
    "close_quarter",
    "confirm_targets",
    "contribute",
    "export",
    "home",
    "indicator_detail",
    "indicator_history",
    "latest",
    "missing",
    "my_reports",
    "pillar_detail",
    "plan_detail",
    "plan_import",
    "plan_list",
    "plan_narratives",
    "plan_setup",
    "plan_template",
    "print_summary",
    "quarters",
    "reopen_quarter",
    "report_form",
    "report_import",
    "report_import_confirm",
    "report_template_csv",
    "report_template_xlsx",
    "review_queue",
    "review_report",
    "revise_target",
    "start_next_year",
]
