"""The pages leaders read, drawn once per change of the data for the whole site, and kept.

A leader's dashboard is read far more often than its figures change, and drawing it
is the costly part: every indicator's standing and the page around them. So the
body of the plan, pillar and indicator pages — everything between the navigation
bar and the footer, which holds nothing of the person but what their role lets
them see — is rendered once and kept in Django's cache (`CACHE_URL`: Redis, shared
by every worker of every server; the local-memory cache of one process by default)
under a key that names all it depends on:

- the generation of the data (`models.freshness.current()`, one query, read before
  anything else, which the plan list of the page is kept under too): any change by
  any route or server gives a new key, so a stale body is never found;
- the day (the as-of quarter and "not ended yet" notes follow the calendar), the
  language, the plan and quarter, the page and its query string (filters, sort, page);
- what the reader may see: the plans in their year switcher and whether they may set
  plans up, and on the indicator page their role and section (which reports, ledger
  items and links it shows).

After a change, the writer draws again the first screens (plan pages) people were
reading, before it commits (ahead.py), so readers find them kept; any other page
changed is drawn by its first reader, the others waiting for it (`_kept`).

The standings are kept in each process (`overview`), not in the shared cache: a
20,000-indicator plan's standings are too large to read back from Redis on every
drawing. When the generation moves, a process catches up by computing again only
the indicators the change log names (`freshness.changed_since`) and the aggregates
of their pillars (the others keep theirs, `PillarOverview`), which the plan's are
summed from; a change of anything else (a plan element, a section, the plan itself)
or a log that does not reach back computes the plan afresh.
"""

import ctypes
import ctypes.util
from collections import OrderedDict
from hashlib import blake2b
from threading import Lock
from time import monotonic, sleep

from django.core.cache import cache
from django.db import transaction
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from .. import clock
from ..models import freshness
from . import ahead

# A kept body is never stale (its key names the generation): this only bounds how long
# the bodies of generations gone by take room in the cache.
TIMEOUT = 3600  # seconds

# After a change, many readers ask for the same page at once: one draws it, the others
# wait for it up to this long (then draw it themselves), so it is drawn once per site.
# They look every DRAWING_POLL, each look one round trip for the page and the drawer's
# mark at once: read one after the other, a waiter could miss the page, then find the
# mark gone (kept meanwhile) and draw the page a second time (seen in the rush, about
# 650 ms each under load).
DRAWING_WAIT = 5.0  # seconds
DRAWING_POLL = 0.01

# Standings of a few (plan, quarter) in this process: the as-of quarter a dashboard
# opens on and one more. A 20,000-indicator plan's standings with their reports hold
# about 100 MB; the least recently used goes first.
OVERVIEWS_KEPT = 2
_overviews = OrderedDict()
_overviews_lock = Lock()


def overview(plan, quarter, generation):
    """`plan.overview(quarter)` as of `generation` (`freshness.current()`), kept in this
    process and brought up to date by computing only the indicators changed since."""
    key = (plan.pk, quarter)
    with _overviews_lock:
        found = _overviews.get(key)
    computed = None
    if found is not None:
        kept_at, kept = found
        if kept_at == generation:
            return kept
        changed = freshness.changed_since(kept_at, generation)
        if changed == set():
            computed = kept
        elif changed is not None:
            standings = plan.indicators.filter(pk__in=changed).standings(quarter)
            computed = kept.with_standings(standings, changed)
    if computed is None:
        computed = plan.overview(quarter)
    release_memory()
    if ahead.drawing():
        # Drawn in a writer's transaction: its generation may yet roll back.
        transaction.on_commit(lambda: _keep(key, generation, computed))
    else:
        _keep(key, generation, computed)
    return computed


def _keep(key, generation, computed):
    with _overviews_lock:
        _overviews[key] = (generation, computed)
        _overviews.move_to_end(key)
        while len(_overviews) > OVERVIEWS_KEPT:
            _overviews.popitem(last=False)


