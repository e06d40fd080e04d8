"""The reviewer's queue on a deadline day (issue 25): paged, filtered and sorted in the
URL, ledger items marked new or changed since the version compared against and
flagged without evidence, the figure's change said once, evidence opened in a new
tab, and several reports approved at once through the same model method as one."""

import re
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.test import Client

from accounts.models import User
from ledger.models import LedgerEntry
from targets.models import ApprovalStep, QuarterlyReport

from .growth import grow_plan
from .ledger_helpers import ledger_form
from .reporting_helpers import form_data, report_url, review_url

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
APPROVE = "/plans/2024/reviews/approve/"


def _report(code, quarter=3):
    return QuarterlyReport.objects.get(indicator__code=code, quarter=quarter)


def _codes(response):
    return [r.indicator.code for r in response.context["reports"]]


def _messages(response):
    return [str(m) for m in response.context["messages"]]


def _ticked(*codes, versions=None):
    """The bulk form's post: each report's id ticked, with the version the queue showed."""
    data = {"report": [], "query": ""}
    for code in codes:
        report = _report(code)
        data["report"].append(str(report.pk))
        data[f"version-{report.pk}"] = str((versions or {}).get(code, report.version))
    return data


# -- Paged, filtered, sorted -------------------------------------------------------------


def test_the_queue_pages_and_its_queries_do_not_grow_with_the_reports(
    personas, demo, django_assert_num_queries
):
    reviewer = personas["reviewer"]
    # 1 session, 2 user, 3 plans, 4 the approval chain, 5 the waiting reports (+
    # indicator, author), 6 their units, 7 their indicators' reports, 8 target
    # revisions, 9 the page's history (trails), 10 ledger items (+ places), 11 their
    # files, 12 the items' and 13 the files' history (marks), 14 pillars, 15 lead
    # units (the filters' choices)
    with django_assert_num_queries(15):
        small = reviewer.get("/reviews/?sort=code")
    assert small.context["page"].paginator.count == len(_codes(small)) < 20
    grow_plan(demo, times=10)  # 290 indicators more, each with a Q3 report now waiting
    QuarterlyReport.objects.filter(indicator__code__startswith="X", quarter=3).update(
        state="submitted"
    )
    with django_assert_num_queries(15):
        # By code, the plan's own reports (P3-04 with its ledger) come before the copies.
        big = reviewer.get("/reviews/?sort=code", **EN)
    assert big.context["page"].paginator.count == 290 + small.context["page"].paginator.count
    assert len(big.context["items"]) == 20
    content = big.content.decode()
    assert "304 reports wait for you. Showing 1–20." in content
    assert 'href="?sort=code&amp;page=2"' in content
    # A later page, with the filters kept in the pager's links; none of its reports
    # keeps a ledger (the copies do not): four queries fewer (items, files, histories),
    # one more for the pillar picked (the filter reads it).
    with django_assert_num_queries(12):
        last = reviewer.get("/reviews/?pillar=P3&sort=code&page=2")
    assert 'href="?pillar=P3&amp;sort=code&amp;page=1"' in last.content.decode()


def test_filters_narrow_the_queue_and_stay_in_the_url(personas):
    reviewer = personas["reviewer"]
    everything = set(_codes(reviewer.get("/reviews/")))
    p3 = _codes(reviewer.get("/reviews/?pillar=P3"))
    assert p3 and all(code.startswith("P3-") for code in p3)
    platform = _codes(reviewer.get("/reviews/?lead_section=demo-platform"))
    assert set(platform) == {c for c in everything if c[:2] in ("P3", "P6")}
    # Evidence: P3-04 Q3 has an item without a file (ledger/demo.py); P3-07 has all.
    missing = _codes(reviewer.get("/reviews/?evidence=missing"))
    assert "P3-04" in missing and "P6-04" not in missing
    complete = _codes(reviewer.get("/reviews/?evidence=complete"))
    assert "P3-04" not in complete and "P6-04" not in complete
    # Status if approved (the status rule's), and worst first.
    behind = reviewer.get("/reviews/?status=behind").context["items"]
    assert behind and all(item.standing.status == "behind" for item in behind)
    ranked = [i.standing.severity for i in reviewer.get("/reviews/?sort=status").context["items"]]
    assert ranked == sorted(ranked)
    # A value that is no choice: the form says so, the queue stays (never a 500).
    bad = reviewer.get("/reviews/?pillar=P99&sort=sideways", **EN)
    assert bad.status_code == 200
    assert "Select a valid choice" in bad.content.decode()


