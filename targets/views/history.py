"""The change history of an indicator's reports: every signed-in user reads the
versions submitted or approved; drafts and returned versions only those who may read
them (targets/rules.py)."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_safe

from ..ledgers import ledger_app
from ..models.history import history_records, iter_changes, with_units
from ..models.report import readable_by
from ..models.years import codes_by_year
from .common import get_indicator, get_plan, year_links


@login_required
@require_safe
def indicator_history(request, year, code):
    plan = get_plan(request, year)
    indicator = get_indicator(plan, code)
    records = readable_by(history_records(indicator=indicator), request.user)
    changes = list(with_units(iter_changes(records), indicator))
    changes.sort(key=lambda change: change.when, reverse=True)  # newest first
    # The ledger's own changes (台账) for those who may read its drafts: a change made
    # while the quarter was a draft is work in progress too.
    ledger = (
        ledger_app().changes(indicator)
        if indicator.keeps_ledger and request.user.has_perm("targets.read_drafts", indicator)
        else None
    )
    return render(
        request,
        "targets/indicator_history.html",
        {
            "plan": plan,
            "indicator": indicator,
            "changes": changes,
            "ledger_changes": ledger,
            # Every revision of its target, with who, when and why (oldest first).
            "revisions": indicator.revisions_list(),
            "years": year_links(plan, "indicator_history", codes=codes_by_year(plan, code)),
        },
    )
