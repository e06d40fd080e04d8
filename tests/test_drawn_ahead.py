"""First screens drawn ahead (targets/views/ahead.py): after a report is saved or
reviewed, the plan pages leaders were reading are drawn inside the writer's
transaction, so the next reader finds them kept, and finds exactly what a server with
nothing kept draws."""

import logging
import re

import pytest
from django.core.cache import cache
from django.db import connection, transaction
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from targets.models import Plan, QuarterlyReport, freshness
from targets.views import ahead, fragments

from .reporting_helpers import form_data, report_url, review_url

PLAN = "/plans/2024/?quarter=3"
INDICATOR = "/plans/2024/indicators/P6-04/?quarter=3"


def _main(response):
    """The page's own part, less the CSRF token of its follow button (masked afresh in
    every response)."""
    assert response.status_code == 200
    html = response.content.decode()
    return CSRF_TOKEN.sub("", html[html.index("<main") : html.index("</main>")])


CSRF_TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="[^"]*"')


def _queries(client, url, **headers):
    """The page, and how many queries it took."""
    with CaptureQueriesContext(connection) as captured:
        page = _main(client.get(url, **headers))
    return page, len(captured)


def _fresh(client, url, **headers):
    cache.clear()
    fragments.forget()
    return _main(client.get(url, **headers))


def _p6_04():
    return QuarterlyReport.objects.get(indicator__code="P6-04", quarter=3)


def _save(client, value):
    response = client.post(
        report_url("P6-04", 3),
        form_data(_p6_04(), value=value, reason="补录", confirm_large="on"),
    )
    assert response.status_code == 302
    return response


def test_a_save_draws_the_first_screen_being_read(personas):
    leader = personas["leader"]
    before = {url: _main(leader.get(url)) for url in (PLAN, INDICATOR)}
    kept = {url: _queries(leader, url)[1] for url in (PLAN, INDICATOR)}
    _save(personas["staff"], "14")
    # As many queries as a page kept and unchanged: nothing drawn by the reader.
    served, queries = _queries(leader, PLAN)
    assert queries == kept[PLAN] == 5
    assert served != before[PLAN] and served == _fresh(leader, PLAN)
    # An indicator's page is drawn by its first reader after the change.
    assert [recipe[0] for recipe in cache.get(ahead.RECIPES).values()] == ["/plans/2024/"]
    leader.get(INDICATOR)
    _save(personas["staff"], "15")
    indicator, queries = _queries(leader, INDICATOR)
    assert queries > kept[INDICATOR]
    assert ">15<" in indicator.replace(" ", "") and indicator == _fresh(leader, INDICATOR)


def test_a_review_draws_them_too(personas):
    leader = personas["leader"]
    leader.get(PLAN)
    response = personas["reviewer"].post(
        review_url("P6-04", 3),
        {"action": "return", "comment": "请补充活动清单", "version": _p6_04().version},
    )
    assert response.status_code == 302
    served, queries = _queries(leader, PLAN)
    assert queries == 5 and served == _fresh(leader, PLAN)


def test_each_language_read_is_drawn_in_it(personas):
    leader = personas["leader"]
    english, chinese = {"HTTP_ACCEPT_LANGUAGE": "en"}, {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}
    leader.get(PLAN, **english)
    leader.get(PLAN, **chinese)
    recipes = cache.get(ahead.RECIPES)
    assert sorted(recipe[3] for recipe in recipes.values()) == ["en", "zh-hans"]
    _save(personas["staff"], "14")
    served, queries = _queries(leader, PLAN, **english)
    assert queries == 5 and _queries(leader, PLAN, **chinese)[1] == 5
    assert 'lang="en"' in leader.get(PLAN, **english).content.decode()
    assert served == _fresh(leader, PLAN, **english)


def test_nothing_is_drawn_ahead_that_nobody_read(personas):
    _save(personas["staff"], "14")
    assert cache.get(ahead.RECIPES) is None
    assert not fragments._overviews  # no standings computed for nobody


