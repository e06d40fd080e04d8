"""Instructions (批示) and follow-ups (督办事项): written, shown where the figure shows,
answered with files, checked by the office, flagged when overdue, counted in the
briefing; every change in the history."""

import datetime
import io

import pytest
from django.utils import timezone
from docx import Document

from oversight.models import FollowUp, Instruction, WrongState

from .ledger_helpers import exe, pdf
from .oversight_helpers import follow_up

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
TODAY = datetime.date(2024, 10, 8)  # the test settings' KPI_TODAY


# -- Instructions --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("on", "page"),
    [
        ("P6-04", "/plans/2024/indicators/P6-04/"),
        ("P6", "/plans/2024/pillars/P6/"),
        ("", "/plans/2024/"),
    ],
)
def test_a_leaders_instruction_shows_where_the_figure_shows_with_who_and_when(personas, on, page):
    leader = personas["leader"]
    url = f"/plans/2024/instructions/new/?on={on}&quarter=3"
    form = leader.get(url, **EN)
    assert form.status_code == 200 and form.context["form"]["quarter"].value() == "3"
    response = leader.post(url, {"quarter": "3", "text": "示例 抓紧推进，月底前报进展"}, **EN)
    assert response.status_code == 302 and response["Location"] == f"{page}?quarter=3"
    instruction = Instruction.objects.get()
    assert instruction.written_by.username == "leader"
    assert (instruction.indicator.code if instruction.indicator else None) == (
        on if "-" in on else None
    )
    assert (instruction.pillar.code if instruction.pillar else None) == (
        on if on and "-" not in on else None
    )
    assert instruction.history.get().history_user.username == "leader"
    shown = personas["staff2"].get(f"{page}?quarter=3", **EN).content.decode()
    assert "示例 抓紧推进，月底前报进展" in shown
    assert "— leader, <time" in shown
    assert timezone.localtime(instruction.written_at).strftime(">%Y-%m-%d %H:%M</time>") in shown
    # Another quarter's page does not show it.
    other = personas["staff2"].get(f"{page}?quarter=2", **EN).content.decode()
    assert "示例 抓紧推进" not in other and "No instruction yet." in other


def test_an_empty_instruction_is_refused_next_to_the_field(personas):
    leader = personas["leader"]
    response = leader.post(
        "/plans/2024/instructions/new/?on=P6-04", {"quarter": "3", "text": ""}, **EN
    )
    assert response.status_code == 400
    assert "This field is required." in response.context["form"].errors["text"]
    assert not Instruction.objects.exists()
    assert leader.get("/plans/2024/instructions/new/?on=P9-99").status_code == 404


def test_staff_see_no_instruction_button_and_are_refused(personas):
    page = personas["staff"].get("/plans/2024/indicators/P6-04/?quarter=3", **EN)
    assert "Write an instruction" not in page.content.decode()
    assert (
        "Write an instruction"
        in personas["leader"].get("/plans/2024/indicators/P6-04/?quarter=3", **EN).content.decode()
    )
    refused = personas["staff"].post(
        "/plans/2024/instructions/new/?on=P6-04", {"quarter": "3", "text": "x"}
    )
    assert refused.status_code == 403 and not Instruction.objects.exists()


def test_a_new_instruction_shows_at_once_on_a_kept_plan_page(personas):
    """The plan page's body is kept under the data's version (targets/views/
    fragments.py); instructions and the overdue flag are drawn outside it."""
    leader = personas["leader"]
    assert "示例 新批示" not in leader.get("/plans/2024/?quarter=3").content.decode()
    leader.post("/plans/2024/instructions/new/", {"quarter": "3", "text": "示例 新批示"})
    assert "示例 新批示" in leader.get("/plans/2024/?quarter=3").content.decode()


# -- Follow-ups ------------------------------------------------------------------------


