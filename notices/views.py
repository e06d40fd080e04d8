"""A person's notices in the app: the list behind the bell, marking them read, and
the bell's count (read by static/js/notices.js, so that no page pays a query for it)."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import F
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST, require_safe

from .models import Notice

PER_PAGE = 25


def _inbox(request):
    if not request.user.has_perm("notices.view_notices"):
        raise PermissionDenied(_("You may not do this."))
    return Notice.objects.filter(recipient=request.user, channel=Notice.Channel.APP)


@login_required
@require_safe
def notice_list(request):
    """Unread first, newest first: two queries (count, page)."""
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
def unread_count(request):
    return JsonResponse({"unread": _inbox(request).filter(read_at__isnull=True).count()})
