"""The read API (/api/v1/): what a client reads, and what it never reads.

Pinned here: drafts never leave (reports, history, ledger, plans), standings are the
summary export's, tokens are stored hashed and end when revoked or rotated out, each
call is logged with its client, a token over its rate gets 429, ETag/If-None-Match
answers 304 in a fixed handful of queries, and the files follow the client's right.
"""

import csv
import datetime
import hashlib
import io
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from accounts.models import Section
from api.models import ApiCall, ApiToken
from ledger.models import EvidenceFile, LedgerEntry
from targets.models import Indicator, Plan, QuarterlyReport, Status

from .api_helpers import api_client, bearer, every_item

pytestmark = pytest.mark.django_db


@pytest.fixture
def platform(demo):
    return api_client()


def test_plans_never_include_a_draft(platform):
    _client, http = platform
    years = [plan["year"] for plan in http.get("/api/v1/plans/").json()["results"]]
    assert Plan.objects.filter(year=2025, state="draft").exists()
    assert years == [2024]
    assert http.get("/api/v1/plans/2025/").status_code == 404


def test_reports_history_and_ledger_never_show_a_draft(platform):
    _client, http = platform
    draft = QuarterlyReport.objects.get(state="draft")
    reports = every_item(http, "/api/v1/reports/?page_size=1000")
    assert {r["state"] for r in reports} == {"submitted", "approved"}
    assert len(reports) == QuarterlyReport.objects.counted().count()
    assert http.get(f"/api/v1/reports/{draft.pk}/").status_code == 404
    history = every_item(http, "/api/v1/history/?page_size=1000")
    assert draft.pk not in {change["report"] for change in history}
    assert "draft" not in {change["new"] for change in history if change["field"] == "state"}
    # A draft's ledger entries stay with its section too.
    entries = every_item(http, "/api/v1/ledger-entries/?page_size=1000")
    published = {(r.indicator_id, r.quarter) for r in QuarterlyReport.objects.counted()}
    assert entries
    assert all((e["indicator"], e["quarter"]) in published for e in entries)
    assert len(entries) == LedgerEntry.objects.published().count()


def test_a_report_becomes_readable_once_submitted(platform, users):
    _client, http = platform
    draft = QuarterlyReport.objects.get(state="draft")
    assert http.get(f"/api/v1/reports/{draft.pk}/").status_code == 404
    draft.record_entry(
        by=users["admin"], submit=True, reason="示例", expected_version=draft.version
    )
    assert draft.state == "submitted"
    assert http.get(f"/api/v1/reports/{draft.pk}/").json()["state"] == "submitted"


