"""The change history of an indicator's reports, readable by staff and leaders."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_safe

from ..models.history import history_records, iter_changes
from .common import get_indicator, get_plan


@login_required
@require_safe
def indicator_history(request, year, code):
    plan = get_plan(year)
    indicator = get_indicator(plan, code)
    changes = list(iter_changes(history_records(indicator=indicator)))
    changes.sort(key=lambda change: change.when, reverse=True)  # newest first
    return render(
        request,
        "targets/indicator_history.html",
        {"plan": plan, "indicator": indicator, "changes": changes},
    )
