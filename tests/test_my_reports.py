"""'My reports': the section's indicators for the reporting quarter and before."""

from .growth import grow_plan


def _items(response):
    return {(i.indicator.code, i.quarter): i for g in response.context["sections"] for i in g.items}


def test_staff_see_states_and_due_dates(personas):
    response = personas["staff"].get("/reports/")
    items = _items(response)
    assert items[("P6-04", 3)].state == "submitted"
    assert items[("P6-04", 1)].state == "approved"
    assert items[("P3-06", 3)].state == "draft"
    assert str(items[("P6-04", 3)].due) == "2024-10-10"
    assert {q for _code, q in items} == {1, 2, 3}  # today is 2024-10-08: Q3 and before
    content = response.content.decode()
    assert "/plans/2024/indicators/P6-04/report/3/" in content


def test_staff2_sees_missing_report_as_not_started(personas):
    items = _items(personas["staff2"].get("/reports/"))
    assert items[("P5-05", 3)].state == "not_started"
    assert items[("P5-05", 3)].report is None


def test_query_count_does_not_grow(personas, demo, django_assert_num_queries):
    client = personas["admin"]  # every section
    # 1 session, 2 user, 3 plan, 4 the sections to pick from, 5 how many indicators
    # (the list pages), 6 a page of indicators (+pillar), 7 their lead and
    # cooperating units, 8 their reports, 9 closed quarters
    with django_assert_num_queries(9):
        client.get("/reports/")
    grow_plan(demo, 5)
    with django_assert_num_queries(9):
        client.get("/reports/")


def test_staff_query_count_does_not_grow(personas, demo, django_assert_num_queries):
    client = personas["staff"]
    # as above without the sections to pick from, plus the two light queries that
    # ask the edit and contribute rules per indicator (the indicators, their units);
    # nothing more for the list of what the section cooperates on while it is empty
    with django_assert_num_queries(10):
        client.get("/reports/")
    grow_plan(demo, 5)
    with django_assert_num_queries(10):
        client.get("/reports/")


def test_every_section_of_a_large_plan_pages_by_sixty_indicators(personas, demo):
    grow_plan(demo, 5)  # 174 indicators: pages of 60, 60 and 54
    client = personas["admin"]
    seen = []
    for number in (1, 2, 3):
        response = client.get(f"/reports/?page={number}")
        codes = {i.indicator.code for g in response.context["sections"] for i in g.items}
        assert len(codes) == (60 if number < 3 else 54)
        seen += codes
    assert sorted(seen) == sorted(demo.indicators.values_list("code", flat=True))
    content = response.content.decode()
    assert 'href="?page=2"' in content and 'aria-current="page">3<' in content
    # A section picked pages within it and keeps the pick in the page links.
    picked = client.get("/reports/?section=demo-platform&page=2")
    codes = {i.indicator.code for g in picked.context["sections"] for i in g.items}
    assert codes and all(code.split("-")[-2][-2:] in ("P3", "P6") for code in codes)
    assert 'href="?section=demo-platform&amp;page=1"' in picked.content.decode()


def test_review_queue_lists_submitted_reports(personas, django_assert_num_queries):
    # 1 session, 2 user, 3 plans (the current one), 4 its approval chain (none: one
    # step), 5 submitted reports (+indicator, author), 6 their indicators' lead and
    # cooperating units, 7 the reports of their indicators and 8 their target
    # revisions (the status each would make), 9 their history (what changed since first
    # submitted; tests/test_review_trail.py); P3-04 Q3 keeps a ledger (台账): 10 the
    # items of such quarters (+ their places), 11 their files, 12 the items' and 13 the
    # files' history (new and changed items); the filters' choices: 14 the pillars,
    # 15 the lead units (tests/test_review_queue.py)
    reviewer = personas["reviewer"]
    with django_assert_num_queries(15):
        response = reviewer.get("/reviews/")
    codes = {(r.indicator.code, r.quarter) for r in response.context["reports"]}
    assert ("P6-04", 3) in codes and ("P1-01", 3) not in codes


def test_milestone_done_earlier_needs_no_report(personas):
    items = _items(personas["staff"].get("/reports/"))
    p6_01 = items[("P6-01", 2)]  # done in Q1 (2024-03-26)
    assert p6_01.state == "done_earlier"
    assert not p6_01.is_overdue


def test_current_quarter_comes_first(personas):
    response = personas["staff"].get("/reports/")
    quarters = [i.quarter for g in response.context["sections"] for i in g.items]
    assert quarters == sorted(quarters, reverse=True)


def test_a_corrected_milestone_is_no_longer_done_earlier(personas, users):
    """P6-01 was done in Q1; a Q2 report saying "in progress" corrects that."""
    from targets.models import Indicator, QuarterlyReport

    indicator = Indicator.objects.get(plan__year=2024, code="P6-01")
    report = QuarterlyReport(
        indicator=indicator, quarter=2, milestone_state="in_progress", progress="文件需修订"
    )
    report.record_entry(by=users["staff"], submit=True, expected_version=0)
    items = _items(personas["staff"].get("/reports/"))
    assert items[("P6-01", 3)].state == "not_started"  # its Q3 report is due again
    assert indicator.standing(3).status != "met"  # the dashboard agrees


def test_leaders_and_reviewers_do_not_report(personas):
    for persona in ("leader", "reviewer"):
        response = personas[persona].get("/reports/", headers={"accept-language": "en"})
        assert response.status_code == 403
        content = response.content.decode()
        assert "You may not open this page" in content  # the site's own 403 page
        assert 'href="/reports/"' not in content  # and no link to it in the menu
    for persona in ("staff", "admin"):
        assert 'href="/reports/"' in personas[persona].get("/plans/2024/").content.decode()


def test_an_admin_picks_a_section(personas):
    response = personas["admin"].get("/reports/?section=demo-talent")
    codes = {i.indicator.code for g in response.context["sections"] for i in g.items}
    assert codes == {f"P5-0{n}" for n in range(1, 6)}
    assert personas["admin"].get("/reports/?section=nobody").status_code == 404
    assert personas["staff"].get("/reports/").context["section_choices"] is None