def test_a_follow_up_goes_round_the_loop_with_every_change_in_its_history(personas, users):
    reviewer, staff = personas["reviewer"], personas["staff"]
    form = reviewer.get("/plans/2024/follow-ups/new/?indicator=P6-04", **EN)
    indicator = form.context["form"].initial["indicators"][0]
    owner = form.context["form"].initial["owner_section"]
    assert owner == users["staff"].section_id  # the indicator's section, by default
    response = reviewer.post(
        "/plans/2024/follow-ups/new/?indicator=P6-04",
        {
            "subject": "示例 落实批示",
            "indicators": [indicator],
            "owner_section": owner,
            "due_date": "2024-10-20",
            "detail": "",
        },
    )
    made = FollowUp.objects.get()
    assert response["Location"] == f"/follow-ups/{made.pk}/"
    assert made.state == "open" and [i.code for i in made.indicators.all()] == ["P6-04"]

    # The owner section answers, with a file through the ledger's gate.
    page = staff.get(f"/follow-ups/{made.pk}/", **EN).content.decode()
    assert "Send the reply" in page and "Record the decision" not in page
    staff.post(f"/follow-ups/{made.pk}/answer/", {"reply": "示例 已完成", "files": pdf()})
    made.refresh_from_db()
    assert made.state == "answered" and made.answered_by.username == "staff"
    stored = made.files.get()
    download = personas["leader"].get(stored.get_absolute_url())
    assert download.status_code == 200 and b"".join(download.streaming_content).startswith(b"%PDF")

    # The office sends it back with a reason, the section answers again, the office closes.
    page = reviewer.get(f"/follow-ups/{made.pk}/", **EN).content.decode()
    assert "Record the decision" in page and "Send the reply" not in page
    reviewer.post(f"/follow-ups/{made.pk}/decide/", {"decision": "send_back", "note": "缺少照片"})
    made.refresh_from_db()
    assert made.state == "returned" and made.office_note == "缺少照片"
    staff.post(f"/follow-ups/{made.pk}/answer/", {"reply": "示例 已补充"})
    reviewer.post(f"/follow-ups/{made.pk}/decide/", {"decision": "close", "note": ""})
    made.refresh_from_db()
    assert made.state == "closed"

    history = personas["leader"].get(f"/follow-ups/{made.pk}/", **EN).context["history"]
    assert [(row["who"].username, row["what"], row["state"]) for row in history] == [
        ("reviewer", "assigned", "Open"),
        ("staff", "answered", "Answered"),
        ("reviewer", "sent back", "Sent back"),
        ("staff", "answered", "Answered"),
        ("reviewer", "closed", "Closed"),
    ]


def test_a_refused_file_changes_nothing_and_says_why(personas, users):
    made = follow_up(users)
    response = personas["staff"].post(
        f"/follow-ups/{made.pk}/answer/", {"reply": "示例", "files": exe()}, **EN
    )
    assert response.status_code == 400
    assert "is refused" in " ".join(response.context["answer_form"].errors["files"])
    made.refresh_from_db()
    assert made.state == "open" and not made.files.exists() and made.history.count() == 1


def test_sending_back_needs_a_reason(personas, users):
    made = follow_up(users, state="answered")
    response = personas["reviewer"].post(
        f"/follow-ups/{made.pk}/decide/", {"decision": "send_back", "note": " "}, **EN
    )
    assert response.status_code == 400
    assert response.context["decision_form"].errors["note"] == [
        "Say why it is sent back: the section reads this."
    ]
    made.refresh_from_db()
    assert made.state == "answered"


def test_only_the_owner_section_answers_and_only_in_turn(personas, users):
    made = follow_up(users)  # P6-04: staff's section
    assert (
        personas["staff2"].post(f"/follow-ups/{made.pk}/answer/", {"reply": "x"}).status_code == 403
    )
    with pytest.raises(WrongState):
        made.close("", by=users["reviewer"])  # not answered yet
    made.answer("done", [], by=users["staff"])
    with pytest.raises(WrongState):
        made.answer("again", [], by=users["staff"])
    # The office's decision on a follow-up already decided is a message, not a change.
    made.close("", by=users["reviewer"])
    response = personas["reviewer"].post(
        f"/follow-ups/{made.pk}/decide/", {"decision": "close"}, follow=True, **EN
    )
    assert "not waiting for a decision any more" in response.content.decode()
    assert made.history.count() == 3


def test_a_due_date_in_the_past_is_refused(personas, users):
    response = personas["reviewer"].post(
        "/plans/2024/follow-ups/new/",
        {
            "subject": "示例",
            "indicators": [_indicator_pk("P6-04")],
            "owner_section": users["staff"].section_id,
            "due_date": "2024-10-07",
        },
        **EN,
    )
    assert response.status_code == 400
    assert response.context["form"].errors["due_date"] == [
        "The due date is in the past: choose today or later."
    ]
    assert not FollowUp.objects.exists()


def _indicator_pk(code):
    from targets.models import Indicator

    return Indicator.objects.get(plan__year=2024, code=code).pk


