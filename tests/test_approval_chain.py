"""A plan's approval chain: the bureau's own steps (section head, then the planning
office). With none configured a plan keeps its one step (every other test pins that);
here a chain of two steps, through the same views a reviewer uses."""

import pytest
from django.contrib.auth.models import Group
from django.test import Client

from accounts.models import User
from targets.models import ApprovalStep, QuarterlyReport
from targets.models.review import review_trail
from targets.rules import awaiting_filter

from .reporting_helpers import report_url, review_url

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def _client(user):
    client = Client()
    client.force_login(user)
    return client


def _report(code="P6-04", quarter=3):
    return QuarterlyReport.objects.get(indicator__code=code, quarter=quarter)


@pytest.fixture
def chain(demo, users):
    """科室负责人审核 (the section heads' group, own section only), then 规划办审核
    (reviewers). `head` heads staff's section (P3, P6); `head2` staff2's (P5)."""
    heads = Group.objects.create(name="科室负责人")
    for name, like in (("head", "staff"), ("head2", "staff2")):
        user = User.objects.create_user(
            name, role=User.Role.STAFF, section=users[like].section, password=None
        )
        user.groups.add(heads)
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
    return {name: _client(User.objects.get(username=name)) for name in ("head", "head2")}


def _review(client, action, comment="", code="P6-04", quarter=3):
    report = _report(code, quarter)
    return client.post(
        review_url(code, quarter),
        {"action": action, "comment": comment, "version": report.version},
        **EN,
    )


def test_two_steps_section_head_then_planning_office(personas, chain):
    assert _report().state == "submitted" and _report().step == 0
    # The planning office cannot act before the section head.
    assert _review(personas["reviewer"], "approve").status_code == 403
    assert _review(chain["head2"], "approve").status_code == 403  # another section's head
    queue = chain["head"].get("/reviews/", **EN)
    assert ("P6-04", 3) in {(r.indicator.code, r.quarter) for r in queue.context["reports"]}
    assert "Step 1 of 2: Section head" in queue.content.decode()
    assert ("P6-04", 3) not in {
        (r.indicator.code, r.quarter)
        for r in personas["reviewer"].get("/reviews/").context["reports"]
    }

    assert _review(chain["head"], "approve").status_code == 302
    report = _report()
    # Past step 1: still submitted (it counts as such), waiting at step 2.
    assert (report.state, report.step) == ("submitted", 1)
    assert report.counts
    assert _review(chain["head"], "approve").status_code == 403  # not theirs any more
    page = personas["staff"].get(report_url("P6-04", 3), **EN).content.decode()
    assert "Step 2 of 2: Planning office" in page
    trail = review_trail(report)
    assert trail.submissions == 1  # a step passed is no new submission
    assert trail.reasons == []  # nor a change: without a comment, nothing to read

    assert _review(personas["reviewer"], "approve").status_code == 302
    report = _report()
    assert (report.state, report.step) == ("approved", 0)
    reasons = list(
        report.history.order_by("history_date").values_list(
            "history_change_reason", "history_user__username"
        )
    )
    assert ("approved (科室负责人审核 1/2)", "head") in reasons
    assert reasons[-1] == ("approved", "reviewer")


def test_a_return_at_step_two_reaches_the_section_with_the_reason(personas, chain):
    assert _review(chain["head"], "approve", "(示例)数据已核实").status_code == 302
    # The section head's comment is what the planning office reads, with the step.
    [reason] = review_trail(_report()).reasons
    assert (reason.who, reason.text) == ("head", "(示例)数据已核实")
    assert reason.state == "Step 2 of 2: Planning office"
    response = _review(personas["reviewer"], "return", "请补充佐证材料")
    assert response.status_code == 302
    report = _report()
    assert (report.state, report.step, report.review_comment) == ("returned", 0, "请补充佐证材料")
    staff_page = personas["staff"].get(report_url("P6-04", 3))
    assert staff_page.context["can_edit"] and "请补充佐证材料" in staff_page.content.decode()