def test_rows_are_compact_and_evidence_opens_in_a_new_tab(personas):
    content = personas["reviewer"].get("/reviews/", **EN).content.decode()
    p3_04 = _report("P3-04")
    row = re.search(
        rf'<li class="queue-row" id="row-{p3_04.pk}">.*?</details>\n</li>', content, re.S
    )
    row = row.group()
    # The line: its figure and status; its details folded.
    assert '<details class="queue-details">' in row and "<details open" not in row
    assert "1 item without evidence" in row
    links = re.findall(r'<a href="/plans/2024/indicators/P3-04/evidence/\d+/"[^>]*>', row)
    assert links and all('target="_blank" rel="noopener"' in link for link in links)
    assert "(opens in a new tab)" in row
    # Not approvable with others: no tick, and the reason in words.
    assert f'id="pick-{p3_04.pk}"' not in row
    assert "An item in the ledger has no evidence file." in row
    assert f'id="pick-{_report("P6-04").pk}"' in content


def test_the_figure_change_is_said_once(personas, users):
    url = report_url("P6-04", 3)
    for value, reason in (("3", "重复统计一场"), ("5", "补录")):
        report = _report("P6-04")
        data = form_data(report, value=value, reason=reason, confirm_large="on")
        assert personas["staff"].post(url, data).status_code == 302
    content = personas["reviewer"].get("/reviews/", **EN).content.decode()
    row = re.search(
        rf'<li class="queue-row" id="row-{_report("P6-04").pk}">.*?</details>\n</li>', content, re.S
    ).group()
    trail = re.search(r'<div class="trail-box">.*?</div>', row, re.S).group()
    text = re.sub(r"\s+", "", re.sub(r"<[^>]+>|then", "", trail))
    assert text.count("→") == 2  # 4 → 3 → 5, and no second "figure 4 → 5"
    assert "figure changed" in row


COUNTS = "/notices/counts.json"
# The menu's "Review" item, shown (reviewers, admins) or rendered hidden for the script
# to show (anyone else, should the counts say they review).
REVIEW_ITEM = re.compile(r'<li class="nav-item"( hidden)?><a class="nav-link review-link"')


def test_the_menu_counts_the_reports_waiting_for_this_reviewer(
    personas, chain, django_assert_num_queries
):
    reviewer = personas["reviewer"]
    page = reviewer.get("/plans/2024/").content.decode()
    assert 'data-counts-url="/notices/counts.json"' in page
    assert "menu_counts.js" in page
    assert REVIEW_ITEM.search(page).group(1) is None  # shown without waiting for the count
    # In a chain, every submitted report waits for the section heads first: none for
    # the planning office yet; one passed on, one for them.
    # 1 session, 2 user, 3 unread notices, 4 plans, 5 the approval chain, 6 the user's
    # groups, 7 the count
    with django_assert_num_queries(7):
        assert reviewer.get(COUNTS).json()["waiting"] == 0
    assert chain.post(APPROVE, _ticked("P6-04")).status_code == 302
    assert reviewer.get(COUNTS).json()["waiting"] == 1
    assert reviewer.get("/reviews/").context["page"].paginator.count == 1


def test_staff_outside_the_chain_get_no_waiting_count_and_no_link(personas, chain):
    staff = personas["staff"]  # of the section head's own section, but not in the chain
    assert staff.get(COUNTS).json()["waiting"] is None
    assert REVIEW_ITEM.search(staff.get("/reports/").content.decode()).group(1) == " hidden"
    assert staff.get("/reviews/").status_code == 403


