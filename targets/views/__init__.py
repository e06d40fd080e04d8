"""Views, one module per area: plan.py (plan and indicator pages), exports.py (downloads)."""

from .exports import (
    export_history_csv,
    export_reports_csv,
    export_summary_csv,
    export_summary_xlsx,
)
from .plan import home, indicator_detail, plan_detail

__all__ = [
    "export_history_csv",
    "export_reports_csv",
    "export_summary_csv",
    "export_summary_xlsx",
    "home",
    "indicator_detail",
    "plan_detail",
]
