"""The leaders' dashboards: plan, pillar and indicator pages.

Read-only pages for every signed-in persona, with the as-of quarter and the
filters kept in every link, sortable and filtered tables, pillar cards with
completion against expected, and a fixed number of queries however large the plan.
"""

import json
import math
import re

import pytest
from django.urls import reverse

from targets.models import PlanElement, QuarterlyReport
from targets.models.indicator import STANDINGS_CHUNK
from targets.views import fragments
from targets.views.plan import PILLAR_TABLE_ROWS, PLAN_TABLE_ROWS

from .growth import grow_plan

PLAN = "/plans/2024/"
PILLAR = "/plans/2024/pillars/P3/"
INDICATOR = "/plans/2024/indicators/P3-04/"
PAGES = [PLAN, PILLAR, INDICATOR]
# Sentences are checked in English, whatever the translations say.
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def codes(response):
    return [s.indicator.code for s in response.context["table"].page_records()]


def statuses(response):
    return {s.indicator.code: s.status for s in response.context["table"].page_records()}


# --- URLs, access, errors ---------------------------------------------------------


def test_pillar_url_is_readable():
    assert reverse("targets:pillar", kwargs={"year": 2024, "code": "P3"}) == PILLAR


@pytest.mark.parametrize("url", PAGES)
def test_login_required(personas, url):
    response = personas["anonymous"].get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("persona", ["admin", "leader", "reviewer", "staff", "staff2"])
@pytest.mark.parametrize("url", PAGES)
def test_every_signed_in_persona_reads_every_page(personas, persona, url):
    assert personas[persona].get(url).status_code == 200


@pytest.mark.parametrize("url", PAGES)
def test_pages_are_read_only(leader_client, url):
    assert leader_client.post(url).status_code == 405
    assert leader_client.head(url).status_code == 200


@pytest.mark.parametrize(
    "url",
    [
        "/plans/1999/pillars/P3/",
        "/plans/2024/pillars/P9/",
        "/plans/2024/pillars/G1/",  # the overall goal is not a pillar
        "/plans/2024/pillars/F1/",
        "/plans/1999/indicators/P3-04/",
        "/plans/2024/indicators/P9-99/",
    ],
)
def test_unknown_pillar_or_plan_is_not_found(leader_client, url):
    assert leader_client.get(url).status_code == 404


@pytest.mark.parametrize("url", PAGES)
@pytest.mark.parametrize("bad", ["0", "5", "x", "Q3"])
def test_bad_quarter_is_not_found(leader_client, url, bad):
    assert leader_client.get(f"{url}?quarter={bad}").status_code == 404


@pytest.mark.parametrize(
    "query",
    [
        "pillar=P9",
        "lead_section=nobody",
        "kind=rocket",
        "status=excellent",
        "sort=nonsense",
        "page=999",
        "page=x",
        "sort=-status&page=0",
    ],
)
@pytest.mark.parametrize("url", [PLAN, PILLAR])
def test_odd_filters_sorts_and_pages_never_fail(leader_client, url, query):
    response = leader_client.get(f"{url}?quarter=3&{query}")
    assert response.status_code == 200


# --- The plan dashboard -----------------------------------------------------------


def test_dashboard_shows_structure_time_and_status_counts(leader_client, demo):
    response = leader_client.get(PLAN + "?quarter=3")
    content = response.content.decode()
    overview = response.context["overview"]
    # 1-2-6: the goal, the two focuses, the six pillars (as cards).
    assert "锚定建设高质量省域副中心城市" in content
    assert "更高水平国家创新型城市" in content and "区域创新创业中心" in content
    assert content.count('class="card pillar-card') == 6
    # Time elapsed, and the counts by status straight from the model (未报送 as the
    # page counts it, qualitative indicators without their report included).
    assert "75.0%" in content
    for status, count in overview.screen_counts:
        assert re.search(rf'data-status="{status.value}">[^<]*<strong>{count}</strong>', content), (
            status
        )


