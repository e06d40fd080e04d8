"""The narratives a report needs before it is submitted (a plan's setting, default: the
progress), and "Copy last quarter's narrative" on the report form (issue 25).

Demo: P6-04 (staff's section) has Q1-Q3 reports with the three narrative parts; Q4 is
running and may be reported early; the demo's today is 2024-10-08.
"""

import re

import pytest

from targets.models import Plan, QuarterlyReport

from .report_sheet_helpers import confirm, set_cell, template_xlsx, upload, xlsx_bytes
from .reporting_helpers import form_data, report_url

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}
Q4 = report_url("P6-04", 4)


def _set(plan, value):
    plan.narratives_required = value
    plan.save(update_fields=["narratives_required"])


def test_by_default_submitting_needs_the_progress_and_a_draft_does_not(personas, demo):
    assert demo.narratives_required == Plan.Narratives.PROGRESS
    staff = personas["staff"]
    refused = staff.post(Q4, form_data(value="2", progress="  \n "), **EN)
    assert refused.status_code == 200  # the form again, nothing saved
    assert refused.context["form"].errors["progress"] == [
        "Write the progress before submitting (a draft may stay empty)."
    ]
    assert not QuarterlyReport.objects.filter(indicator__code="P6-04", quarter=4).exists()
    content = refused.content.decode()
    assert 'id="id_progress"' in content and 'aria-invalid="true"' in content
    draft = staff.post(Q4, form_data(value="2", progress="", action="draft"))
    assert draft.status_code == 302
    assert QuarterlyReport.objects.get(indicator__code="P6-04", quarter=4).state == "draft"


def test_the_message_is_in_the_users_language(personas):
    refused = personas["staff"].post(Q4, form_data(value="2", progress=""), **ZH)
    assert refused.context["form"].errors["progress"] == ["提交前请填写进展情况（草稿可以留空）。"]


@pytest.mark.parametrize(
    ("setting", "refused_fields"),
    [
        ("none", set()),
        ("progress", {"progress"}),
        ("all", {"progress", "problems", "next_steps"}),
    ],
)
def test_the_plans_setting_says_which_parts(personas, demo, setting, refused_fields):
    _set(demo, setting)
    response = personas["staff"].post(Q4, form_data(value="2", progress=""), **EN)
    errors = set(response.context["form"].errors) if response.status_code == 200 else set()
    assert errors == refused_fields
    assert (response.status_code == 302) == (not refused_fields)


def test_the_setting_is_changed_on_the_setup_page_and_kept_in_the_history(personas, demo):
    admin = personas["admin"]
    page = admin.get("/plans/2024/setup/", **EN).content.decode()
    assert 'action="/plans/2024/setup/narratives/"' in page
    assert re.search(r'<input[^>]*value="progress"[^>]*checked', page)
    bad = admin.post("/plans/2024/setup/narratives/", {"narratives_required": "some"}, **EN)
    assert bad.status_code == 400 and "Select a valid choice" in bad.content.decode()
    assert (
        admin.post("/plans/2024/setup/narratives/", {"narratives_required": "all"}).status_code
        == 302
    )
    demo.refresh_from_db()
    assert demo.narratives_required == "all"
    latest = demo.history.latest()
    assert latest.history_user.username == "admin" and "all" in latest.history_change_reason
    for persona in ("staff", "leader", "reviewer"):
        response = personas[persona].post(
            "/plans/2024/setup/narratives/", {"narratives_required": "none"}
        )
        assert response.status_code == 403
    demo.refresh_from_db()
    assert demo.narratives_required == "all"


