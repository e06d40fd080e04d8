"""Every endpoint of the read API × every kind of token × GET and POST, against one table.

The routes come from the resolver: a new API route without a row fails
`test_every_api_route_has_a_row`. Tokens, in this order: none, unknown, revoked,
expired, every plan, the 2024 plan only, the 2025 plan only (a draft: nothing),
P3-04's lead section only, another section only, every plan with the right to
download files. Ids are of P3-04 (its Q1 report, approved, and an evidence file of
it), looked up when the test runs.
"""

from dataclasses import dataclass

import pytest
from django.test import Client
from django.urls import URLResolver, get_resolver
from django.utils import timezone

from accounts.models import Section
from api.models import ApiToken
from ledger.models import EvidenceFile
from targets.models import Indicator, Plan, QuarterlyReport

from .api_helpers import api_client, bearer

pytestmark = pytest.mark.django_db

TOKENS = (
    "none",
    "unknown",
    "revoked",
    "expired",
    "all",
    "plan2024",
    "plan2025",
    "section",
    "other_section",
    "files",
)
ABOUT_THE_API = {"api/v1/schema/", "api/v1/docs/"}


def _walk(patterns, prefix=""):
    for pattern in patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            yield from _walk(pattern.url_patterns, route)
        else:
            yield route


API_ROUTES = sorted(
    r for r in _walk(get_resolver().url_patterns) if r.startswith("api/") and r not in ABOUT_THE_API
)


@dataclass(frozen=True)
class Row:
    path: str
    get: tuple  # status per token, in TOKENS order


def valid(ok, *, plan2025=None, other_section=None, section=None, files=None, no_files=None):
    """401 for the four bad tokens; `ok` for valid ones unless named otherwise."""
    statuses = {"all": no_files, "plan2024": no_files, "section": section or no_files}
    statuses |= {"plan2025": plan2025, "other_section": other_section, "files": files}
    return (401,) * 4 + tuple(statuses.get(name) or ok for name in TOKENS[4:])


ROWS = {
    "api/v1/plans/": Row("/api/v1/plans/", valid(200)),
    "api/v1/plans/<int:year>/": Row("/api/v1/plans/2024/", valid(200, plan2025=404)),
    "api/v1/elements/": Row("/api/v1/elements/", valid(200)),
    "api/v1/indicators/": Row("/api/v1/indicators/", valid(200)),
    "api/v1/indicators/<int:pk>/": Row(
        "/api/v1/indicators/{indicator}/", valid(200, plan2025=404, other_section=404)
    ),
    # A plan the client may not read has no standings (404); an empty scope is empty.
    "api/v1/standings/": Row("/api/v1/standings/?year=2024", valid(200, plan2025=404)),
    "api/v1/reports/": Row("/api/v1/reports/", valid(200)),
    "api/v1/reports/<int:pk>/": Row(
        "/api/v1/reports/{report}/", valid(200, plan2025=404, other_section=404)
    ),
    "api/v1/ledger-entries/": Row("/api/v1/ledger-entries/", valid(200)),
    # The file: only for a client with the right to download files (403 without).
    "api/v1/evidence/<int:pk>/": Row(
        "/api/v1/evidence/{evidence}/",
        valid(200, plan2025=404, other_section=404, no_files=403, section=403),
    ),
    "api/v1/history/": Row("/api/v1/history/", valid(200)),
}


@pytest.fixture
def tokens(demo):
    p3_04 = Indicator.objects.get(plan__year=2024, code="P3-04")
    other = Section.objects.exclude(pk__in=p3_04.lead_section_ids).first()
    http = {"none": Client(), "unknown": bearer("kpi_unknown-token")}
    client, http["revoked"] = api_client("revoked")
    client.revoke_tokens(by=None)
    client, http["expired"] = api_client("expired")
    ApiToken.objects.filter(client=client).update(expires_at=timezone.now())
    _, http["all"] = api_client("all")
    _, http["plan2024"] = api_client("plan2024", plans=[Plan.objects.get(year=2024)])
    _, http["plan2025"] = api_client("plan2025", plans=[Plan.objects.get(year=2025)])
    _, http["section"] = api_client("section", sections=p3_04.leads)
    _, http["other_section"] = api_client("other", sections=[other])
    _, http["files"] = api_client("files", files=True)
    ids = {
        "indicator": p3_04.pk,
        "report": QuarterlyReport.objects.get(indicator=p3_04, quarter=1, state="approved").pk,
        "evidence": EvidenceFile.objects.filter(entry__indicator=p3_04, entry__quarter=1)
        .order_by("pk")
        .first()
        .pk,
    }
    return http, ids


def test_every_api_route_has_a_row():
    assert set(API_ROUTES) == set(ROWS)


def test_api_matrix(tokens):
    http, ids = tokens
    wrong = []
    for route in API_ROUTES:
        row = ROWS[route]
        path = row.path.format(**ids)
        for name, expected in zip(TOKENS, row.get, strict=True):
            status = http[name].get(path).status_code
            if status != expected:
                wrong.append(f"GET {path} with {name}: {status}, not {expected}")
            # Read only: a POST is refused (401 before a valid token, else 405).
            status = http[name].post(path).status_code
            if status != (401 if expected == 401 else 405):
                wrong.append(f"POST {path} with {name}: {status}")
    assert not wrong, "\n".join(wrong)


def test_the_matrix_size():
    cells = len(API_ROUTES) * len(TOKENS) * 2
    print(f"API route x token cells: {cells}")
    assert cells >= 200
