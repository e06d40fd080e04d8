"""A person's notices in the app: the list behind the bell, marking them read, the
menu's counts (read by static/js/menu_counts.js, so that no page pays a query for
them), the person's choices of what reaches them, and a leader following an indicator
or pillar."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import F
from django.http import HttpResponseBadRequest, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from targets.models import Indicator, PlanElement
from targets.models.review import waiting_count
from targets.views.common import current_plan_or_none, get_plan

from .forms import PreferencesForm
from .models import Follow, Notice

PER_PAGE = 25


def _allowed(request, permission="notices.view_notices"):
    if not request.user.has_perm(permission):
        raise PermissionDenied(_("You may not do this."))


def _inbox(request):
    _allowed(request)
    return Notice.objects.filter(recipient=request.user, channel=Notice.Channel.APP)


@login_required
@require_safe
def notice_list(request):
    """Unread first, newest first: two queries (count, page). Each notice in the
    reader's language (`Notice.shown`)."""
    # Unread (no read_at) first: NULLs sort first ascending on SQLite, last on
    # PostgreSQL, so say so.
    notices = _inbox(request).order_by(F("read_at").asc(nulls_first=True), "-created_at", "-pk")
    page = Paginator(notices, PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "notices/list.html",
        {"page": page, "page_range": page.paginator.get_elided_page_range(page.number)},
    )


@login_required
@require_POST
def mark_read(request):
    """Marks one notice (`pk`) or all of the reader's as read."""
    unread = _inbox(request).filter(read_at__isnull=True)
    if pk := request.POST.get("pk"):
        unread = unread.filter(pk=pk)
    unread.update(read_at=timezone.now())
    return redirect("notices:list")


@login_required
@require_safe
@never_cache
def menu_counts(request):
    """What calls for the reader's attention, for the menu, in one response asked once a
    page has loaded (static/js/menu_counts.js): `unread` notices (the bell, and the
    folded menu's toggle) and the reports `waiting` at the reader's approval step
    (beside "Review"). `waiting` is null for whoever acts in no review
    (`targets.review_queue`), so the script leaves the link hidden; a section head or a
    leader acting in a chain sees it revealed. A fixed number of queries, 4 to 8 by
    role (tests/test_notices.py and tests/test_review_queue.py pin them)."""
    unread = _inbox(request).filter(read_at__isnull=True).count()
    waiting = None
    if request.user.has_perm("targets.review_queue"):
        plan = current_plan_or_none(request)
        waiting = waiting_count(request.user, plan) if plan else 0
    return JsonResponse({"unread": unread, "waiting": waiting})


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def preferences(request):
    """Which events reach the reader on which channel; the weekly digest instead."""
    _allowed(request)
    # An empty POST is a real answer: every box unticked.
    form = PreferencesForm(request.user, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Your choices are saved."))
        return redirect("notices:preferences")
    return render(request, "notices/preferences.html", {"form": form})


@login_required
@require_POST
def follow(request, year, kind, code):
    """Follow (`following=yes`) or stop following (`no`) an indicator or a pillar of
    the plan of `year`; back to its page."""
    _allowed(request, "notices.follow")
    plan = get_plan(request, year)
    if kind == "indicators":
        target = {"indicator": get_object_or_404(Indicator, plan=plan, code=code)}
    else:
        pillar = get_object_or_404(
            PlanElement, plan=plan, level=PlanElement.Level.PILLAR, code=code
        )
        target = {"pillar": pillar}
    following = request.POST.get("following")
    if following not in ("yes", "no"):
        return HttpResponseBadRequest(_("Say whether to follow or not."))
    Follow.objects.set(request.user, following == "yes", **target)
    if following == "yes":
        messages.success(request, _("You follow %(code)s now.") % {"code": code})
    else:
        messages.success(request, _("You no longer follow %(code)s.") % {"code": code})
    return redirect(next(iter(target.values())).get_absolute_url())