def test_status_counts_follow_the_quarter(leader_client, demo):
    for quarter in (1, 2, 3):  # Q4 has not ended on 2024-10-08 (test_quarters.py)
        response = leader_client.get(f"{PLAN}?quarter={quarter}")
        assert response.context["overview"].status_counts == demo.overview(quarter).status_counts


def test_pillar_cards_show_completion_against_expected(leader_client):
    response = leader_client.get(PLAN + "?quarter=3", **EN)
    content = response.content.decode()
    p1 = response.context["overview"].pillars[0]
    # P1: P1-01 8/10 = 80 % and P1-02 10/16 = 62.5 %, mean 71.25 % against 75 %.
    assert p1.pillar.code == "P1"
    assert f"{p1.progress.completion * 100:.2f}" == "71.25"
    assert "Behind the expected pace by 3.8 points" in content
    # P2 has milestones but no count or level: no completion, only milestones met.
    p2 = response.context["overview"].pillars[1]
    assert p2.progress.completion is None
    assert (p2.progress.milestones_met, p2.progress.milestones_total) == (2, 3)


def test_table_lists_every_indicator_on_one_page(leader_client):
    response = leader_client.get(PLAN + "?quarter=3")
    assert len(codes(response)) == 29 <= PLAN_TABLE_ROWS
    content = response.content.decode()
    assert "认定市级新型研发机构" in content
    assert "70.0%" in content  # P3-04: 7 of 10
    assert "−5.0" in content  # 5 points behind the 75 % pace


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("pillar=P3", {f"P3-0{n}" for n in range(1, 8)}),
        ("lead_section=demo-talent", {f"P5-0{n}" for n in range(1, 6)}),
        ("kind=level", {"P5-02", "P5-04"}),
        ("status=behind", {"P1-02", "P5-03"}),
        ("status=not_reported", {"P3-06", "P4-01", "P5-05"}),
        ("pillar=P5&status=at_risk", {"P5-01", "P5-04"}),
    ],
)
def test_filters(leader_client, query, expected):
    response = leader_client.get(f"{PLAN}?quarter=3&{query}")
    assert set(codes(response)) == expected


def test_status_filter_follows_the_quarter(leader_client):
    # P1-02 is behind as of Q3 (62.5 % against 75 %) but not as of Q1 (3/16 against 25 %).
    assert "P1-02" in codes(leader_client.get(PLAN + "?quarter=3&status=behind"))
    assert "P1-02" not in codes(leader_client.get(PLAN + "?quarter=1&status=behind"))


def test_sort_by_computed_columns(leader_client):
    response = leader_client.get(PLAN + "?quarter=3&sort=completion")
    records = response.context["table"].page_records()
    completions = [s.completion for s in records if s.completion is not None]
    assert completions == sorted(completions)
    # Rows without a completion (milestones, qualitative, monitored) come last, both ways.
    assert all(s.completion is None for s in records[len(completions) :])
    descending = leader_client.get(PLAN + "?quarter=3&sort=-completion")
    records = descending.context["table"].page_records()
    completions = [s.completion for s in records if s.completion is not None]
    assert completions == sorted(completions, reverse=True)
    assert all(s.completion is None for s in records[len(completions) :])


def test_sort_by_status_puts_the_worst_first(leader_client):
    response = leader_client.get(PLAN + "?quarter=3&sort=status")
    order = [s.status for s in response.context["table"].page_records() if s.status]
    assert order[:2] == ["behind", "behind"]
    assert order[2:5] == ["at_risk"] * 3
    assert order[-1] == "met"
    assert 'aria-sort="ascending"' in response.content.decode()


def test_sort_by_pace(leader_client):
    response = leader_client.get(PLAN + "?quarter=3&sort=pace_gap")
    records = response.context["table"].page_records()
    gaps = [s.pace_gap for s in records if s.pace_gap is not None]
    assert gaps == sorted(gaps)
    # Furthest behind first: P3-06, 3 of 6 = 50 % against 75 % (Q3 not reported yet).
    assert records[0].indicator.code == "P3-06"


