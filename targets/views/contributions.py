"""A cooperating section adds its part to a quarter's report (targets.contribute)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .. import clock
from ..forms import ContributionForm
from ..models import Contribution
from ..rules import may_contribute
from .common import get_indicator, get_plan, quarter_or_404
from .reporting import _page_context, _render, _report_page


@login_required
@require_POST
def contribute(request, year, code, quarter):
    """Keep the contribution and go back to the report page; a refused or empty one
    shows the page again with the message next to the field and nothing stored."""
    plan = get_plan(request, year)
    indicator = get_indicator(plan, code)
    quarter_or_404(quarter)
    if not may_contribute(request.user, indicator):
        raise PermissionDenied(_("Only a cooperating unit of this indicator adds a contribution."))
    form = ContributionForm(request.POST)
    if form.is_valid():
        try:
            Contribution.add(
                indicator, quarter, form.cleaned_data["text"], by=request.user, today=clock.today()
            )
        except ValidationError as refusal:
            form.add_error("text", refusal)
        else:
            messages.success(request, _("Your contribution is kept; the lead units see it."))
            url = reverse("targets:report", args=[plan.year, indicator.code, quarter])
            return redirect(f"{url}#contributions-heading")
    plan, indicator, report, can_edit, can_review = _report_page(request, year, code, quarter)
    context = _page_context(request, plan, indicator, report, quarter, can_edit, can_review)
    context["contribution_form"] = form
    return _render(request, context, status=400)
