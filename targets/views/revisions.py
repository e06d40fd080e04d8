"""Revising a target during the year: the new target, from when, and why."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from ..models.wording import figure_text
from ..models.years import codes_by_year
from ..setup_forms import RevisionForm
from . import ahead
from .common import get_indicator, get_plan, year_links


def _render(request, plan, indicator, form, status=200):
    return render(
        request,
        "targets/revise_target.html",
        {
            "plan": plan,
            "indicator": indicator,
            "form": form,
            "revisions": indicator.revisions_list(),
            # Why the plan's targets cannot change now ("" for an active plan).
            "refusal": plan.refusal_to_revise(),
            "years": year_links(plan, "revise_target", codes=codes_by_year(plan, indicator.code)),
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def revise_target(request, year, code):
    plan = get_plan(request, year)
    indicator = get_indicator(plan, code)
    if not request.user.has_perm("targets.revise_target", indicator):
        raise PermissionDenied(_("Only administrators revise targets."))
    if not indicator.has_target:
        raise Http404(_("%(code)s has no target to revise.") % {"code": code})
    indicator.plan = plan  # the plan already fetched (and its state)
    if request.method != "POST":
        return _render(request, plan, indicator, RevisionForm(indicator=indicator))
    if plan.refusal_to_revise():
        return _render(request, plan, indicator, RevisionForm(indicator=indicator), 403)
    form = RevisionForm(request.POST, indicator=indicator)
    if not form.is_valid():
        return _render(request, plan, indicator, form, status=400)
    try:
        with ahead.before_commit(request):
            revision = form.instance.save_checked(by=request.user)
    except ValidationError as refused:  # a quarter closed (or the plan) meanwhile
        form.add_error(None, refused)
        return _render(request, plan, indicator, form, status=409)
    messages.success(
        request,
        _("%(code)s: the target is %(target)s from %(date)s; the original is kept.")
        % {
            "code": code,
            "target": figure_text(revision.target),
            "date": revision.effective_from.isoformat(),
        },
    )
    return redirect(indicator)