def test_links_keep_the_quarter_and_the_filters(leader_client):
    response = leader_client.get(PLAN + "?quarter=2&kind=count&sort=code")
    content = response.content.decode()
    # To other pages: quarter and filters (pillar cards, indicator rows).
    assert 'href="/plans/2024/pillars/P3/?quarter=2&amp;kind=count"' in content
    assert 'href="/plans/2024/indicators/P3-04/?quarter=2&amp;kind=count"' in content
    # Within the page: the quarter picker keeps filters and sort, the sort keeps both.
    assert re.search(r'href="\?[^"]*quarter=1[^"]*"', content)
    picker = re.findall(r'<a href="(\?[^"]*)">Q1</a>', content)
    assert picker and "kind=count" in picker[0] and "sort=code" in picker[0]
    assert 'href="?quarter=2&amp;kind=count&amp;sort=-code"' in content
    # The filter form keeps the quarter and the sort.
    assert '<input type="hidden" name="quarter" value="2">' in content
    assert '<input type="hidden" name="sort" value="code">' in content


def test_changing_the_quarter_drops_the_page_number(leader_client, demo):
    grow_plan(demo, 2)
    content = leader_client.get(PLAN + "?quarter=3&page=2").content.decode()
    picker = re.findall(r'<a href="(\?[^"]*)">Q1</a>', content)
    assert picker and "page" not in picker[0]


def test_long_table_pages(leader_client, demo):
    grow_plan(demo, 30)
    response = leader_client.get(PLAN + "?quarter=3")
    table = response.context["table"]
    assert len(table.page_records()) == PLAN_TABLE_ROWS
    assert table.paginator.count == 29 * 31
    assert 'href="?quarter=3&amp;page=2"' in response.content.decode()


# --- The pillar page --------------------------------------------------------------


def test_pillar_page_lists_its_indicators_with_small_charts(leader_client):
    response = leader_client.get(PILLAR + "?quarter=3")
    content = response.content.decode()
    assert codes(response) == [f"P3-0{n}" for n in range(1, 8)]
    cards = response.context["cards"]
    assert [c["standing"].indicator.code for c in cards] == codes(response)
    # Counts get a chart; the qualitative P3-01 and the milestone P3-02 do not.
    charted = {c["standing"].indicator.code for c in cards if c["chart"]}
    assert charted == {"P3-03", "P3-04", "P3-05", "P3-06", "P3-07"}
    assert content.count("data-compact") == 5
    # The pillar is the page, not a column or a filter.
    assert 'name="pillar"' not in content
    assert "col-pillar" not in content
    assert "效能提升" in content


def test_pillar_cards_follow_the_table_order_and_filters(leader_client):
    response = leader_client.get(PILLAR + "?quarter=3&kind=count&sort=-completion")
    cards = [c["standing"].indicator.code for c in response.context["cards"]]
    assert cards == codes(response)
    assert cards[0] == "P3-07"  # 110 %
    assert set(cards) == {"P3-03", "P3-04", "P3-05", "P3-06", "P3-07"}


def test_pillar_page_pages_its_cards(leader_client, demo):
    grow_plan(demo, 30)
    response = leader_client.get(PILLAR + "?quarter=3")
    assert len(response.context["cards"]) == PILLAR_TABLE_ROWS
    assert response.context["table"].paginator.count == 7 * 31


def test_pillar_page_links_keep_the_quarter(leader_client):
    content = leader_client.get(PILLAR + "?quarter=2&status=on_track").content.decode()
    assert 'href="/plans/2024/?quarter=2&amp;status=on_track"' in content
    assert 'href="/plans/2024/indicators/P3-05/?quarter=2&amp;status=on_track"' in content


# --- The indicator page -----------------------------------------------------------


