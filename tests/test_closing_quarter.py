"""Closing a quarter (issue 25): a checklist of what is unfinished first, then the
administrator's confirmation; the quarters' log shows only what happened.

The demo acts on 2024-10-08: Q3 has ended, its reports are in every state.
"""

import re

import pytest

from targets.models import QuarterlyReport
from targets.models.worklist import closing_checklist

from .oversight_helpers import follow_up

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}
CLOSE = "/plans/2024/quarters/3/close/"


def _expected(plan, state):
    return sorted(
        QuarterlyReport.objects.filter(indicator__plan=plan, quarter=3, state=state).values_list(
            "indicator__code", flat=True
        )
    )


def _codes(check):
    return sorted(name for name, _link in check.items)


def test_the_checklist_counts_each_kind_of_unfinished_report(demo, users):
    follow_up(users, code="P6-04", state="open")
    follow_up(users, code="P3-04", state="returned")
    follow_up(users, code="P5-04", state="closed")  # done: not listed
    checks = {c.key: c for c in closing_checklist(demo, 3, demo.quarter_end(3))}
    assert list(checks) == ["submitted", "returned", "draft", "missing", "follow_ups"]
    assert _codes(checks["submitted"]) == _expected(demo, "submitted")
    assert _codes(checks["returned"]) == _expected(demo, "returned")
    assert _codes(checks["draft"]) == _expected(demo, "draft")
    reported = set(
        QuarterlyReport.objects.filter(indicator__plan=demo, quarter=3).values_list(
            "indicator__code", flat=True
        )
    )
    assert checks["missing"].count > 0
    assert not reported & set(_codes(checks["missing"]))
    assert [name for name, _link in checks["follow_ups"].items] == [
        "示例 督办 P6-04",
        "示例 督办 P3-04",
    ]


def test_close_shows_the_checklist_and_closes_nothing_until_confirmed(personas, demo):
    page = personas["admin"].get("/plans/2024/quarters/", **EN).content.decode()
    # The quarters page links to the checklist; it has no one-click close any more.
    assert f'href="{CLOSE}"' in page and f'action="{CLOSE}"' not in page
    response = personas["admin"].get(CLOSE, **EN)
    content = response.content.decode()
    assert response.status_code == 200
    waiting = len(_expected(demo, "submitted"))
    assert f'Waiting for review: <span class="count">{waiting}</span>' in content
    assert "Returned to the section" in content and "Follow-ups still open" in content
    assert 'name="confirm" value="yes"' in content
    assert demo.closed_quarters() == set()
    # A POST without the confirmation (a stale form, a script) is the checklist again.
    refused = personas["admin"].post(CLOSE, **EN)
    assert refused.status_code == 400
    assert "Nothing was closed" in refused.content.decode()
    assert demo.closed_quarters() == set()
    done = personas["admin"].post(CLOSE, {"confirm": "yes"}, **EN)
    assert done.status_code == 302 and done["Location"] == "/plans/2024/quarters/"
    assert demo.closed_quarters() == {3}


def test_a_checklist_changed_since_it_was_shown_closes_nothing(personas, demo, users):
    """The administrator confirms what they saw: a report submitted after the page was
    drawn puts the checklist in front of them again (409), with the new item on it."""
    admin = personas["admin"]
    page = admin.get(CLOSE, **EN).content.decode()
    seen = re.search(r'name="seen" value="(\w+)"', page).group(1)
    report = QuarterlyReport.objects.get(indicator__code="P6-04", quarter=3)
    report.state = QuarterlyReport.State.DRAFT
    report.save()  # the section takes it back as a draft meanwhile
    stale = admin.post(CLOSE, {"confirm": "yes", "seen": seen}, **EN)
    assert stale.status_code == 409
    content = stale.content.decode()
    assert "the checklist has changed since you opened it" in content
    assert 'href="/plans/2024/indicators/P6-04/report/3/"' in content
    assert demo.closed_quarters() == set()
    fresh = re.search(r'name="seen" value="(\w+)"', content).group(1)
    assert fresh != seen
    done = admin.post(CLOSE, {"confirm": "yes", "seen": fresh}, **EN)
    assert done.status_code == 302 and demo.closed_quarters() == {3}


def test_the_checklist_speaks_chinese(personas):
    content = personas["admin"].get(CLOSE, **ZH).content.decode()
    assert "等待审核" in content and "关闭第3季度" in content.replace(" ", "")


@pytest.mark.parametrize("persona", ["staff", "staff2", "leader", "reviewer"])
def test_only_an_administrator_sees_or_confirms_the_checklist(personas, demo, persona):
    assert personas[persona].get(CLOSE).status_code == 403
    assert personas[persona].post(CLOSE, {"confirm": "yes"}).status_code == 403
    assert demo.closed_quarters() == set()


def test_a_running_quarter_has_no_checklist(personas, demo):
    assert personas["admin"].get("/plans/2024/quarters/4/close/").status_code == 302
    response = personas["admin"].post("/plans/2024/quarters/4/close/", {"confirm": "yes"}, **EN)
    assert response.status_code == 400 and "Q4 has not ended yet" in response.content.decode()
    assert demo.closed_quarters() == set()


def test_the_log_shows_only_what_happened(personas, demo, users):
    admin = personas["admin"]
    admin.post(CLOSE, {"confirm": "yes"})
    # A second confirmation (another tab, a double click) closes nothing more.
    again = admin.post(CLOSE, {"confirm": "yes"}, **EN)
    assert again.status_code == 302
    # Reopening a quarter that is open is no change either.
    demo.reopen_quarter(2, by=users["admin"], reason="不应记录")
    demo.reopen_quarter(3, by=users["admin"], reason="补报")
    rows = demo.periods.model.history.filter(plan=demo).order_by("history_date", "history_id")
    assert list(rows.values_list("quarter", "is_closed")) == [(3, True), (3, False)]
    log = admin.get("/plans/2024/quarters/", **EN).content.decode().split("<h2", 2)[-1]
    assert log.count("Q3 closed") == 1 and log.count("reopened") == 1
    assert "Q2" not in log
