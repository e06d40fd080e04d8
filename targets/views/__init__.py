"""Views, one module per area: plan.py (plan and indicator pages)."""

from .plan import home, indicator_detail, plan_detail

__all__ = ["home", "indicator_detail", "plan_detail"]