def test_indicator_page_projects_a_count_to_year_end(leader_client):
    content = leader_client.get(INDICATOR + "?quarter=3", **EN).content.decode()
    # 7 by Q3 at the 75 % pace: 9.33, rounded down to 9 institutions, short of 10.
    assert "At this pace: 9 of ≥ 10 institutions" in content
    assert "projection-short" in content


def test_indicator_page_has_chart_narratives_and_last_year(leader_client):
    response = leader_client.get("/plans/2024/indicators/P2-04/?quarter=3")
    content = response.content.decode()
    assert response.context["chart"]["data"]["reference"]["value"] == 108
    assert "108 户" in content  # last year's figure
    assert "(示例)第3季度按计划推进相关工作。" in content  # the Q3 narrative
    assert 'role="img"' in content


def test_milestone_page_has_no_chart(leader_client):
    response = leader_client.get("/plans/2024/indicators/P1-03/?quarter=3", **EN)
    assert response.context["chart"] is None
    content = response.content.decode()
    assert "<canvas" not in content
    assert "charts.js" not in content  # no chart code either
    assert "At this pace" not in content


def test_indicator_page_links_keep_the_quarter(leader_client):
    content = leader_client.get(INDICATOR + "?quarter=2&kind=count").content.decode()
    assert 'href="/plans/2024/?quarter=2&amp;kind=count"' in content
    assert 'href="/plans/2024/pillars/P3/?quarter=2&amp;kind=count"' in content


def test_indicator_page_links_to_its_history(leader_client, demo):
    indicator = demo.indicators.get(code="P3-04")
    assert indicator.history_url == "/plans/2024/indicators/P3-04/history/"
    content = leader_client.get(INDICATOR).content.decode()
    assert 'href="/plans/2024/indicators/P3-04/history/"' in content


def test_drafts_do_not_change_the_dashboard(leader_client, demo):
    # P3-06's Q3 report is a draft: not reported, whatever its figure.
    report = QuarterlyReport.objects.get(indicator__code="P3-06", quarter=3)
    report.value = 100
    report.save_by(None, reason="test")
    response = leader_client.get(PLAN + "?quarter=3&status=not_reported")
    assert "P3-06" in codes(response)


# --- Charts and the Content-Security-Policy ---------------------------------------


@pytest.mark.parametrize("url", PAGES)
def test_no_inline_script_or_style(leader_client, url):
    response = leader_client.get(url + "?quarter=3")
    content = response.content.decode()
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    for tag in re.findall(r"<script[^>]*>", content):
        # Code only from files; data only as JSON (json_script), which never runs.
        assert ' src="' in tag or 'type="application/json"' in tag, tag
    assert " style=" not in content
    assert " onclick=" not in content


def test_chart_data_reaches_the_page_as_json(leader_client, demo):
    response = leader_client.get(PLAN + "?quarter=3")
    content = response.content.decode()
    match = re.search(
        r'<script id="chart-status-by-pillar" type="application/json">(.*?)</script>', content
    )
    data = json.loads(match.group(1))
    by_status = {d["status"]: sum(d["data"]) for d in data["datasets"]}
    # 未报送 as the badges beside the chart count it (qualitative included).
    assert by_status == {s.value: n for s, n in demo.overview(3).screen_counts}
    assert 'data-chart="chart-status-by-pillar"' in content
    assert 'data-chart-animation="off"' in content  # test settings: no animation


# --- A fixed number of queries ----------------------------------------------------


def _both_sizes(
    client, demo, url, queries, django_assert_num_queries, times=30, grown_queries=None
):
    """The same number of queries with the real plan and with `times` + 1 times as
    many indicators (each request draws the page: the plan grown is new data), or
    `grown_queries` with the plan grown.

    Each is drawn as by a worker that kept nothing: one that kept the standings of an
    earlier generation reads the change log first, one query more
    (tests/test_dashboard_freshness.py pins that)."""
    with django_assert_num_queries(queries):
        small = client.get(url)
    grow_plan(demo, times)
    fragments.forget()
    with django_assert_num_queries(queries if grown_queries is None else grown_queries):
        large = client.get(url)
    assert small.status_code == large.status_code == 200
    return small, large