def _malloc_trim():
    """glibc's `malloc_trim`, or None where the C library has none (musl, macOS)."""
    try:
        return ctypes.CDLL(ctypes.util.find_library("c")).malloc_trim
    except (OSError, AttributeError, TypeError):
        return None


_trim = _malloc_trim()


def release_memory():
    """Give the memory freed after computing standings back to the system.

    Reading a 20,000-indicator plan's 80,000 reports goes through PostgreSQL's result
    and Python's rows in many small C allocations, freed once the standings are
    built; glibc keeps those pages in the worker (about 45 MB at that size) unless
    asked to return them. Catching up on a change leaves smaller holes, which added
    up to a few MB a worker at that size. A few milliseconds for a whole plan, well
    under one after a change; never on a page whose standings were kept as they are."""
    if _trim is not None:
        _trim(0)


def forget():
    """Drop the standings kept in this process (tests start each from none)."""
    with _overviews_lock:
        _overviews.clear()


def _key(request, page, plan, quarter, generation, reader=()):
    """The page's key under `generation`, and its recipe (the key of the page whatever
    the generation, which ahead.py draws again after a change)."""
    reader = (
        tuple(sorted(p.pk for p in plan.all_years)),
        request.user.has_perm("targets.manage_plans"),
        *reader,
    )
    query = sorted(request.GET.lists())
    parts = (page, plan.pk, quarter, clock.today(), get_language(), reader, query)
    recipe = blake2b(repr(parts).encode(), digest_size=16).hexdigest()
    key = blake2b(f"{freshness.key(generation)}:{recipe}".encode(), digest_size=16)
    return "kpi:body:" + key.hexdigest(), recipe


def body(request, page, plan, quarter, template, context, generation, drawn_ahead=False):
    """The page body rendered from `template`, kept until the data changes.

    `generation` is the data's (`models.freshness.current`, read by the view before
    anything else: the plan itself is kept under it too, views/common.py). `context`
    is a function of the generation returning the template's context; it is called
    only when the body is not kept yet, so a kept body costs no query. A page
    `drawn_ahead` is drawn again by the writer of each change while people read it.
    """
    key, recipe = _key(request, page, plan, quarter, generation)

    def draw():
        if drawn_ahead:
            ahead.note(request, recipe)
        return render_to_string(template, context(generation), request)

    return mark_safe(_kept(key, draw))  # rendered by our own template, escaped there


def _kept(key, draw):
    """The value kept under `key`, or `draw()`n and kept: by one request at a time
    (`cache.add` is atomic in Redis and in local memory); the others wait for it and
    read what it kept. A drawing that fails (a 404) releases the others, which then
    draw (and fail) themselves."""
    value = cache.get(key)
    if value is not None:
        return value
    drawing = f"{key}:drawing"
    mine = cache.add(drawing, 1, 60)
    if not mine:
        deadline = monotonic() + DRAWING_WAIT
        while monotonic() < deadline:
            sleep(DRAWING_POLL)
            found = cache.get_many([key, drawing])
            if found.get(key) is not None:
                return found[key]
            if drawing not in found:
                break
    try:
        value = draw()
        cache.set(key, value, TIMEOUT)
    finally:
        if mine:
            cache.delete(drawing)
    return value


def reader_role(user):
    """What of the reader decides what an indicator page shows them (targets/rules.py
    asks no more of a user than these): readers alike share one kept page."""
    return (user.role, user.is_superuser, user.is_active, user.section_id)


def page(request, name, plan, quarter, template, context, generation):
    """A whole page's parts (a dict: its body and what the page around it needs, such
    as its title), rendered from `template` and kept like `body`, per reader's role
    (`reader_role`): `context()` returns the template's context and the parts besides
    the body, and is called only when the page is not kept yet."""
    key, _ = _key(request, name, plan, quarter, generation, reader_role(request.user))

    def draw():
        values, parts = context()
        return {**parts, "body": render_to_string(template, values, request)}

    parts = _kept(key, draw)
    return {**parts, "body": mark_safe(parts["body"])}  # escaped by our own template