def _summary_csv(personas, quarter):
    response = personas["admin"].get(
        f"/plans/2024/export/summary.csv?quarter={quarter}", HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 200
    text = response.content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    header = rows[0]
    return {row[header.index("Code")]: dict(zip(header, row, strict=True)) for row in rows[1:]}


def _number(text):
    return None if text in ("", None) else Decimal(text)


def test_standings_are_the_summary_exports_for_every_indicator_and_quarter(platform, personas):
    _client, http = platform
    plan = Plan.objects.get(year=2024)
    with translation.override("en"):
        labels = {status.value: str(status.label) for status in Status}
    compared = 0
    for quarter in plan.as_of_quarters(datetime.date(2024, 10, 8)):
        exported = _summary_csv(personas, quarter)
        standings = every_item(
            http, f"/api/v1/standings/?year=2024&quarter={quarter}&page_size=1000"
        )
        assert {s["code"] for s in standings} == set(exported)
        for standing in standings:
            row = exported[standing["code"]]
            assert labels.get(standing["status"], "") == row["Status"], standing["code"]
            assert _number(standing["target"]) == _number(row["Annual target"])
            assert _number(standing["completion_percent"]) == _number(row["Completion (%)"])
            assert _number(standing["expected_percent"]) == _number(row["Expected by quarter (%)"])
            if not standing["milestone_state"] and standing["actual"] is not None:
                assert _number(standing["actual"]) == _number(row["Year to date"])
            compared += 1
    assert compared == 29 * 3


def test_standings_filters_and_refusals(platform):
    _client, http = platform
    p3 = http.get("/api/v1/standings/?year=2024&quarter=3&pillar=P3").json()["results"]
    assert p3 and {s["pillar"] for s in p3} == {"P3"}
    behind = http.get("/api/v1/standings/?year=2024&quarter=3&status=behind").json()["results"]
    assert {s["status"] for s in behind} <= {"behind"}
    # A quarter not ended, a missing year, an unknown pillar: 400 with the reason.
    response = http.get("/api/v1/standings/?year=2024&quarter=4")
    assert response.status_code == 400 and "quarter" in response.json()
    assert http.get("/api/v1/standings/").status_code == 400
    assert http.get("/api/v1/standings/?year=2024&pillar=P99").status_code == 400
    assert http.get("/api/v1/standings/?year=1999").status_code == 404


def test_indicators_carry_targets_in_force_and_revisions(platform, users):
    _client, http = platform
    indicator = Indicator.objects.filter(plan__year=2024, kind="count").order_by("code").first()
    indicator.revise_target(
        target=indicator.target + 1,
        effective_from=datetime.date(2024, 7, 1),
        reason="示例：调整",
        by=users["admin"],
    )
    body = http.get(f"/api/v1/indicators/{indicator.pk}/").json()
    assert Decimal(body["target"]) == indicator.target
    assert Decimal(body["target_in_force"]) == indicator.target + 1
    assert [r["reason"] for r in body["revisions"]] == ["示例：调整"]


def test_a_section_scoped_client_reads_its_sections_indicators_only(demo):
    section = Section.objects.get(code="demo-talent")
    _client, http = api_client("talent", sections=[section])
    led = set(
        Indicator.objects.filter(units__section=section, units__role="lead").values_list(
            "code", flat=True
        )
    )
    assert led
    codes = {i["code"] for i in every_item(http, "/api/v1/indicators/?page_size=1000")}
    assert codes == led
    reports = every_item(http, "/api/v1/reports/?page_size=1000")
    assert {r["code"] for r in reports} <= led
    standings = every_item(http, "/api/v1/standings/?year=2024&quarter=3")
    assert {s["code"] for s in standings} == led
    other = Indicator.objects.exclude(units__section=section).first()
    assert http.get(f"/api/v1/indicators/{other.pk}/").status_code == 404


def test_a_plan_scoped_client_reads_that_plan_only(demo):
    plan = Plan.objects.get(year=2024)
    plan_2025 = Plan.objects.get(year=2025)
    _client, only_2025 = api_client("next-year", plans=[plan_2025])
    # A draft stays a draft even for a client limited to it.
    assert only_2025.get("/api/v1/plans/").json()["results"] == []
    assert only_2025.get("/api/v1/indicators/").json()["count"] == 0
    _client, only_2024 = api_client("this-year", plans=[plan])
    assert only_2024.get("/api/v1/indicators/").json()["count"] == plan.indicators.count()


def test_tokens_are_stored_hashed_and_end_when_revoked_or_rotated(demo, users):
    client, http = api_client()
    token = client.tokens.get()
    secret = http.defaults["HTTP_AUTHORIZATION"].split()[1]
    assert token.digest == hashlib.sha256(secret.encode()).hexdigest()
    assert not ApiToken.objects.filter(digest=secret).exists()
    assert secret not in repr(list(ApiToken.objects.values()))
    assert http.get("/api/v1/plans/").status_code == 200
    # Rotation: a new token works at once, the old one until the grace time is over.
    _new, new_secret = client.issue_token(by=users["admin"], grace=datetime.timedelta(hours=1))
    assert bearer(new_secret).get("/api/v1/plans/").status_code == 200
    assert http.get("/api/v1/plans/").status_code == 200
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now())
    response = http.get("/api/v1/plans/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    # Revoked: at once.
    assert client.revoke_tokens(by=users["admin"]) == 1
    assert bearer(new_secret).get("/api/v1/plans/").status_code == 401
    # A client switched off: every token refused.
    _other, other_secret = client.issue_token(by=users["admin"])
    client.is_active = False
    client.save()
    assert bearer(other_secret).get("/api/v1/plans/").status_code == 401
    assert bearer("kpi_not-a-token").get("/api/v1/plans/").status_code == 401


def test_every_call_is_logged_with_its_client(platform):
    client, http = platform
    ApiCall.objects.all().delete()
    http.get("/api/v1/plans/")
    http.get("/api/v1/indicators/?year=2024")
    bearer("kpi_wrong").get("/api/v1/plans/")
    calls = list(ApiCall.objects.order_by("pk").values_list("client", "path", "status"))
    assert calls == [
        (client.pk, "/api/v1/plans/", 200),
        (client.pk, "/api/v1/indicators/?year=2024", 200),
        (None, "/api/v1/plans/", 401),
    ]


def test_a_token_over_its_rate_gets_429(demo):
    client, http = api_client(rate="3/minute")
    assert [http.get("/api/v1/plans/").status_code for _ in range(4)] == [200, 200, 200, 429]
    assert int(http.get("/api/v1/plans/")["Retry-After"]) > 0
    # Each token has its own count.
    _token, secret = client.issue_token(by=None)
    assert bearer(secret).get("/api/v1/plans/").status_code == 200
    assert ApiCall.objects.filter(client=client, status=429).count() == 2


def test_etag_round_trip(platform, users):
    _client, http = platform
    url = "/api/v1/standings/?year=2024&quarter=3"
    first = http.get(url)
    etag = first["ETag"]
    with CaptureQueriesContext(connection) as queries:
        again = http.get(url, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304 and again.content == b""
    assert again["ETag"] == etag
    # The token (1), the client's plans and sections (2), the data's version (1) and
    # the call's log line (1): nothing of the data itself.
    assert len(queries) == 5, [q["sql"] for q in queries]
    # Another URL, another ETag; a change of the data, another ETag.
    assert http.get(url + "&pillar=P3")["ETag"] != etag
    report = QuarterlyReport.objects.filter(state="submitted", quarter=3).first()
    report.approve(by=users["reviewer"], comment="示例")
    changed = http.get(url, HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200 and changed["ETag"] != etag


def test_list_queries_do_not_grow_with_the_data(platform):
    _client, http = platform
    counts = {}
    for url in (
        "/api/v1/indicators/?page_size=1",
        "/api/v1/indicators/?page_size=1000",
        "/api/v1/reports/?page_size=1",
        "/api/v1/reports/?page_size=1000",
        "/api/v1/ledger-entries/?page_size=1",
        "/api/v1/ledger-entries/?page_size=1000",
        "/api/v1/history/?page_size=1",
        "/api/v1/history/?page_size=1000",
        "/api/v1/standings/?year=2024&page_size=1",
        "/api/v1/standings/?year=2024&page_size=1000",
    ):
        with CaptureQueriesContext(connection) as queries:
            assert http.get(url).status_code == 200
        counts[url] = len(queries)
    pairs = list(counts.values())
    for small, large in zip(pairs[::2], pairs[1::2], strict=True):
        assert small == large, counts


def test_files_follow_the_clients_right(demo):
    _client, without = api_client("no-files")
    entries = every_item(without, "/api/v1/ledger-entries/?page_size=1000")
    files = [f for e in entries for f in e["files"]]
    assert files and all(f["download"] is None for f in files)
    assert without.get(f"/api/v1/evidence/{files[0]['id']}/").status_code == 403
    _client, allowed = api_client("files", files=True)
    entries = every_item(allowed, "/api/v1/ledger-entries/?page_size=1000")
    shown = next(f for e in entries for f in e["files"])
    response = allowed.get(shown["download"])
    assert response.status_code == 200
    content = b"".join(response.streaming_content)
    assert hashlib.sha256(content).hexdigest() == shown["sha256"]
    # A file of an entry whose report is not published does not exist for the API.
    hidden = EvidenceFile.objects.exclude(entry__in=LedgerEntry.objects.published()).first()
    if hidden is not None:
        assert allowed.get(f"/api/v1/evidence/{hidden.pk}/").status_code == 404


def test_an_administrator_issues_rotates_and_revokes_tokens_in_the_admin(personas):
    from api.models import ApiClient

    client = ApiClient.objects.create(name="数据共享交换平台")
    admin = personas["admin"]
    changelist = "/admin/api/apiclient/"
    page = admin.post(changelist, {"action": "issue_token", "_selected_action": [client.pk]})
    assert page.status_code == 200 and "no-store" in page["Cache-Control"]
    secret = re.search(r"<code>(kpi_[^<]+)</code>", page.content.decode())[1]
    assert bearer(secret).get("/api/v1/plans/").status_code == 200
    assert secret not in repr(list(ApiToken.objects.values()))
    # Rotating: a second token; the first one expires after the grace time.
    page = admin.post(changelist, {"action": "rotate_token", "_selected_action": [client.pk]})
    rotated = re.search(r"<code>(kpi_[^<]+)</code>", page.content.decode())[1]
    first = ApiToken.objects.get(client=client, expires_at__isnull=False)
    assert first.expires_at > timezone.now() + datetime.timedelta(hours=23)
    assert bearer(rotated).get("/api/v1/plans/").status_code == 200
    admin.post(changelist, {"action": "revoke_tokens", "_selected_action": [client.pk]})
    assert bearer(secret).get("/api/v1/plans/").status_code == 401
    assert bearer(rotated).get("/api/v1/plans/").status_code == 401
    # Not for anyone else.
    assert personas["leader"].get(changelist).status_code == 403
