"""A plan's approval chain, set on its setup page by an administrator."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ..models.approval import ChainInUse, replace_chain
from ..setup_forms import chain_formset
from .common import get_plan
from .years import _manager, _render_setup


@login_required
@require_POST
def approval_chain(request, year):
    _manager(request)
    plan = get_plan(request, year)
    formset = chain_formset(plan, request.POST)
    if not formset.is_valid():
        return _render_setup(request, plan, None, status=400, chain=formset)
    steps = []
    for form in formset.forms:  # in the order shown: the chain's order
        if form.instance.pk is None and not form.has_changed():
            continue  # the empty row left empty
        if form.cleaned_data.get("DELETE"):
            continue
        steps.append(_unsaved(form.save(commit=False)))
    try:
        replace_chain(plan, steps)
    except ChainInUse as waiting:
        refusal = _(
            "%(n)s reports wait partway through the chain: approve or return them "
            "before changing it."
        ) % {"n": waiting.args[0]}
        return _render_setup(request, plan, None, status=409, refusal=refusal, chain=formset)
    messages.success(request, _("The approval chain is saved."))
    return redirect("targets:plan_setup", year=year)


def _unsaved(step):
    step.pk = None
    step._state.adding = True
    return step