def _main(response):
    """The page's <main>: the body the dashboards keep, without CSRF tokens (the
    navigation bar and a leader's follow button carry a new one each time)."""
    html = response.content.decode()
    main = html[html.index("<main") : html.index("</main>")]
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", main)


def test_plan_page_queries_do_not_grow(leader_client, demo, django_assert_num_queries):
    # 1 session, 2 user, 3 the data's version (the key of the kept plans and body,
    # targets/views/fragments.py), 4 plans (the page's, and the others for the year
    # switcher),
    # 5 plan elements, 6 indicators (+ plan, pillar, task), 7 their lead and
    # cooperating units, 8 their reports, 9 their target revisions, 10 pillar choices
    # of the filter form, 11 section choices of the filter form. No filter asked, so
    # the table lists the standings as they are, without asking which keys the
    # filters leave (IndicatorFilter.filters_nothing). The headline tiles, the
    # attention list and the changes since the quarter before add none: they read the
    # standings (and the units, reports and revisions prefetched with them) of
    # queries 6–9. Outside the kept body (oversight/templatetags/oversight.py): 12 the
    # overdue follow-ups' count, 13 the plan's instructions.
    small, large = _both_sizes(
        leader_client, demo, PLAN + "?quarter=3", 13, django_assert_num_queries
    )
    assert len(large.context["overview"].standings) == 31 * len(small.context["overview"].standings)


def test_plan_page_queries_grow_only_by_chunks_at_a_hundred_times(
    leader_client, demo, django_assert_num_queries
):
    # The 13 above with 2,929 indicators and their 8,700 reports, except that the
    # plan's standings are read `STANDINGS_CHUNK` indicators at a time (so a worker
    # never holds a large plan's reports all at once, IndicatorQuerySet.each_standing):
    # each chunk after the first reads its units, reports and revisions, three more.
    chunks = math.ceil(29 * 101 / STANDINGS_CHUNK)
    assert chunks > 1
    _both_sizes(
        leader_client,
        demo,
        PLAN + "?quarter=3",
        13,
        django_assert_num_queries,
        100,
        grown_queries=13 + 3 * (chunks - 1),
    )


def test_a_kept_plan_page_costs_three_queries(leader_client, demo, django_assert_num_queries):
    # 1 session, 2 user, 3 the data's version: unchanged, so the plans and the body
    # drawn by the first request are served again, whatever the plan's size; 4 the
    # overdue follow-ups' count and 5 the plan's instructions, drawn outside the kept
    # body so that they show at once (oversight/templatetags/oversight.py).
    url = PLAN + "?quarter=3"
    first = leader_client.get(url)
    with django_assert_num_queries(5):
        again = leader_client.get(url)
    assert _main(again) == _main(first) and "overview" in first.context
    grow_plan(demo, 30)
    grown = leader_client.get(url)
    with django_assert_num_queries(5):
        again = leader_client.get(url)
    assert _main(again) == _main(grown) != _main(first)


def test_a_kept_pillar_page_costs_six_queries(leader_client, demo, django_assert_num_queries):
    # 1 session, 2 user, 3 the data's version, 4 the pillar (and its code in the other
    # years), outside the kept body: 5 whether the leader follows the pillar (notices),
    # 6 the pillar's instructions.
    first = leader_client.get(PILLAR + "?quarter=3")
    with django_assert_num_queries(6):
        again = leader_client.get(PILLAR + "?quarter=3")
    assert "overview" in first.context and again.status_code == 200


def test_plan_page_default_quarter_costs_no_query(leader_client, demo, django_assert_num_queries):
    # The 13 above: the default quarter is the latest ended one, known from the date alone.
    _both_sizes(leader_client, demo, PLAN, 13, django_assert_num_queries)


