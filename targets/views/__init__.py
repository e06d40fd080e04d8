"""Views, one module per area: plan.py (the plan dashboard, pillar and indicator pages)."""

from .plan import home, indicator_detail, pillar_detail, plan_detail

__all__ = ["home", "indicator_detail", "pillar_detail", "plan_detail"]
