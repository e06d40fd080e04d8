"""The leader's first screen: headline tiles, what needs attention, what changed.

Against figures worked out by hand from the demo data (targets/demo.py), as of Q3
(expected pace 75 %, at-risk tolerance 10 points).
"""

import re

import pytest

PLAN = "/plans/2024/"
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.fixture
def overview(demo):
    return demo.overview(3)


def codes(standings):
    return [s.indicator.code for s in standings]


def test_attention_lists_the_worst_first(overview):
    # Behind: P1-02 10/16 = 62.5 % (−12.5 points), P5-03 32/50 = 64 % (−11.0);
    # at risk: P3-04 7/10 = 70 % (−5.0), then P5-01 and P6-04 11/15 (−1.7 each, plan
    # order), P5-04 (a level of 100 against "> 100" without a baseline: no pace, so
    # last of them); not reported in Q3: P3-06 (a draft; 3/6 before, −25), P5-05 (16/30, −21.7),
    # then P4-01 (qualitative: its report is owed as much, and it has no pace to fall behind).
    assert codes(overview.attention) == [
        "P1-02",
        "P5-03",
        "P3-04",
        "P5-01",
        "P6-04",
        "P5-04",
        "P3-06",
        "P5-05",
        "P4-01",
    ]


def test_changes_since_the_quarter_before(overview):
    changes = {
        c.standing.indicator.code: (c.before.status, c.standing.status) for c in overview.changes
    }
    assert changes == {
        "P1-02": ("at_risk", "behind"),  # Q2 7/16 = 43.75 % against 50 %: 6.25 short
        "P3-04": ("behind", "at_risk"),  # Q2 4/10 = 40 %: 10 short is behind
        "P3-06": ("on_track", "not_reported"),  # Q2 3/6 = 50 %; Q3 only a draft
        "P3-07": ("on_track", "met"),  # 7/10 by Q2, 11 by Q3
        "P5-01": ("on_track", "at_risk"),  # 8/15 = 53.3 % by Q2
        # level 45 of 48 in Q2 (no baseline: 6 % short of the target), 48 in Q3
        "P5-02": ("at_risk", "met"),
        "P5-03": ("at_risk", "behind"),  # 22/50 = 44 % by Q2
        "P5-05": ("on_track", "not_reported"),  # 16/30 by Q2, no Q3 figure
        "P4-01": (None, "not_reported"),  # qualitative: reported in Q2, none in Q3
    }


def test_q1_has_no_quarter_before(demo):
    assert demo.overview(1).changes == []


def test_tiles_outstanding_reports_and_milestones(overview):
    # No counted Q3 report: P3-06 (draft), P4-01 (qualitative, none), P5-05 (none);
    # milestones done earlier (P2-01, P6-01 in Q1; P2-02, P6-05 in Q2) need none.
    assert codes(overview.outstanding) == ["P3-06", "P4-01", "P5-05"]
    assert overview.milestones.done == 4
    assert overview.milestones.total == 9
    assert overview.milestones.due == overview.milestones.overdue == 0  # all due in Q4


def test_a_pillar_is_marked_by_its_worst_status(overview):
    worst = {p.pillar.code: (p.worst.status, p.worst.count) for p in overview.pillars}
    assert worst == {
        "P1": ("behind", 1),
        "P2": ("on_track", 1),
        "P3": ("at_risk", 1),  # at risk is worse than P3-06's not reported
        "P4": ("not_reported", 1),  # P4-01 owes its Q3 report
        "P5": ("behind", 1),
        "P6": ("at_risk", 1),
    }


def test_the_first_screen_shows_tiles_attention_and_changes(leader_client):
    content = leader_client.get(PLAN + "?quarter=3").content.decode()
    attention = re.search(r'<section class="attention".*?</section>', content, re.S).group()
    assert attention.index("P1-02") < attention.index("P5-03") < attention.index("P3-04")
    assert "尚差 3 家，落后时序进度 5.0 个百分点" in attention
    assert "牵头单位：平台建设科(示例)" in attention
    assert "存在问题：</span>(示例)个别项目进度偏慢。" in attention
    changes = re.search(r'<section class="changes".*?</section>', content, re.S).group()
    assert changes.count("<li>") == 9
    assert "第3季度未报送" in content and "截止 2024-10-10" in content
    assert "时间进度" in content and "任务进度" in content


