"""The dashboards' bodies, drawn once per state of the data and kept.

A leader's dashboard is read far more often than its figures change, and drawing it
is the costly part: every indicator's standing (one pass over the reports) and the
page around them. So the body of the plan and pillar pages — everything between
the navigation bar and the footer, which holds nothing of the person but what they
may see — is rendered once and kept in Django's cache under a key that names all it
depends on:

- the version of the data (`models.freshness.data_version`, one query, which the
  plan list of the page is kept under too): any change by any route or server gives
  a new key, so a stale body is never found;
- the day (the as-of quarter and "not ended yet" notes follow the calendar), the
  language, the plan and quarter, the page's query string (filters, sort, page);
- what the reader may see: the plans in their year switcher and whether they may
  set plans up (the only links in a body that depend on the person).

The standings themselves are kept too, in this process only (`overview`): sorting,
filtering or paging a large plan's table draws a new body but does not compute
every standing again.

The cache is the default one (local memory per process): the key comes from the
database, so two servers each keep their own copy and never disagree about what is
current. `TIMEOUT` bounds how long a rename of a section or a plan element (the
tables without a history) takes to show: the bodies and the standings kept here both
expire after it.
"""

from collections import OrderedDict
from hashlib import blake2b
from threading import Lock
from time import monotonic

from django.core.cache import cache
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from .. import clock

TIMEOUT = 300  # seconds

# Standings of a few (plan, quarter, version) in this process: the as-of quarter a
# dashboard opens on and one more. A 20,000-indicator plan's standings with their
# reports hold about 200 MB (the 2024 plan's, about 0.6 MB); the oldest goes first.
OVERVIEWS_KEPT = 2
_overviews = OrderedDict()
_overviews_lock = Lock()


def overview(plan, quarter, version):
    """`plan.overview(quarter)` as of `version`, computed once per process and state,
    and for no longer than `TIMEOUT` (names of sections and plan elements, which the
    version does not follow, show within it)."""
    key = (plan.pk, quarter, version)
    now = monotonic()
    with _overviews_lock:
        found = _overviews.get(key)
        if found is not None and now - found[0] < TIMEOUT:
            _overviews.move_to_end(key)
            return found[1]
    computed = plan.overview(quarter)
    with _overviews_lock:
        _overviews[key] = (now, computed)
        _overviews.move_to_end(key)
        while len(_overviews) > OVERVIEWS_KEPT:
            _overviews.popitem(last=False)
    return computed


def forget():
    """Drop the standings kept in this process (tests start each from none)."""
    with _overviews_lock:
        _overviews.clear()


def _key(request, page, plan, quarter, version):
    reader = (
        tuple(sorted(p.pk for p in plan.all_years)),
        request.user.has_perm("targets.manage_plans"),
    )
    query = sorted(request.GET.lists())
    parts = repr((page, plan.pk, quarter, version, clock.today(), get_language(), reader, query))
    return "kpi:body:" + blake2b(parts.encode(), digest_size=16).hexdigest()


def body(request, page, plan, quarter, template, context, version):
    """The page body rendered from `template`, kept until the data changes.

    `version` is the data's (`models.freshness.data_version`, read by the view before
    anything else: the plan itself is kept under it too, views/common.py). `context`
    is a function of the version returning the template's context; it is called only
    when the body is not kept yet, so a kept body costs no query.
    """
    key = _key(request, page, plan, quarter, version)
    html = cache.get(key)
    if html is None:
        html = render_to_string(template, context(version), request)
        cache.set(key, html, TIMEOUT)
    return mark_safe(html)  # rendered by our own template, escaped there