def test_a_stale_version_at_step_two_is_a_conflict(personas, chain):
    stale = _report().version
    assert _review(chain["head"], "approve").status_code == 302
    response = personas["reviewer"].post(
        review_url("P6-04", 3), {"action": "approve", "comment": "", "version": stale}, **EN
    )
    assert response.status_code == 409
    assert (_report().state, _report().step) == ("submitted", 1)


def test_the_queue_filter_agrees_with_the_permission(personas, chain, demo, users):
    _review(chain["head"], "approve")  # one report at step 2, the others at step 1
    reports = list(
        QuarterlyReport.objects.filter(indicator__plan=demo, state="submitted").select_related(
            "indicator__plan"
        )
    )
    people = [*users.values(), *User.objects.filter(username__in=["head", "head2"])]
    for user in people:
        user = User.objects.get(pk=user.pk)  # fresh: no cached groups or chain
        waiting = set(
            QuarterlyReport.objects.filter(
                awaiting_filter(user, demo), indicator__plan=demo
            ).values_list("pk", flat=True)
        )
        allowed = {r.pk for r in reports if user.has_perm("targets.approve_report", r)}
        assert waiting == allowed, user.username


def test_the_administrator_sets_the_chain_on_the_setup_page(personas, demo):
    Group.objects.create(name="分管领导")
    url = "/plans/2024/setup/approval/"
    data = {
        "chain-TOTAL_FORMS": "2",
        "chain-INITIAL_FORMS": "0",
        "chain-0-name_zh": "科室负责人审核",
        "chain-0-role": "",
        "chain-0-group": "",
        "chain-1-name_zh": "规划办审核",
        "chain-1-role": "reviewer",
    }
    refused = personas["admin"].post(url, data, **EN)
    assert refused.status_code == 400
    assert "Choose a role or a group to act at this step." in refused.content.decode()
    assert not ApprovalStep.objects.exists()

    data["chain-0-group"] = str(Group.objects.get(name="分管领导").pk)
    assert personas["admin"].post(url, data).status_code == 302
    steps = list(demo.approval_steps.order_by("order").values_list("name_zh", "order"))
    assert steps == [("科室负责人审核", 0), ("规划办审核", 1)]
    page = personas["admin"].get("/plans/2024/setup/", **EN).content.decode()
    assert 'value="科室负责人审核"' in page
    assert personas["reviewer"].post(url, data).status_code == 403


def test_the_chain_cannot_change_while_a_report_waits_past_step_one(personas, chain, demo):
    _review(chain["head"], "approve")
    before = list(demo.approval_steps.values_list("pk", flat=True))
    response = personas["admin"].post(
        "/plans/2024/setup/approval/",
        {
            "chain-TOTAL_FORMS": "1",
            "chain-INITIAL_FORMS": "0",
            "chain-0-name_zh": "一步",
            "chain-0-role": "reviewer",
        },
        **EN,
    )
    assert response.status_code == 409
    assert "1 reports wait partway through the chain" in response.content.decode()
    assert list(demo.approval_steps.values_list("pk", flat=True)) == before


def _landing_message(client):
    response = client.get("/", follow=True, **EN)
    return " ".join(str(m) for m in response.context["messages"])


def test_a_reviewer_lands_on_the_count_of_reports_waiting_at_their_step(personas, chain):
    waiting = QuarterlyReport.objects.filter(indicator__plan__year=2024, state="submitted")
    head = User.objects.get(username="head")
    heads_own = waiting.filter(
        indicator__units__section=head.section, indicator__units__role="lead"
    )
    # Every submitted report waits at step 1: the head of their section, not the office.
    assert f"{heads_own.count()} reports wait for your review." in _landing_message(chain["head"])
    assert 'href="/reviews/"' in _landing_message(chain["head"])
    assert "wait for your review" not in _landing_message(personas["reviewer"])
    _review(chain["head"], "approve")
    assert "1 report waits for your review." in _landing_message(personas["reviewer"])
    assert "wait" not in _landing_message(personas["staff"])  # acts at no step


def test_without_a_chain_the_reviewer_lands_on_every_submitted_report(personas, demo):
    count = QuarterlyReport.objects.filter(indicator__plan=demo, state="submitted").count()
    assert f"{count} reports wait for your review." in _landing_message(personas["reviewer"])