def test_overdue_follow_ups_are_flagged_on_the_first_screen(personas, users):
    follow_up(users, due=datetime.date(2024, 10, 1))  # overdue, staff's section
    follow_up(users, code="P5-01", due=datetime.date(2024, 10, 7))  # overdue, staff2's
    follow_up(users, due=datetime.date(2024, 10, 8))  # due today: not yet
    follow_up(users, state="answered", due=datetime.date(2024, 9, 1))  # with the office
    leader = personas["leader"].get("/plans/2024/", **EN).content.decode()
    assert "2 follow-ups are overdue." in leader
    assert 'href="/follow-ups/?overdue=on"' in leader
    staff2 = personas["staff2"].get("/plans/2024/", **EN).content.decode()
    assert "1 of them is your section's." in staff2


def test_no_flag_without_overdue_follow_ups(personas, users):
    follow_up(users, due=datetime.date(2024, 12, 1))
    assert "overdue-follow-ups" not in personas["leader"].get("/plans/2024/").content.decode()


def test_the_list_puts_a_sections_own_first_and_filters(personas, users):
    theirs = follow_up(users, due=datetime.date(2024, 10, 9))  # staff's, due first
    mine = follow_up(users, code="P5-01", due=datetime.date(2024, 11, 30))  # staff2's
    late = follow_up(users, code="P5-02", due=datetime.date(2024, 10, 1))
    staff2 = personas["staff2"]
    rows = staff2.get("/follow-ups/", **EN).context["table"].page.object_list
    assert [row.record.pk for row in rows] == [late.pk, mine.pk, theirs.pk]
    rows = personas["staff"].get("/follow-ups/").context["table"].page.object_list
    assert [row.record.pk for row in rows] == [theirs.pk, late.pk, mine.pk]
    overdue = staff2.get("/follow-ups/?overdue=on").context["table"].page.object_list
    assert [row.record.pk for row in overdue] == [late.pk]
    by_owner = staff2.get(f"/follow-ups/?owner_section={users['staff'].section_id}")
    assert [row.record.pk for row in by_owner.context["table"].page.object_list] == [theirs.pk]
    assert not list(staff2.get("/follow-ups/?state=closed").context["table"].page.object_list)
    assert staff2.get("/follow-ups/?due_by=not-a-date", **EN).status_code == 200


def test_the_list_takes_fixed_queries(personas, users, django_assert_num_queries):
    staff = personas["staff"]
    follow_up(users)
    # 1 session, 2 user, 3 sections (the filter's choices), 4 count, 5 the page,
    # 6 the page's indicators
    with django_assert_num_queries(6):
        staff.get("/follow-ups/")
    for n in range(30):
        follow_up(users, code="P5-01" if n % 2 else "P6-04")
    with django_assert_num_queries(6):
        response = staff.get("/follow-ups/")
    assert len(response.context["table"].page.object_list) == 25


def test_the_detail_page_takes_fixed_queries(personas, users, django_assert_num_queries):
    made = follow_up(users, state="answered")
    leader = personas["leader"]
    # 1 session, 2 user, 3 the follow-up (+ plan, section, people), 4 its indicators,
    # 5 its files, 6 its history (+ who)
    with django_assert_num_queries(6):
        leader.get(f"/follow-ups/{made.pk}/")


def test_the_briefing_counts_follow_ups_and_lists_instructions(personas, users):
    follow_up(users, due=datetime.date(2024, 10, 1))  # P6-04, overdue
    follow_up(users, state="answered")
    follow_up(users, code="P5-01", state="closed")
    Instruction(plan=_plan(), quarter=3, text="示例 全局批示", written_by=users["leader"]).save_by(
        users["leader"], "written"
    )
    leader = personas["leader"]
    response = leader.get("/plans/2024/export/briefing.docx?quarter=3&pillar=P6", **EN)
    text = "\n".join(p.text for p in Document(io.BytesIO(response.content)).paragraphs)
    assert (
        "Follow-ups on these indicators: 2; 1 awaiting the section's answer, of which 1 "
        "overdue; 1 answered, awaiting the office; 0 closed." in text
    )
    assert "1 instruction as of Q3:" in text and "示例 全局批示" in text
    chinese = leader.get("/plans/2024/export/briefing.docx?quarter=3")
    text = "\n".join(p.text for p in Document(io.BytesIO(chinese.content)).paragraphs)
    assert "五、批示与督办事项" in text


def _plan():
    from targets.models import Plan

    return Plan.objects.get(year=2024)