def test_a_section_head_in_the_chain_has_the_menu_count_of_their_step(
    users, chain, django_assert_num_queries
):
    # Not a reviewer: the link is rendered hidden, for the script to show on the count.
    assert REVIEW_ITEM.search(chain.get("/reports/").content.decode()).group(1) == " hidden"
    section = users["staff"].section
    theirs = QuarterlyReport.objects.filter(
        indicator__plan__year=2024,
        state="submitted",
        indicator__units__section=section,
        indicator__units__role="lead",
    ).distinct()
    assert theirs.count() > 1  # P3 and P6 reports wait for the platform section's head
    # 1 session, 2 user, 3 unread notices, 4 whether they act in a chain, 5 plans,
    # 6 the approval chain, 7 the user's groups, 8 the count
    with django_assert_num_queries(8):
        counts = chain.get(COUNTS).json()
    assert counts == {"unread": 0, "waiting": theirs.count()}
    assert chain.get("/reviews/").context["page"].paginator.count == theirs.count()
    # Passed on to the planning office: one fewer for the head.
    assert chain.post(APPROVE, _ticked("P6-04")).status_code == 302
    assert chain.get(COUNTS).json()["waiting"] == theirs.count() - 1


# -- Ledger items marked ------------------------------------------------------------------


def _resubmit_p3_04(client, reason, **kwargs):
    response = client.post(
        report_url("P3-04", 3), ledger_form(_report("P3-04"), reason=reason, **kwargs)
    )
    assert response.status_code == 302, response.context and response.context.get("entry_formset")


def _marks(client):
    item = next(
        i for i in client.get("/reviews/").context["items"] if i.report.indicator.code == "P3-04"
    )
    return item


def test_new_changed_and_removed_items_are_marked_since_the_first_submission(personas):
    entries = list(
        LedgerEntry.objects.filter(indicator__code="P3-04", quarter=3).order_by("date", "pk")
    )
    first, second = entries[0], entries[1]
    before = _marks(personas["reviewer"])
    assert before.ledger.new_count == 0 and before.ledger.changed_count == 0
    _resubmit_p3_04(
        personas["staff"],
        "补录一家并更正文号",
        new=[{"name": "示例·甲中心", "date": "2024-09-01"}],
        changes={first.pk: {"document_number": "吉科字〔2024〕99号"}},
        remove=[second.pk],
    )
    item = _marks(personas["reviewer"])
    marked = {m.entry.name: m for m in item.ledger.entries}
    assert marked["示例·甲中心"].is_new and not marked["示例·甲中心"].changed
    assert marked[first.name].changed and not marked[first.name].is_new
    assert item.ledger.removed == [second.name]
    assert not item.trail.since_approved
    content = personas["reviewer"].get("/reviews/", **EN).content.decode()
    assert "1 new item" in content and "1 changed item" in content
    assert "Marked against the first submission of" in content
    assert f"Removed since: {second.name}" in content


def test_items_are_marked_against_the_last_approved_version(personas):
    reviewer, staff = personas["reviewer"], personas["staff"]
    report = _report("P3-04")
    approve = {"action": "approve", "comment": "缺佐证已知悉", "version": report.version}
    assert reviewer.post(review_url("P3-04", 3), approve).status_code == 302
    returned = {"action": "return", "comment": "请补录", "version": _report("P3-04").version}
    assert reviewer.post(review_url("P3-04", 3), returned).status_code == 302
    _resubmit_p3_04(staff, "补录", new=[{"name": "示例·乙中心", "date": "2024-08-15"}])
    item = _marks(reviewer)
    assert item.trail.since_approved
    assert [m.entry.name for m in item.ledger.entries if m.is_new] == ["示例·乙中心"]
    assert (
        "Marked against the version approved on" in reviewer.get("/reviews/", **EN).content.decode()
    )


# -- Approving several at once -----------------------------------------------------------


def test_several_reports_are_approved_at_once_each_through_approve(personas):
    reviewer = personas["reviewer"]
    before = {code: _report(code).history.count() for code in ("P6-04", "P5-01")}
    response = reviewer.post(APPROVE, _ticked("P6-04", "P5-01", "P3-04"), follow=True, **EN)
    assert response.redirect_chain[-1][0] == "/reviews/"
    for code in ("P6-04", "P5-01"):
        report = _report(code)
        assert report.state == "approved"
        # Through QuarterlyReport.approve: one more history row, by the reviewer, why.
        assert report.history.count() == before[code] + 1
        latest = report.history.first()
        assert latest.history_user.username == "reviewer"
        assert latest.history_change_reason == "approved"
    assert _report("P3-04").state == "submitted"  # an item without evidence
    said = " ".join(_messages(response))
    assert "2 reports approved: P5-01 Q3 (Approved); P6-04 Q3 (Approved)." in said or (
        "2 reports approved: P6-04 Q3 (Approved); P5-01 Q3 (Approved)." in said
    )
    assert "1 report skipped: P3-04 Q3: An item in its ledger has no evidence file" in said