def test_pillar_cards_follow_one_rule(leader_client):
    """P5 holds one behind and one not reported: never a green "ahead of pace" card;
    P6's worst is at risk: its mark says so, whatever its pace."""
    content = leader_client.get(PLAN + "?quarter=3", **EN).content.decode()
    cards = dict(re.findall(r'pillars/(P\d)/\?quarter=3"[^\n]*\n(.*?)</article>', content, re.S))
    p5 = re.search(
        r'class="card pillar-card marked worst-(\w+)"[^<]*<div class="card-body">\s*'
        r'<h3><a href="/plans/2024/pillars/P5/',
        content,
    )
    assert p5.group(1) == "behind"
    assert "Needs attention: Behind, 1 indicator" in cards["P5"]
    assert "Needs attention: At risk, 1 indicator" in cards["P6"]
    assert "pace-ok" not in content and "pace-behind" not in content  # no coloured pace


def test_p5_04_at_exactly_100_says_it_is_one_short(leader_client):
    indicator = leader_client.get("/plans/2024/indicators/P5-04/?quarter=3").content.decode()
    assert "&gt; 100 人：现 100 人，尚差 1 人（未达成）" in indicator
    assert "当前值" in indicator and "累计完成" not in indicator  # a stock, not a sum
    table = leader_client.get(PLAN + "?quarter=3").content.decode()
    row = re.search(r"P5-04</a></td>.*?</tr>", table, re.S).group()
    assert "尚差 1 人" in row


def test_a_monitored_figure_says_what_it_is_compared_with(leader_client):
    content = leader_client.get(PLAN + "?quarter=3").content.decode()
    p2_04 = re.search(r"P2-04</a></td>.*?</tr>", content, re.S).group()
    assert "已达上年全年的 62%（上年 108 户）" in p2_04
    assert "(-41)" not in p2_04 and "(+7)" not in content


def test_a_large_plan_lists_ten_of_each_and_counts_the_rest(leader_client, demo):
    from .growth import grow_plan

    grow_plan(demo, 30)  # 930 copies, each with Q1–Q3 reports
    overview = demo.overview(3)
    assert len(overview.attention) > 10 and len(overview.changes) > 10
    response = leader_client.get(PLAN + "?quarter=3", **EN)
    content = response.content.decode()
    attention = content[
        content.index('id="attention-heading"') : content.index('id="changes-heading"')
    ]
    assert attention.count("<li>") == 10
    more = dict(overview.attention_more)
    assert sum(more.values()) == len(overview.attention) - 10
    for status, n in more.items():
        assert (
            f'&amp;status={status.value}#indicators-heading">{n} more {status.label}</a>'
            in attention
        )
    assert f"and {len(overview.changes) - 10} more changes" in content


@pytest.mark.parametrize("headers", [{}, EN])
def test_one_figure_for_not_reported_on_the_first_screen(leader_client, headers):
    """The tile said 第3季度未报送 3/29 and the status badge 未报送 2: the badge counted
    the status (P3-06, P5-05), the tile also P4-01, a qualitative indicator without its
    report, out of every indicator (4 milestones done earlier report no more). One
    meaning now, said on the page: no counted report where one is due, qualitative
    included — 3 of the 25 indicators that report for Q3, on the tile and the badge."""
    content = leader_client.get(PLAN + "?quarter=3", **headers).content.decode()
    tiles = re.findall(r'tile-figure">(\d+) <small>/ (\d+)</small>', content)
    assert tiles[-1] == ("3", "25")  # the last tile: reports outstanding
    summary = re.search(r'<section class="summary.*?</section>', content, re.S).group()
    badge = re.search(r'data-status="not_reported">[^<]*<strong>(\d+)</strong>', summary)
    assert badge.group(1) == "3"
    # The pillar cards below count it the same way: P4's card shows P4-01.
    cards = dict(re.findall(r'pillars/(P\d)/\?quarter=3"[^\n]*\n(.*?)</article>', content, re.S))
    assert re.search(r'data-status="not_reported">[^<]*<strong>1</strong>', cards["P4"])
    words = "qualitative indicators included" if headers else "含定性指标"
    assert words in summary


def test_a_pillar_page_counts_not_reported_the_same_way(leader_client):
    # P4: P4-01 qualitative without its Q3 report, no rated indicator unreported.
    content = leader_client.get("/plans/2024/pillars/P4/?quarter=3").content.decode()
    badge = re.search(r'data-status="not_reported">[^<]*<strong>(\d+)</strong>', content)
    assert badge.group(1) == "1"