def test_only_readers_leave_recipes_and_old_ones_run_out(personas, users, monkeypatch):
    leader = personas["leader"]
    leader.get(PLAN)
    recipes = cache.get(ahead.RECIPES)
    (recipe,) = recipes.values()
    assert recipe[:4] == ("/plans/2024/", "quarter=3", users["leader"].pk, "zh-hans")
    # Drawn ahead, a page renews nothing: unread, it stops being drawn in time.
    _save(personas["staff"], "14")
    assert cache.get(ahead.RECIPES) == recipes
    monkeypatch.setattr(ahead.time, "time", lambda: recipe[-1] + ahead.RECIPE_SECONDS + 1)
    leader.get("/plans/2024/?quarter=3&status=behind")
    assert [r[1] for r in cache.get(ahead.RECIPES).values()] == ["quarter=3&status=behind"]


def test_the_most_recent_first_screens_are_drawn_ahead(personas):
    leader = personas["leader"]
    for sort in ("code", "-code", "completion", "-completion", "status"):
        leader.get(f"{PLAN}&sort={sort}")
    recipes = cache.get(ahead.RECIPES).values()
    assert sorted(r[1] for r in recipes) == sorted(
        f"quarter=3&sort={sort}" for sort in ("-code", "completion", "-completion", "status")
    )


def test_a_page_that_cannot_be_drawn_does_not_stop_the_save(personas, users, caplog):
    leader = personas["leader"]
    leader.get(PLAN)
    # The page's reader can no longer sign in, and another recipe names no page.
    recipes = cache.get(ahead.RECIPES)
    recipes["gone"] = ("/plans/2024/pillars/P9/", "", users["reviewer"].pk, "zh-hans", 1e12)
    cache.set(ahead.RECIPES, recipes)
    users["leader"].is_active = False
    users["leader"].save()
    with caplog.at_level(logging.WARNING, logger="targets.views.ahead"):
        _save(personas["staff"], "14")
    assert _p6_04().value == 14
    assert "/plans/2024/pillars/P9/" in caplog.text


def test_pages_drawn_in_a_change_rolled_back_are_never_served(personas, users):
    # The writer keeps pages under its generation before it commits. Rolled back, the
    # number comes again with the next change, but never its token: the leader sees
    # the change that committed, not the one drawn and undone.
    leader = personas["leader"]
    leader.get(PLAN)
    request = RequestFactory().post("/")
    with pytest.raises(RuntimeError), transaction.atomic():
        with ahead.before_commit(request):
            report = _p6_04()
            report.value = 77
            report.save_by(users["staff"], "不提交")
        rolled_back = freshness.current()
        raise RuntimeError("the commit failed")
    _save(personas["staff"], "14")
    assert freshness.current()[1] == rolled_back[1] != 0
    assert freshness.current() != rolled_back
    served, queries = _queries(leader, PLAN)
    assert queries == 5 and served == _fresh(leader, PLAN)


def test_standings_drawn_ahead_are_kept_once_committed(
    personas, django_capture_on_commit_callbacks
):
    personas["leader"].get(PLAN)
    plan = Plan.objects.get(year=2024)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        _save(personas["staff"], "14")
    generation = freshness.current()
    assert fragments._overviews[(plan.pk, 3)][0] != generation  # not before the commit
    for callback in callbacks:
        callback()
    assert fragments._overviews[(plan.pk, 3)][0] == generation


def _approve_together(client):
    submitted = QuarterlyReport.objects.filter(state=QuarterlyReport.State.SUBMITTED, quarter=3)
    report = submitted.exclude(indicator__ledger_entries__quarter=3).first()
    data = {"report": [report.pk], f"version-{report.pk}": report.version}
    assert client.post("/plans/2024/reviews/approve/", data).status_code == 302
    report.refresh_from_db()
    assert report.state == QuarterlyReport.State.APPROVED


def _revise(client):
    response = client.post(
        "/plans/2024/indicators/P6-04/revise/",
        {"target": "30", "effective_from": "2024-07-01", "reason": "市政府调度会要求增加"},
    )
    assert response.status_code == 302


@pytest.mark.parametrize(
    "change", [(_approve_together, "reviewer"), (_revise, "admin")], ids=["approve", "revise"]
)
def test_approving_together_and_revising_draw_them_too(personas, change):
    write, who = change
    leader = personas["leader"]
    before = _main(leader.get(PLAN))
    write(personas[who])
    served, queries = _queries(leader, PLAN)
    assert queries == 5 and served != before and served == _fresh(leader, PLAN)
