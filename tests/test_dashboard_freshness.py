"""The kept pages are never stale (targets/views/fragments.py).

The plan, pillar and indicator pages keep their body until the data's generation
moves (targets/models/freshness.py). Each test here draws the pages, changes
something by one route — the report form, the review, a spreadsheet import, the
admin, closing and reopening a quarter, a target revision, a ledger item, a plan
grown in bulk — and then asks again: what is served must be exactly what a server
with nothing kept draws, and must differ from before where the change shows on the
page. The same holds across two workers sharing one Redis cache (the last tests).
"""

import os
import re
import threading
import uuid
from collections import OrderedDict

import pytest
import redis
from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.test import override_settings

from accounts.models import Section
from targets.models import Indicator, Plan, QuarterlyReport, freshness
from targets.views import fragments

from .growth import grow_plan
from .ledger_helpers import ledger_form
from .report_sheet_helpers import confirm, set_cell, template_xlsx, upload, xlsx_bytes
from .reporting_helpers import admin_inline_data, form_data, report_url, review_url

PAGES = (
    "/plans/2024/?quarter=3",
    "/plans/2024/pillars/P6/?quarter=3",
    "/plans/2024/",
    "/plans/2024/indicators/P6-04/?quarter=3",
    "/plans/2024/indicators/P3-04/",
)


def _main(response):
    """The page's own part; a form's CSRF token (masked afresh in every response, the
    follow button's) is the same token drawn twice, so it is left out."""
    assert response.status_code == 200
    html = response.content.decode()
    main = html[html.index("<main") : html.index("</main>")]
    return CSRF_TOKEN.sub('name="csrfmiddlewaretoken" value=""', main)


CSRF_TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="[^"]*"')


def _draw(client):
    return {url: _main(client.get(url)) for url in PAGES}


def _clear_cache():
    """Empty the kept pages: the local cache whole; on the shared Redis only this test's
    keys, since RedisCache.clear() is FLUSHDB, which would empty another test worker's
    keys in the middle of its test."""
    settings_of = settings.CACHES["default"]
    if "redis" not in settings_of["BACKEND"]:
        cache.clear()
        return
    client = redis.Redis.from_url(settings_of["LOCATION"])
    for name in client.scan_iter(f"{settings_of['KEY_PREFIX']}:*"):
        client.delete(name)


def _fresh(client):
    """The pages as a server with nothing kept would draw them."""
    _clear_cache()
    fragments.forget()
    return _draw(client)


@pytest.fixture
def before(personas):
    """The pages drawn (and kept) as the leader sees them before the change."""
    drawn = _draw(personas["leader"])
    assert _draw(personas["leader"]) == drawn  # served from what was kept
    return drawn


def _assert_current(personas, before, changed=True):
    served = _draw(personas["leader"])
    assert served == _fresh(personas["leader"])
    if changed:
        assert served["/plans/2024/?quarter=3"] != before["/plans/2024/?quarter=3"]


def _p6_04(quarter=3):
    return QuarterlyReport.objects.get(indicator__code="P6-04", quarter=quarter)


def test_a_figure_saved_by_the_form_shows_at_once(personas, before):
    response = personas["staff"].post(
        report_url("P6-04", 3), form_data(_p6_04(), value="14", reason="补录", confirm_large="on")
    )
    assert response.status_code == 302
    _assert_current(personas, before)


def test_a_report_returned_by_the_reviewer_shows_at_once(personas, before):
    response = personas["reviewer"].post(
        review_url("P6-04", 3),
        {"action": "return", "comment": "请补充活动清单", "version": _p6_04().version},
    )
    assert response.status_code == 302
    assert _p6_04().state == QuarterlyReport.State.RETURNED
    _assert_current(personas, before)


def test_a_figure_imported_from_a_spreadsheet_shows_at_once(personas, before):
    workbook = template_xlsx(personas["staff"])
    set_cell(workbook.worksheets[0], "P6-04", "value", "14")
    set_cell(workbook.worksheets[0], "P6-04", "confirm_large", "是")
    preview = upload(personas["staff"], xlsx_bytes(workbook))
    assert confirm(personas["staff"], preview).status_code == 302
    assert _p6_04().value == 14
    _assert_current(personas, before)


