"""What one API client may read: targets/rules.py's answer for it, narrowed to the
plans and sections an administrator chose for it. Every view starts from here; each
function is a queryset (subqueries, no query of its own)."""

from ledger.models import LedgerEntry
from targets.models import Indicator, Plan, PlanElement, QuarterlyReport
from targets.models.report import readable_by
from targets.rules import indicators_led_by


def plans(principal):
    """Plans that are not drafts (targets.view_draft_plans), of the client's choice."""
    found = Plan.objects.visible_to(principal)
    if principal.plan_ids:
        found = found.filter(pk__in=principal.plan_ids)
    return found


def elements(principal):
    return PlanElement.objects.filter(plan__in=plans(principal))


def indicators(principal):
    found = Indicator.objects.filter(plan__in=plans(principal))
    if principal.section_ids:
        found = found.filter(indicators_led_by(principal.section_ids))
    return found


def reports(principal):
    """Published reports only (targets.read_report for a reader without a section)."""
    return QuarterlyReport.objects.filter(indicator__in=indicators(principal)).readable_by(
        principal
    )


def history(principal):
    """The reports' historical rows, each as readable as the report was then."""
    records = QuarterlyReport.history.filter(indicator__in=indicators(principal))
    return readable_by(records, principal)


def entries(principal):
    """Ledger entries of published reports (targets.read_ledger_entry, as a filter)."""
    return LedgerEntry.objects.filter(indicator__in=indicators(principal)).readable_by(principal)