def test_a_superuser_approves_a_report_lacking_evidence_on_its_own_too(users):
    admin = users["admin"]
    admin.is_superuser = True
    admin.save(update_fields=["is_superuser"])
    client = Client()
    client.force_login(admin)
    response = client.post(APPROVE, _ticked("P3-04", "P5-01"), follow=True, **EN)
    assert _report("P3-04").state == "submitted"
    assert _report("P5-01").state == "approved"
    assert "P3-04 Q3: An item in its ledger has no evidence file" in " ".join(_messages(response))


def test_a_report_changed_since_the_queue_was_drawn_is_skipped(personas):
    reviewer = personas["reviewer"]
    stale = _report("P6-04").version - 1 if _report("P6-04").version > 1 else 99
    data = _ticked("P6-04", "P5-01", versions={"P6-04": stale})
    response = reviewer.post(APPROVE, data, follow=True, **EN)
    assert _report("P6-04").state == "submitted"
    assert _report("P5-01").state == "approved"
    assert "P6-04 Q3: It changed since the queue was drawn; look at it again." in " ".join(
        _messages(response)
    )
    # Approved already: a second try says so and changes nothing.
    again = reviewer.post(APPROVE, _ticked("P5-01"), follow=True, **EN)
    assert "It no longer waits for review" in " ".join(_messages(again))


def test_bulk_approval_is_for_those_who_approve_and_keeps_the_filters(personas):
    data = _ticked("P6-04")
    for persona in ("staff", "staff2", "leader"):
        assert personas[persona].post(APPROVE, data).status_code == 403
    assert _report("P6-04").state == "submitted"
    # Nothing ticked: back to the queue with the reason; only its own parameters kept.
    response = personas["reviewer"].post(
        APPROVE, {"query": "pillar=P6&sort=code&next=//evil.example"}, **EN
    )
    assert response.status_code == 302
    assert response["Location"] == "/reviews/?pillar=P6&sort=code"
    said = _messages(personas["reviewer"].get(response["Location"], **EN))
    assert said == ["Tick the reports to approve first."]
    # A tick that is not a number is refused in words, never a 500.
    response = personas["reviewer"].post(APPROVE, {"report": "x'"}, follow=True, **EN)
    assert "The queue's page was incomplete; reload it." in _messages(response)


@pytest.fixture
def chain(demo, users):
    """Section heads (own section only), then the planning office."""
    heads = Group.objects.create(name="科室负责人")
    head = User.objects.create_user(
        "head", role=User.Role.STAFF, section=users["staff"].section, password=None
    )
    head.groups.add(heads)
    ApprovalStep.objects.create(
        plan=demo,
        order=0,
        name_zh="科室负责人审核",
        name_en="Section head",
        group=heads,
        own_section_only=True,
    )
    ApprovalStep.objects.create(
        plan=demo, order=1, name_zh="规划办审核", name_en="Planning office", role="reviewer"
    )
    client = Client()
    client.force_login(head)
    return client


def test_in_a_chain_each_approves_at_their_own_step(personas, chain):
    # The head of the platform section (P3, P6) passes P6-04 on; P5-01 is not theirs.
    response = chain.post(APPROVE, _ticked("P6-04", "P5-01"), follow=True, **EN)
    assert (_report("P6-04").state, _report("P6-04").step) == ("submitted", 1)
    assert _report("P5-01").step == 0
    said = " ".join(_messages(response))
    assert "1 report approved: P6-04 Q3 (Step 2 of 2: Planning office)." in said
    assert "P5-01 Q3: It does not wait for you at its approval step." in said
    # The step filter: the reviewer's queue, at step 2, holds P6-04 alone.
    queue = personas["reviewer"].get("/reviews/?step=1")
    assert _codes(queue) == ["P6-04"]
    assert personas["reviewer"].post(APPROVE, _ticked("P6-04")).status_code == 302
    assert _report("P6-04").state == "approved"
    assert _report("P6-04").value == Decimal(4)