def test_an_indicator_changed_in_the_admin_shows_at_once(personas, before, users):
    indicator = Indicator.objects.get(plan__year=2024, code="P6-04")
    url = f"/admin/targets/indicator/{indicator.pk}/change/"
    page = personas["admin"].get(url)
    form = page.context["adminform"].form
    data = {
        name: "" if value is None else value
        for name in form.fields
        if (value := form[name].value()) is not False
    }
    data.update(admin_inline_data(page.context))
    data["name_zh"] = "银企对接活动（管理后台改名）"
    response = personas["admin"].post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    _assert_current(personas, before)


def test_closing_and_reopening_a_quarter_redraw_the_pages(personas, before, demo):
    closed = personas["admin"].post("/plans/2024/quarters/3/close/", {"confirm": "yes"})
    assert closed.status_code == 302
    _assert_current(personas, before, changed=False)
    response = personas["admin"].post("/plans/2024/quarters/3/reopen/", {"reason": "补报"})
    assert response.status_code == 302
    _assert_current(personas, before, changed=False)
    assert demo.closed_quarters() == set()


def test_a_target_revised_shows_at_once(personas, before):
    response = personas["admin"].post(
        "/plans/2024/indicators/P6-04/revise/",
        {"target": "30", "effective_from": "2024-07-01", "reason": "市政府调度会要求增加"},
    )
    assert response.status_code == 302
    _assert_current(personas, before)


def test_a_ledger_item_added_shows_at_once(personas, before):
    report = QuarterlyReport.objects.get(indicator__code="P3-04", quarter=3)
    data = ledger_form(
        report, new=[{"name": "示例·新认定研发机构", "date": "2024-08-01"}], reason="补录一家"
    )
    response = personas["staff"].post(report_url("P3-04", 3), data)
    assert response.status_code == 302, response.context["form"].errors
    _assert_current(personas, before)


def test_indicators_and_reports_added_in_bulk_show_at_once(personas, before, demo):
    # bulk_create sends no signal: grow_plan bumps the generation itself, as every
    # bulk writer must (bench/data.py, targets/archive.py).
    grow_plan(demo, 1)
    _assert_current(personas, before)


def test_the_generation_moves_inside_the_writers_transaction(demo, users):
    # Bumped with the change, before its commit (not on_commit): a change and its
    # generation commit together, and a change rolled back leaves the generation.
    start = freshness.current()
    report = _p6_04()
    with pytest.raises(RuntimeError), transaction.atomic():
        report.value = 99
        report.save_by(users["staff"], "不提交")
        assert freshness.current()[1] > start[1]
        raise RuntimeError("rolled back")
    assert freshness.current() == start
    with transaction.atomic():
        Section.objects.create(code="generation-test", name_zh="（测试）科室")
        during = freshness.current()
        assert during[1] == start[1] + 1
    assert freshness.current() == during


def test_a_change_computes_again_only_the_standings_it_touches(
    personas, before, demo, django_assert_num_queries
):
    # The leader's pages keep the plan's standings in this process; a report saved
    # then costs one query for the log and four for that one indicator (its row with
    # pillar and task, its lead and cooperating units, its reports, its target
    # revisions), not the plan's. What comes out is the plan computed afresh.
    response = personas["staff"].post(
        report_url("P6-04", 3), form_data(_p6_04(), value="14", reason="补录", confirm_large="on")
    )
    assert response.status_code == 302
    generation = freshness.current()
    plan = Plan.objects.get(year=2024)
    with django_assert_num_queries(5) as captured:
        updated = fragments.overview(plan, 3, generation)
    indicator = Indicator.objects.get(plan=plan, code="P6-04")
    assert f"IN ({indicator.pk})" in captured.captured_queries[1]["sql"]
    fresh = plan.overview(3)
    assert [(s.indicator.pk, s.status, s.actual) for s in updated.standings] == [
        (s.indicator.pk, s.status, s.actual) for s in fresh.standings
    ]
    assert updated.status_counts == fresh.status_counts
    # The changes since the quarter before: the other indicators' earlier standings
    # carried over, the changed one's computed again.
    assert [(c.standing.indicator.pk, c.before.status) for c in updated.changes] == [
        (c.standing.indicator.pk, c.before.status) for c in fresh.changes
    ]
    assert updated.progress == fresh.progress
    assert [p.progress for p in updated.pillars] == [p.progress for p in fresh.pillars]
    # A change the log cannot tie to one indicator (a section renamed): the whole plan.
    section = Section.objects.first()
    section.name_zh += "（改）"
    section.save()
    generation = freshness.current()
    # The log, then plan.overview's: elements, indicators, units, reports, revisions.
    with django_assert_num_queries(1 + 5):
        fragments.overview(plan, 3, generation)


