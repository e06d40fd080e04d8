"""Guards every request passes (issue 23): a cap on the body before Django reads it,
no NUL in the query string, and nothing a signed-in person saw kept by the browser.

The body cap under a real gunicorn, and Back after logout in a real browser:
tests/test_db_restart.py and tests/browser/test_browser.py.
"""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings

from targets.models import Plan

from .report_sheet_helpers import kept_files
from .test_report_import import stored

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


# --- the body cap --------------------------------------------------------------------


@override_settings(KPI_REQUEST_MAX_BYTES=64 * 1024)
def test_a_body_over_the_cap_is_refused_before_it_is_read(personas):
    before = stored()
    big = SimpleUploadedFile("big.csv", b"x" * (65 * 1024))
    response = personas["staff"].post(
        "/plans/2024/reports/import/", {"file": big, "quarter": 3}, **EN
    )
    assert response.status_code == 413
    assert "A form with its files may send at most" in response.content.decode()
    assert response["Connection"] == "close"
    assert stored() == before and kept_files() == []


def test_an_anonymous_visitor_sends_a_login_form_only(demo):
    response = Client().post("/accounts/login/", {"username": "x" * 70_000, "password": "y"})
    assert response.status_code == 413


def test_a_chunked_body_is_refused_not_dropped(personas):
    response = personas["admin"].post("/plans/import/", {}, HTTP_TRANSFER_ENCODING="chunked", **EN)
    assert response.status_code == 411


def test_the_cap_is_the_largest_upload_plus_a_margin(settings):
    evidence = settings.KPI_EVIDENCE_MAX_MB * 1024 * 1024
    assert 5 * evidence + 1024 * 1024 == settings.KPI_REQUEST_MAX_BYTES
    assert settings.DATA_UPLOAD_MAX_MEMORY_SIZE == 2_621_440


def test_a_plan_upload_under_the_cap_still_goes_through(personas):
    count = Plan.objects.count()
    response = personas["admin"].post(
        "/plans/import/", {"file": SimpleUploadedFile("plan.xlsx", b"PK\x03\x04 short")}, **EN
    )
    assert response.status_code == 400  # read, and answered by the upload gate
    assert "damaged" in response.context["form"].errors["file"][0]
    assert Plan.objects.count() == count


# --- NUL in the query string -----------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "/plans/2024/export/ledger.csv?pillar=%00",
        "/plans/2024/export/ledger.xlsx?indicator=%00",
        "/plans/2024/reports/template.csv?section=%00",
        "/plans/2024/reports/template.xlsx?section=P3%00",
        "/plans/2024/?%00=1",
    ],
)
def test_nul_in_a_parameter_is_a_400_before_any_query(personas, url, django_assert_num_queries):
    client = personas["admin"]
    with django_assert_num_queries(0):  # refused before the session is even read
        response = client.get(url)
    assert response.status_code == 400


# --- nothing left behind -----------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "/plans/2024/",
        "/plans/2024/indicators/P6-04/report/3/",
        "/reports/",
        "/plans/2024/reports/template.xlsx",
        "/plans/2024/reports/template.csv",
        "/plans/import/template.xlsx",
        "/plans/2024/export/summary.csv",
    ],
)
def test_signed_in_answers_are_not_stored_by_the_browser(personas, url):
    response = personas["admin"].get(url)
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]


def test_logout_clears_what_the_browser_keeps(personas):
    client = personas["staff"]
    response = client.post("/accounts/logout/")
    assert response.status_code == 302
    assert response["Clear-Site-Data"] == '"cache", "storage"'
    # Not "cookies": that would clear every cookie of the whole registrable domain.
    assert "cookies" not in response["Clear-Site-Data"]
