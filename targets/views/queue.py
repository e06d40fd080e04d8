"""The review queue: what waits for the reviewer at their approval step, filtered,
sorted and paged, and approving several reports at once. The menu's count of what
waits (`waiting_count`) is answered with the unread notices by notices.views.menu_counts.

A page costs a fixed number of queries whatever the queue's length
(tests/test_review_queue.py pins them): the rows are ranked in one pass
(`ranked`), and only the page's rows load their trails and ledgers (`queue_items`).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST, require_safe

from ..filters import ReviewQueueFilter
from ..forms import ApproveTogetherForm, ReviewForm
from ..models.review import (
    approve_together,
    queue_items,
    ranked,
    waiting_reports,
)
from . import ahead
from .common import get_plan, no_plan
from .reporting import _other_active, _reporting_plan

# Rows per page: each is one line (its details fold), so a deadline day's queue of
# a section or two fits a page.
QUEUE_PER_PAGE = 20


def _may_see_queue(request):
    if not request.user.has_perm("targets.review_queue"):
        raise PermissionDenied(_("Only reviewers approve or return reports."))


@login_required
@require_safe
def review_queue(request):
    _may_see_queue(request)
    plan = _reporting_plan(request)
    if plan is None:
        return no_plan(request)
    waiting = waiting_reports(plan, request.user)
    filterset = ReviewQueueFilter(request.GET, waiting, plan=plan)
    rows = ranked(
        filterset.qs, plan, status=filterset.cleaned("status"), order=filterset.cleaned("sort")
    )
    page = Paginator(rows, QUEUE_PER_PAGE).get_page(request.GET.get("page"))
    items = queue_items(page.object_list)
    return render(
        request,
        "targets/review_queue.html",
        {
            "plan": plan,
            "filter": filterset,
            "filtered": any(filterset.cleaned(name) != "" for name in filterset.filters),
            "page": page,
            "page_range": page.paginator.get_elided_page_range(page.number),
            "items": items,
            "reports": [item.report for item in items],
            "approvable": [item for item in items if not item.needs_comment],
            "review_form": ReviewForm(),
            "other_plans": _other_active(plan),
            # The filters, order and page to come back to after approving.
            "query": request.GET.urlencode(),
        },
    )


@login_required
@require_POST
def approve_together_view(request, year):
    """Approve the reports ticked in the queue; back to the queue (with its filters)
    saying how many were approved and which were skipped, and why."""
    _may_see_queue(request)
    plan = get_plan(request, year)
    if not plan.is_active:
        raise Http404(plan.refusal_to_report())
    back = reverse("targets:review_queue")
    # Only the queue's own parameters come back, the empty ones left out (no other URL
    # can be made of them).
    query = QueryDict(request.POST.get("query", ""), mutable=True)
    for name in list(query):
        if name not in {"year", "page", *ReviewQueueFilter.base_filters} or not query[name]:
            del query[name]
    if query:
        back = f"{back}?{query.urlencode()}"
    form = ApproveTogetherForm(request.POST)
    if not form.is_valid():
        for error in form.non_field_errors():
            messages.error(request, error)
        return redirect(back)
    with ahead.before_commit(request):
        done = approve_together(plan, request.user, form.cleaned_data["picked"])
    if done.approved:
        messages.success(
            request,
            ngettext(
                "%(n)s report approved: %(list)s.",
                "%(n)s reports approved: %(list)s.",
                len(done.approved),
            )
            % {
                "n": len(done.approved),
                "list": _("; ").join(
                    f"{report.indicator.code} Q{report.quarter} ({state})"
                    for report, state in done.approved
                ),
            },
        )
    if done.skipped:
        messages.error(
            request,
            ngettext(
                "%(n)s report skipped: %(list)s",
                "%(n)s reports skipped: %(list)s",
                len(done.skipped),
            )
            % {
                "n": len(done.skipped),
                "list": " ".join(f"{_label(report)}{_(': ')}{why}" for report, why in done.skipped),
            },
        )
    return redirect(back)


def _label(report):
    if isinstance(report, int):
        return f"#{report}"
    return f"{report.indicator.code} Q{report.quarter}"
