"""Next year's targets are confirmed on the plan's own setup page (issue 25), and the
rollover carries the approval chain and the narratives rule over; the chain is in the
admin too, as an inline of its plan.

The session's demo made the 2025 draft from 2024 by the rollover: its targets are
2024's, every one to be confirmed.
"""

from decimal import Decimal

from django.contrib.auth.models import Group

from targets.models import ApprovalStep, Plan

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}
SETUP = "/plans/2025/setup/"
CONFIRM = "/plans/2025/setup/targets/"


def _draft():
    return Plan.objects.get(year=2025)


def test_the_setup_page_lists_each_target_to_confirm_with_its_input(personas):
    draft = _draft()
    pending = list(draft.targets_to_confirm())
    content = personas["admin"].get(SETUP, **EN).content.decode()
    assert f'action="{CONFIRM}"' in content
    assert (
        "admin/targets/indicator/?plan__id__exact"
        not in content.split("Before it opens")[1].split("lead section")[0]
    )  # the targets are no longer sent to the admin
    for indicator in pending:
        assert f'name="t{indicator.pk}-confirm"' in content
        assert f'name="t{indicator.pk}-target"' in content
        assert f'<label class="visually-hidden" for="id_t{indicator.pk}-target">' in content


def test_confirming_as_shown_or_changed_is_kept_with_who(personas):
    draft = _draft()
    before = draft.targets_to_confirm().count()
    p1, p2 = draft.targets_to_confirm()[:2]
    data = {f"t{i.pk}-target": f"{i.target.normalize():f}" for i in draft.targets_to_confirm()}
    data[f"t{p1.pk}-confirm"] = "on"
    data[f"t{p2.pk}-confirm"] = "on"
    data[f"t{p2.pk}-target"] = "21"
    response = personas["admin"].post(CONFIRM, data)
    assert response.status_code == 302 and response["Location"] == SETUP
    p1.refresh_from_db()
    p2.refresh_from_db()
    assert (p1.target_to_confirm, p2.target_to_confirm) == (False, False)
    assert p2.target == Decimal(21)
    history = p2.history.latest()
    assert history.history_user.username == "admin"
    assert history.history_change_reason == "目标已修改并确认 / target changed and confirmed"
    assert p1.history.latest().history_change_reason == "目标已确认 / target confirmed"
    assert draft.targets_to_confirm().count() == before - 2


def test_a_wrong_figure_confirms_nothing_and_says_why_next_to_it(personas):
    draft = _draft()
    pending = list(draft.targets_to_confirm())
    data = {f"t{i.pk}-target": f"{i.target.normalize():f}" for i in pending}
    data |= {f"t{i.pk}-confirm": "on" for i in pending}
    bad = pending[0]
    data[f"t{bad.pk}-target"] = "十二"
    for headers, message in ((EN, "Enter a number, such as 12 or 1,234.5."), (ZH, "请输入数字")):
        response = personas["admin"].post(CONFIRM, data, **headers)
        assert response.status_code == 400
        content = response.content.decode()
        assert message in content
        assert f'id="t{bad.pk}-target-error"' in content
        assert f'aria-describedby="t{bad.pk}-target-error"' in content
    assert draft.targets_to_confirm().count() == len(pending)


def test_confirm_every_target_as_shown_then_the_draft_opens(personas):
    draft = _draft()
    data = {f"t{i.pk}-target": f"{i.target.normalize():f}" for i in draft.targets_to_confirm()}
    data["every"] = "yes"
    assert personas["admin"].post(CONFIRM, data).status_code == 302
    assert not draft.targets_to_confirm().exists()
    assert "Every target is confirmed." in personas["admin"].get(SETUP, **EN).content.decode()


def test_only_an_administrator_confirms(personas):
    draft = _draft()
    indicator = draft.targets_to_confirm().first()
    data = {f"t{indicator.pk}-target": "3", f"t{indicator.pk}-confirm": "on"}
    for persona in ("staff", "staff2", "leader", "reviewer"):
        assert personas[persona].post(CONFIRM, data).status_code == 403
    indicator.refresh_from_db()
    assert indicator.target_to_confirm


def test_the_rollover_copies_the_approval_chain_and_the_narratives_rule(personas, demo):
    heads = Group.objects.create(name="科室负责人")
    ApprovalStep.objects.create(
        plan=demo, order=0, name_zh="科室负责人审核", group=heads, own_section_only=True
    )
    ApprovalStep.objects.create(
        plan=demo, order=1, name_zh="规划办审核", name_en="Planning office", role="reviewer"
    )
    demo.narratives_required = "all"
    demo.save(update_fields=["narratives_required"])
    _draft().delete_draft()
    assert personas["admin"].post("/plans/2024/next-year/").status_code == 302
    made = _draft()
    fields = ("order", "name_zh", "name_en", "role", "group_id", "own_section_only")
    copied = list(made.approval_steps.order_by("order").values_list(*fields))
    assert copied == list(demo.approval_steps.order_by("order").values_list(*fields))
    assert len(copied) == 2 and made.narratives_required == "all"


def test_the_approval_chain_is_an_inline_of_its_plan_in_the_admin(personas, demo):
    ApprovalStep.objects.create(plan=demo, order=0, name_zh="规划办审核", role="reviewer")
    content = personas["admin"].get(f"/admin/targets/plan/{demo.pk}/change/", **EN)
    assert content.status_code == 200
    text = content.content.decode()
    assert "approval_steps-TOTAL_FORMS" in text and "规划办审核" in text