def test_filtered_plan_page_queries_do_not_grow(leader_client, demo, django_assert_num_queries):
    # The 13 above, plus: 14 the keys of the filtered indicators, 15 the chosen pillar
    # (the filter validates it). The status filter reads the page's standings
    # (IndicatorFilter's `overview`): no pass of its own over the indicators.
    _both_sizes(
        leader_client,
        demo,
        PLAN + "?quarter=3&pillar=P5&status=behind&sort=-completion&page=1",
        15,
        django_assert_num_queries,
    )


def test_pillar_page_queries_do_not_grow(leader_client, demo, django_assert_num_queries):
    # 1 session, 2 user, 3 the data's version, 4 plans, 5 the pillar (and its code in
    # the other years); the plan's standings, which the plan page shares (targets/views/
    # fragments.py): 6 plan elements, 7 indicators (+ plan, pillar, task), 8 their lead
    # and cooperating units, 9 their reports, 10 their target revisions; 11 section
    # choices of the form (no filter asked: no keys of filtered indicators); outside the
    # kept body: 12 whether the leader follows the pillar (notices), 13 the pillar's
    # instructions
    _both_sizes(leader_client, demo, PILLAR + "?quarter=3", 13, django_assert_num_queries)


def test_indicator_page_queries_do_not_grow(leader_client, demo, django_assert_num_queries):
    # 1 session, 2 user, 3 the data's generation (the key of the kept plans and page,
    # targets/views/fragments.py), 4 plans, 5 the keys and links of the indicators
    # linked to it (its line across years, one recursive query), 6 the line's
    # indicators (+ plan, pillar, task), 7 their reports, 8 their target revisions, 9
    # its lead and cooperating units; P3-04 counts its figures from its ledger (台账, the
    # ledger app): 10 its items (+ their places), 11 their evidence files
    # (tests/test_ledger_pages.py: an indicator without a ledger has no such queries);
    # outside the kept body: 12 whether the leader follows it (notices), 13 its
    # instructions, 14 its follow-ups (oversight)
    _both_sizes(leader_client, demo, INDICATOR + "?quarter=3", 14, django_assert_num_queries)


def test_a_kept_indicator_page_costs_six_queries(leader_client, demo, django_assert_num_queries):
    # 1 session, 2 user, 3 the data's generation: the plans and the page drawn by the
    # first request are served again, whatever the plan's size; 4 whether the leader
    # follows it, 5 its instructions and 6 its follow-ups, drawn outside the kept body
    # so that they show at once.
    url = INDICATOR + "?quarter=3"
    first = leader_client.get(url)
    with django_assert_num_queries(6):
        again = leader_client.get(url)
    assert _main(again) == _main(first)
    grow_plan(demo, 30)
    leader_client.get(url)
    with django_assert_num_queries(6):
        again = leader_client.get(url)
    assert again.status_code == 200


def test_pillar_overview_alone_takes_three_queries(demo, django_assert_num_queries):
    pillar = PlanElement.objects.get(plan=demo, code="P3")
    # indicators (+ joins), their lead and cooperating units, reports, target revisions
    with django_assert_num_queries(4):
        overview = pillar.overview(3)
        assert overview.progress.measured == 5


@pytest.mark.parametrize("per_page", ["-1", "0", "abc", "100000"])
@pytest.mark.parametrize("url", [PLAN, PILLAR])
def test_any_page_size_in_the_url_is_safe(leader_client, url, per_page):
    response = leader_client.get(url + f"?quarter=3&per_page={per_page}&page=2")
    assert response.status_code == 200


def test_a_target_without_a_pace_says_so_on_its_pillar_card(leader_client):
    # P5-02 and P5-04 are levels without a baseline (no pace): their cards said
    # "100.0% done, expected" with nothing after; they say why there is no pace now.
    for language, done in (("en", "done · "), ("zh-hans", "完成 100.0% · ")):
        response = leader_client.get(
            "/plans/2024/pillars/P5/?quarter=3", HTTP_ACCEPT_LANGUAGE=language
        )
        html = response.content.decode()
        assert not re.search(r"done, +expected|时序进度 *</p>", html)
        assert done in html
