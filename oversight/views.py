"""Pages of instructions and follow-ups. Permissions come from targets/rules.py, the
state rules from the models; a form's error is the page again (400) with the message
next to its field."""

import logging

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.db.models import Prefetch
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin

from targets import clock
from targets.models import Indicator
from targets.views.common import get_plan

from .filters import FollowUpFilter
from .forms import AnswerForm, DecisionForm, FollowUpForm, InstructionForm, find_subject
from .models import FollowUp, FollowUpFile, WrongState, history_of
from .tables import FollowUpTable

logger = logging.getLogger(__name__)


def _allowed(request, permission, obj=None):
    if not request.user.has_perm(permission, obj):
        raise PermissionDenied(_("You may not do this."))


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def instruction_new(request, year):
    """An instruction on the plan (no `on`), a pillar or an indicator (`?on=P3-04`),
    as of `?quarter=N`; back to the page it is shown on."""
    _allowed(request, "oversight.write_instruction")
    plan = get_plan(request, year)
    on = request.GET.get("on", "")
    found = find_subject(plan, on)
    if found is None:
        raise Http404(_("No pillar or indicator %(code)s in this plan.") % {"code": on})
    pillar, indicator = found
    subject = indicator or pillar or plan
    initial = {"quarter": request.GET.get("quarter") or plan.default_quarter(clock.today())}
    form = InstructionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        instruction = form.save(commit=False)
        instruction.plan, instruction.pillar, instruction.indicator = plan, pillar, indicator
        instruction.written_by = request.user
        instruction.save_by(request.user, "written")
        messages.success(request, _("The instruction is recorded."))
        return redirect(f"{subject.get_absolute_url()}?quarter={instruction.quarter}")
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "oversight/instruction_form.html",
        {"plan": plan, "subject": subject, "form": form},
        status=status,
    )


@method_decorator(login_required, name="dispatch")
@method_decorator(require_safe, name="dispatch")
class FollowUpList(SingleTableMixin, FilterView):
    """Every follow-up, the reader's section's first, then by due date; filtered by
    state, owner and due date. Three queries whatever the number (count, page, the
    page's indicators)."""

    filterset_class = FollowUpFilter
    table_class = FollowUpTable
    template_name = "oversight/follow_up_list.html"
    # The table pages (one count); FilterView's own pagination would count again.
    table_pagination = {"per_page": 25}

    def get_queryset(self):
        _allowed(self.request, "oversight.view_follow_ups")
        return FollowUp.objects.for_list(self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_assign"] = self.request.user.has_perm("oversight.assign_follow_up")
        return context


follow_up_list = FollowUpList.as_view()


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def follow_up_new(request, year):
    """A follow-up of `year`'s plan; `?indicator=P3-04` fills in the indicator and its
    section."""
    _allowed(request, "oversight.assign_follow_up")
    plan = get_plan(request, year)
    indicator = None
    if code := request.GET.get("indicator"):
        indicator = plan.indicators.filter(code=code).first()
        if indicator is None:
            raise Http404(_("No indicator %(code)s in this plan.") % {"code": code})
    form = FollowUpForm(request.POST or None, plan=plan, indicator=indicator)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        follow_up = FollowUp.assign(
            plan=plan,
            subject=data["subject"],
            detail=data["detail"],
            indicators=data["indicators"],
            owner_section=data["owner_section"],
            due_date=data["due_date"],
            by=request.user,
        )
        messages.success(request, _("The follow-up is assigned."))
        return redirect(follow_up)
    status = 400 if request.method == "POST" else 200
    return render(
        request, "oversight/follow_up_form.html", {"plan": plan, "form": form}, status=status
    )


def _follow_up(request, pk):
    _allowed(request, "oversight.view_follow_ups")
    return get_object_or_404(
        FollowUp.objects.select_related("plan", "owner_section", "assigned_by", "answered_by")
        .prefetch_related(
            Prefetch("indicators", Indicator.objects.select_related("plan").order_by("code")),
            Prefetch("files", FollowUpFile.objects.order_by("pk")),
        )
        .filter(pk=pk)
    )


def _detail(request, follow_up, *, answer=None, decision=None, status=200):
    user = request.user
    can_answer = follow_up.is_owing and user.has_perm("oversight.answer_follow_up", follow_up)
    can_decide = follow_up.state == FollowUp.State.ANSWERED and user.has_perm(
        "oversight.decide_follow_up"
    )
    return render(
        request,
        "oversight/follow_up_detail.html",
        {
            "follow_up": follow_up,
            "overdue": follow_up.is_overdue(clock.today()),
            "answer_form": (answer or AnswerForm()) if can_answer else None,
            "decision_form": (decision or DecisionForm()) if can_decide else None,
            "history": history_of(follow_up),
        },
        status=status,
    )


@login_required
@require_safe
def follow_up_detail(request, pk):
    return _detail(request, _follow_up(request, pk))


@login_required
@require_POST
def follow_up_answer(request, pk):
    follow_up = _follow_up(request, pk)
    _allowed(request, "oversight.answer_follow_up", follow_up)
    form = AnswerForm(request.POST, request.FILES)
    if not form.is_valid():
        return _detail(request, follow_up, answer=form, status=400)
    try:
        follow_up.answer(form.cleaned_data["reply"], form.cleaned_data["files"], by=request.user)
    except WrongState:
        messages.error(request, _("This follow-up is not waiting for an answer any more."))
        return redirect(follow_up)
    messages.success(request, _("Your reply is sent to the office."))
    return redirect(follow_up)


@login_required
@require_POST
def follow_up_decide(request, pk):
    follow_up = _follow_up(request, pk)
    _allowed(request, "oversight.decide_follow_up")
    form = DecisionForm(request.POST)
    if not form.is_valid():
        return _detail(request, follow_up, decision=form, status=400)
    note = form.cleaned_data["note"]
    try:
        if form.cleaned_data["decision"] == DecisionForm.CLOSE:
            follow_up.close(note, by=request.user)
            messages.success(request, _("The follow-up is closed."))
        else:
            follow_up.send_back(note, by=request.user)
            messages.success(request, _("The follow-up is sent back to its section."))
    except WrongState:
        messages.error(request, _("This follow-up is not waiting for a decision any more."))
    return redirect(follow_up)


@login_required
@require_safe
def follow_up_file(request, pk, file_pk):
    """A file of a reply, to whoever may read follow-ups; inline for PDFs and images."""
    _allowed(request, "oversight.view_follow_ups")
    stored = get_object_or_404(FollowUpFile, pk=file_pk, follow_up_id=pk)
    try:
        handle = default_storage.open(stored.file.name, "rb")
    except OSError:
        logger.error("Reply file %s (%s) is missing from storage", stored.pk, stored.file)
        raise Http404(_("The file is missing from storage; tell an administrator.")) from None
    kind = stored.type
    return FileResponse(
        handle, as_attachment=not kind.inline, filename=stored.name, content_type=kind.mime
    )


__all__ = [
    "follow_up_answer",
    "follow_up_decide",
    "follow_up_detail",
    "follow_up_file",
    "follow_up_list",
    "follow_up_new",
    "instruction_new",
]
