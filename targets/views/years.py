"""Plans across years: the list of plans, a plan's setup (open, close, reopen) and
starting next year's plan from this one."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from .. import clock
from ..models.plan import PlanStateError
from ..models.rollover import confirm_target, refresh_last_year, roll_over
from ..models.years import plan_years
from ..setup_forms import NarrativesForm, PlanStateForm, chain_formset, target_confirm_forms
from .common import get_plan, visible_plans, year_links


def _manager(request):
    if not request.user.has_perm("targets.manage_plans"):
        raise PermissionDenied(_("Only administrators set up plans."))


@login_required
@require_safe
def plan_list(request):
    """Every plan the user may see, newest first, with its state and its year-end
    (closed) or current (active) completion. Six queries whatever the number of plans:
    session, user, plans, and their indicators, reports and revisions."""
    plans = visible_plans(request.user)
    return render(
        request,
        "targets/plans.html",
        {
            "rows": plan_years(plans, clock.today()),
            "can_manage": request.user.has_perm("targets.manage_plans"),
        },
    )


def _render_setup(
    request, plan, form, status=200, refusal="", chain=None, confirm_forms=None, narratives=None
):
    history = plan.history.select_related("history_user").order_by("-history_date")
    if confirm_forms is None:
        confirm_forms = target_confirm_forms(plan) if plan.is_draft else []
    return render(
        request,
        "targets/plan_setup.html",
        {
            "plan": plan,
            "form": form,
            "confirm_forms": confirm_forms,
            "unassigned": plan.indicators.exclude(units__role="lead").count(),
            "computed": plan.indicators.exclude(last_year_quarter=None).count(),
            "next_exists": any(p.year == plan.year + 1 for p in plan.all_years),
            "year_ended": plan.has_ended(4, clock.today()),
            "history": history,
            "years": year_links(plan, "plan_setup"),
            "refusal": refusal,
            # The approval chain's steps (views/approval.py saves them).
            "chain": chain if chain is not None else chain_formset(plan),
            "narratives_form": narratives
            or NarrativesForm(initial={"narratives_required": plan.narratives_required}),
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def plan_setup(request, year):
    """An administrator's page of one plan: its state and what is left to do, the
    actions that change its state, and the history of those changes."""
    _manager(request)
    plan = get_plan(request, year)
    if request.method != "POST":
        return _render_setup(request, plan, PlanStateForm(plan=plan))
    form = PlanStateForm(request.POST, plan=plan)
    if not form.is_valid():
        return _render_setup(request, plan, form, status=400)
    action, reason = form.cleaned_data["action"], form.cleaned_data["reason"]
    try:
        if action == "open":
            plan.open_for_reporting(by=request.user)
            messages.success(
                request, _("The %(year)s plan is open for reporting.") % {"year": year}
            )
        elif action == "close":
            plan.close(by=request.user, reason=reason, today=clock.today())
            messages.success(request, _("The %(year)s plan is closed.") % {"year": year})
        elif action == "reopen":
            plan.reopen(by=request.user, reason=reason)
            messages.success(request, _("The %(year)s plan is open again.") % {"year": year})
        elif action == "refresh":
            changed = refresh_last_year(plan, by=request.user)
            messages.success(
                request,
                _("Last year's figures computed again: %(n)s changed.") % {"n": changed},
            )
        else:
            plan.delete_draft()
            messages.success(request, _("The %(year)s draft is deleted.") % {"year": year})
            return redirect("targets:plans")
    except PlanStateError as refused:
        return _render_setup(request, plan, form, status=400, refusal=str(refused))
    return redirect("targets:plan_setup", year=year)


@login_required
@require_POST
def start_next_year(request, year):
    """Start next year's plan from this one (see targets/models/rollover.py)."""
    _manager(request)
    plan = get_plan(request, year)
    try:
        new = roll_over(plan, by=request.user)
    except PlanStateError as refused:
        return _render_setup(request, plan, PlanStateForm(plan=plan), 400, str(refused))
    messages.success(
        request,
        _(
            "The %(year)s plan is made as a draft from %(previous)s: confirm its targets, "
            "then open it for reporting."
        )
        % {"year": new.year, "previous": plan.year},
    )
    return redirect("targets:plan_setup", year=new.year)


@login_required
@require_POST
def confirm_targets(request, year):
    """Confirm the ticked targets of a draft made from last year's plan, each as it is
    or as changed on the setup page. Any wrong figure: nothing is confirmed, the
    page again with the message next to it."""
    _manager(request)
    plan = get_plan(request, year)
    forms = target_confirm_forms(plan, request.POST)
    if not plan.is_draft or not all([form.is_valid() for form in forms]):
        refusal = "" if plan.is_draft else _("Only a draft's targets are confirmed.")
        form = PlanStateForm(plan=plan)
        return _render_setup(request, plan, form, 400, refusal, confirm_forms=forms)
    every = request.POST.get("every") == "yes"  # "Confirm every target as shown"
    ticked = [form for form in forms if every or form.cleaned_data["confirm"]]
    try:
        with transaction.atomic():
            for form in ticked:
                confirm_target(form.indicator, form.cleaned_data["target"], by=request.user)
    except PlanStateError as refused:
        return _render_setup(request, plan, PlanStateForm(plan=plan), 409, str(refused))
    if ticked:
        messages.success(
            request,
            _("Targets confirmed: %(codes)s.")
            % {"codes": ", ".join(form.indicator.code for form in ticked)},
        )
    else:
        messages.info(request, _("No target was ticked: nothing is confirmed."))
    return redirect("targets:plan_setup", year=year)


@login_required
@require_POST
def plan_narratives(request, year):
    """Which narratives a report needs to be submitted (Plan.narratives_required)."""
    _manager(request)
    plan = get_plan(request, year)
    form = NarrativesForm(request.POST)
    if not form.is_valid():
        return _render_setup(request, plan, PlanStateForm(plan=plan), 400, narratives=form)
    try:
        plan.set_narratives_required(form.cleaned_data["narratives_required"], by=request.user)
    except PlanStateError as refused:
        return _render_setup(request, plan, PlanStateForm(plan=plan), 403, str(refused))
    messages.success(request, _("Saved: the narratives a report needs to be submitted."))
    return redirect("targets:plan_setup", year=year)