def test_a_page_being_drawn_is_waited_for_not_drawn_again():
    # After a change every leader asks for the new page at once: one draws it, the
    # others wait and read what it kept (targets/views/fragments.py _kept).
    cache.add("page:drawing", 1, 60)  # another request is drawing it
    threading.Timer(0.1, cache.set, ["page", "drawn by the other"]).start()
    assert fragments._kept("page", lambda: pytest.fail("drawn twice")) == "drawn by the other"
    # A drawing that ended without keeping anything (a 404) lets the next one draw.
    cache.add("gone:drawing", 1, 60)
    threading.Timer(0.1, cache.delete, ["gone:drawing"]).start()
    assert fragments._kept("gone", lambda: "drawn here") == "drawn here"
    assert cache.get("gone") == "drawn here"


# -- Two workers, one shared cache ------------------------------------------------------


def _redis_or_skip():
    url = os.environ.get("KPI_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
    try:
        redis.Redis.from_url(url, socket_connect_timeout=1).ping()
    except redis.ConnectionError:
        if os.environ.get("CI"):
            raise  # CI starts Redis itself (.ci/run): its absence is a failure there
        pytest.skip(f"no Redis at {url} (the shared cache of several servers)")
    return url


@pytest.fixture
def shared_cache():
    """Django's Redis cache, as docs/deploy.md sets it for several servers, under a key
    prefix of this test alone."""
    url = _redis_or_skip()
    prefix = f"kpi-test-{uuid.uuid4().hex}"
    caches = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": url,
            "KEY_PREFIX": prefix,
        }
    }
    with override_settings(CACHES=caches):
        yield
    client = redis.Redis.from_url(url)  # this test's keys only (not FLUSHDB)
    for name in client.scan_iter(f"{prefix}:*"):
        client.delete(name)


class Worker:
    """One gunicorn worker's memory: its own kept standings (fragments._overviews).
    Only the cache is shared between workers."""

    def __init__(self):
        self.overviews = OrderedDict()

    def draw(self, client):
        kept, fragments._overviews = fragments._overviews, self.overviews
        try:
            return _draw(client)
        finally:
            fragments._overviews = kept


def test_a_page_drawn_by_one_worker_is_served_by_another(shared_cache, personas):
    a, b = Worker(), Worker()
    drawn = a.draw(personas["leader"])
    assert a.overviews
    assert b.draw(personas["leader"]) == drawn
    assert not b.overviews  # every page came from the shared cache: nothing computed


@pytest.mark.parametrize("saved_through", ["a", "b"])
def test_a_change_through_one_worker_shows_on_both(shared_cache, personas, saved_through):
    a, b = Worker(), Worker()
    before = a.draw(personas["leader"])
    assert b.draw(personas["leader"]) == before
    writer = a if saved_through == "a" else b
    kept, fragments._overviews = fragments._overviews, writer.overviews
    try:
        response = personas["staff"].post(
            report_url("P6-04", 3),
            form_data(_p6_04(), value="14", reason="补录", confirm_large="on"),
        )
    finally:
        fragments._overviews = kept
    assert response.status_code == 302
    served_a = a.draw(personas["leader"])
    served_b = b.draw(personas["leader"])
    assert served_a == served_b == _fresh(personas["leader"])
    assert served_a["/plans/2024/?quarter=3"] != before["/plans/2024/?quarter=3"]
    assert (
        served_a["/plans/2024/indicators/P6-04/?quarter=3"]
        != before["/plans/2024/indicators/P6-04/?quarter=3"]
    )
