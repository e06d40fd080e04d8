"""First screens drawn ahead: a writer draws again, before it commits, the plan pages
people were reading, so no reader of them waits after a change.

A kept page (fragments.py) is keyed by the data's generation, so every change makes
each page new, and the first reader after it drew the page while the others waited
(fragments._kept). In a deadline rush (30 staff saving 1.7 times a second while 10
leaders reload) a third of the leaders' requests waited for that drawing: their p95
was 258 ms against 50 wanted. Now the writer draws them:

- A reader who draws a plan page (the first screen, with its quarter, filters and
  sort) leaves its recipe in the cache (`note`): its path and query, who read it (any
  reader who may see the same plans sees the same page) and the language; the
  `RECIPES_KEPT` most recent of the last `RECIPE_SECONDS`.
- A view that changes data does it inside `before_commit(request)`. Once its change
  is made, and before the transaction commits, each recipe is replayed as that
  reader (`_replay`): the view runs as for them, sees the new data (its own
  transaction's) and keeps the page under the new generation. Readers still see the
  old generation until the commit, and at the commit its pages are already there.
- A page kept under a generation that then rolls back is never found: each
  generation's token is new (models/freshness.py). The standings drawn ahead are
  kept in the writer's process only once committed (fragments.overview).

What it costs: the writer's request takes the drawing (one drawing of each first
screen for the whole site: the 2024 plan's takes 50-80 ms of CPU), and holds the
generation's row that long, so writers of the data queue for it. That is why only
the first screens are drawn ahead, at most `RECIPES_KEPT`: the pillar and indicator
pages, many and each read less, are drawn by their first reader after a change. A
page nobody draws for `RECIPE_SECONDS` stops being drawn ahead; while saves go on,
its readers no longer draw it, so once in that time one of them draws it again and
renews it.
"""

import logging
import time
from contextlib import contextmanager
from contextvars import ContextVar

from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import OperationalError, transaction
from django.http import HttpRequest, QueryDict
from django.urls import resolve
from django.utils import translation
from django.utils.translation import get_language

from ..models import freshness
from ..models.report import DatabaseBusy

logger = logging.getLogger(__name__)

RECIPES = "kpi:ahead"
RECIPES_KEPT = 4
RECIPE_SECONDS = 600

# The request headers a replayed page may need of the writer's (its host, and the
# proxy's word on https): what `build_absolute_uri` and `is_secure` read.
KEPT_META = ("HTTP_HOST", "SERVER_NAME", "SERVER_PORT", "HTTP_X_FORWARDED_PROTO", "wsgi.url_scheme")

_drawing = ContextVar("drawing_ahead", default=False)


def drawing():
    """Whether this thread is drawing pages ahead (inside a writer's transaction)."""
    return _drawing.get()


def note(request, recipe):
    """A reader drew the kept page `recipe` (its key without the generation): keep how
    to draw it again. Not while drawing ahead, so an unread page's recipe runs out."""
    if drawing():
        return
    now = time.time()
    recipes = cache.get(RECIPES) or {}
    recipes[recipe] = (request.path, request.GET.urlencode(), request.user.pk, get_language(), now)
    recent = sorted(
        (item for item in recipes.items() if now - item[1][-1] < RECIPE_SECONDS),
        key=lambda item: item[1][-1],
        reverse=True,
    )
    cache.set(RECIPES, dict(recent[:RECIPES_KEPT]), RECIPE_SECONDS)


@contextmanager
def before_commit(request):
    """A transaction for a view's change; once the change is made (the generation
    moved), the pages in `RECIPES` are drawn in it before it commits. Waiting too long
    for SQLite's write lock raises DatabaseBusy, as a report's own write does."""
    try:
        with transaction.atomic():
            start = freshness.current()
            yield
            if freshness.current() != start:
                draw_ahead(request)
    except OperationalError as error:
        raise DatabaseBusy(str(error)) from error


def draw_ahead(request):
    """Replay every recent recipe inside the current transaction. A page that cannot
    be drawn any more (its plan gone, its reader's rights changed) is skipped and
    logged, never failing the change; its own savepoint undoes any query it broke."""
    recipes = cache.get(RECIPES) or {}
    meta = {name: request.META[name] for name in KEPT_META if name in request.META}
    token = _drawing.set(True)
    try:
        for path, query, user_pk, language, _ in recipes.values():
            try:
                with transaction.atomic():
                    _replay(path, query, user_pk, language, meta)
            except Exception:
                logger.warning("Could not draw %s?%s ahead", path, query, exc_info=True)
    finally:
        _drawing.reset(token)


def _replay(path, query, user_pk, language, meta):
    """Run the page's view as its reader would ask for it; it keeps what it draws."""
    user = get_user_model().objects.filter(pk=user_pk, is_active=True).first()
    if user is None:
        return
    request = HttpRequest()
    request.method = "GET"
    request.path = request.path_info = path
    request.META = {**meta, "REQUEST_METHOD": "GET", "QUERY_STRING": query}
    request.GET = QueryDict(query)
    request.user = user
    request.LANGUAGE_CODE = language
    match = resolve(path)
    with translation.override(language):
        match.func(request, *match.args, **match.kwargs)