def test_the_import_submits_only_with_the_progress_as_the_form(personas, settings):
    """The spreadsheet import (report_sheet) asks the same model rule when it submits;
    as drafts the same rows are taken."""
    staff = personas["staff"]
    staff.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    workbook = template_xlsx(staff)
    set_cell(workbook.worksheets[0], "P6-01", "milestone_state", "In progress")  # no report
    preview = upload(staff, xlsx_bytes(workbook))
    refused = confirm(staff, preview, action="submit")
    assert "Write the progress before submitting" in refused.content.decode()
    assert not QuarterlyReport.objects.filter(indicator__code="P6-01", quarter=3).exists()
    preview = upload(staff, xlsx_bytes(workbook))
    assert confirm(staff, preview, action="draft").status_code == 302
    assert QuarterlyReport.objects.get(indicator__code="P6-01", quarter=3).state == "draft"


def test_copy_last_quarters_narrative_fills_the_empty_parts(personas, demo):
    staff = personas["staff"]
    page = staff.get(Q4, **EN)
    content = page.content.decode()
    assert 'name="action" value="copy"' in content and "From Q3" in content
    assert page.context["form"]["progress"].value() == ""
    copied = staff.get(Q4 + "?copy=previous", **EN)
    form = copied.context["form"]
    q3 = QuarterlyReport.objects.get(indicator__code="P6-04", quarter=3)
    assert form["progress"].value() == q3.progress
    assert form["next_steps"].value() == q3.next_steps
    assert "Filled from the report before" in copied.content.decode()
    # Nothing is saved by copying.
    assert not QuarterlyReport.objects.filter(indicator__code="P6-04", quarter=4).exists()
    # What the report has already is kept: only the empty parts are filled.
    staff.post(Q4, form_data(value="2", progress="本季度自己的进展", action="draft"))
    again = staff.get(Q4 + "?copy=previous", **EN).context["form"]
    assert again["progress"].value() == "本季度自己的进展"
    assert again["problems"].value() == q3.problems


def test_copying_keeps_what_was_typed_and_saves_nothing(personas, demo):
    """The copy button posts the form as typed: the figure and the progress written
    so far stay, only the empty parts are filled, and the version opened is kept, so
    a colleague's save in between still meets the next save as a conflict."""
    staff = personas["staff"]
    typed = form_data(value="4", progress="本季度已写的进展", problems="", action="copy")
    page = staff.post(Q4, typed, **EN)
    assert page.status_code == 200
    form = page.context["form"]
    q3 = QuarterlyReport.objects.get(indicator__code="P6-04", quarter=3)
    assert form["value"].value() == "4"
    assert form["progress"].value() == "本季度已写的进展"
    assert form["problems"].value() == q3.problems
    assert form["next_steps"].value() == q3.next_steps
    assert form["version"].value() == 0
    content = page.content.decode()
    assert "Filled from the report before" in content and 'value="copy"' not in content
    assert not QuarterlyReport.objects.filter(indicator__code="P6-04", quarter=4).exists()
    # A colleague submits meanwhile: the copied form, saved, is a conflict, not an overwrite.
    staff.post(Q4, form_data(value="2", progress="同事的进展"))
    mine = {**typed, "problems": q3.problems, "next_steps": q3.next_steps, "action": "submit"}
    assert staff.post(Q4, mine).status_code == 409
    assert QuarterlyReport.objects.get(indicator__code="P6-04", quarter=4).progress == "同事的进展"


def test_q1_copies_last_years_q4_of_the_indicator_it_continues(personas, demo):
    """The 2025 draft's Q1 would copy 2024's Q4; with none submitted there is no button."""
    draft = Plan.objects.get(year=2025)
    indicator = draft.indicators.get(code="P6-04")
    assert QuarterlyReport(indicator=indicator, quarter=1).previous() is None
    q4 = QuarterlyReport.objects.create(
        indicator=indicator.continues, quarter=4, value=1, progress="四季度进展", state="submitted"
    )
    assert QuarterlyReport(indicator=indicator, quarter=1).previous() == q4
    q4.state = "draft"
    q4.save()  # another section's draft of last year is not copied
    assert QuarterlyReport(indicator=indicator, quarter=1).previous() is None
