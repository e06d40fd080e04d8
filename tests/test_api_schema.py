"""The API's OpenAPI 3 schema against the implementation, and its Swagger UI page.

Every path in the schema answers 200 with the fields the schema lists; every API
route of the URL resolver is in the schema; the schema is valid OpenAPI 3; the
Swagger UI page and its files come from this server (vendored, no CDN).
"""

import base64
import hashlib
import re

import pytest
from django.contrib.staticfiles import finders
from django.urls import URLResolver, get_resolver
from drf_spectacular.validation import validate_schema

from ledger.models import EvidenceFile, LedgerEntry
from targets.models import Indicator, QuarterlyReport

from .api_helpers import api_client

pytestmark = pytest.mark.django_db

# Routes of the API that are about the API rather than its data.
NOT_DATA = {"api/v1/schema/", "api/v1/docs/"}


def _routes(patterns=None, prefix=""):
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            yield from _routes(pattern.url_patterns, route)
        else:
            yield route


@pytest.fixture
def schema_and_client(demo):
    _client, http = api_client("schema", files=True)
    response = http.get("/api/v1/schema/?format=json")
    assert response.status_code == 200
    return response.json(), http


def _ids():
    published = LedgerEntry.objects.published()
    return {
        "/api/v1/indicators/{id}/": Indicator.objects.filter(plan__year=2024).first().pk,
        "/api/v1/reports/{id}/": QuarterlyReport.objects.counted().first().pk,
        "/api/v1/evidence/{id}/": EvidenceFile.objects.filter(entry__in=published).first().pk,
        "/api/v1/plans/{year}/": 2024,
    }


def _resolve(schema, node):
    while "$ref" in node:
        node = schema["components"]["schemas"][node["$ref"].rsplit("/", 1)[1]]
    return node


def test_the_schema_is_valid_openapi_3(schema_and_client):
    schema, _http = schema_and_client
    assert schema["openapi"].startswith("3.")
    validate_schema(schema)
    assert "bearerToken" in schema["components"]["securitySchemes"]


def test_every_route_is_in_the_schema_and_every_path_answers(schema_and_client):
    schema, http = schema_and_client
    routes = {
        "/" + re.sub(r"<(?:\w+:)?(\w+)>", lambda m: "{" + ("id" if m[1] == "pk" else m[1]) + "}", r)
        for r in _routes()
        if r.startswith("api/") and r not in NOT_DATA
    }
    assert routes == set(schema["paths"])
    ids = _ids()
    for path, operations in schema["paths"].items():
        assert set(operations) == {"get"}, path  # read only
        operation = operations["get"]
        required = [p["name"] for p in operation.get("parameters", []) if p.get("required")]
        query = "&".join(f"{name}=2024" for name in required if name == "year")
        url = path.replace("{id}", str(ids.get(path, ""))).replace("{year}", "2024")
        response = http.get(f"{url}?{query}" if query else url)
        assert response.status_code == 200, (path, response.status_code)
        content = operation["responses"]["200"]["content"]
        if "application/json" not in content:
            assert path == "/api/v1/evidence/{id}/"
            continue
        body = response.json()
        shape = _resolve(schema, content["application/json"]["schema"])
        if "results" in shape.get("properties", {}):
            assert body["results"], path
            shape = _resolve(schema, shape["properties"]["results"]["items"])
            body = body["results"][0]
        assert set(body) == set(shape["properties"]), path


def test_swagger_ui_is_served_from_vendored_files(leader_client):
    page = leader_client.get("/api/v1/docs/")
    assert page.status_code == 200
    html = page.content.decode()
    sources = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert sources
    assert not [s for s in sources if s.startswith(("http:", "https:", "//"))], sources
    for source in sources:
        if source.startswith("/static/"):
            assert finders.find(source.removeprefix("/static/")), source
        else:  # the view's own script (?script=), served by the API's docs view
            response = leader_client.get(source)
            assert response.status_code == 200, source
    # The script is a file of its own (the split view), and the page's one style block
    # is allowed by its hash, so the strict CSP holds (no 'unsafe-inline').
    assert "<script>" not in html.replace(" ", "")
    policy = page["Content-Security-Policy"]
    assert "unsafe-inline" not in policy and "script-src 'self';" in policy
    styles = re.findall(r"<style>(.*?)</style>", html, re.DOTALL)
    assert styles
    for style in styles:
        digest = base64.b64encode(hashlib.sha256(style.encode()).digest()).decode()
        assert f"'sha256-{digest}'" in policy
