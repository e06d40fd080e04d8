"""/api/v1/: the read API, its OpenAPI 3 schema and its Swagger UI (vendored assets)."""

import base64
import hashlib
import re

from django.conf import settings
from django.template.loader import get_template
from django.urls import path
from django.views.decorators.csp import csp_override
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from . import views


def _swagger_csp():
    """The site's CSP, plus the hash of the one <style> block of drf-spectacular's
    Swagger page (its script is a file: the split view), read from the template
    itself so that an upgrade of the library cannot leave it out of date."""
    source = get_template("drf_spectacular/swagger_ui.html").template.source
    styles = re.findall(r"<style>(.*?)</style>", source, re.DOTALL)
    hashes = [
        "'sha256-" + base64.b64encode(hashlib.sha256(s.encode()).digest()).decode() + "'"
        for s in styles
    ]
    return {**settings.SECURE_CSP, "style-src": [*settings.SECURE_CSP["style-src"], *hashes]}


app_name = "api"

urlpatterns = [
    path("v1/plans/", views.PlanList.as_view(), name="plans"),
    path("v1/plans/<int:year>/", views.PlanDetail.as_view(), name="plan"),
    path("v1/elements/", views.ElementList.as_view(), name="elements"),
    path("v1/indicators/", views.IndicatorList.as_view(), name="indicators"),
    path("v1/indicators/<int:pk>/", views.IndicatorDetail.as_view(), name="indicator"),
    path("v1/standings/", views.StandingList.as_view(), name="standings"),
    path("v1/reports/", views.ReportList.as_view(), name="reports"),
    path("v1/reports/<int:pk>/", views.ReportDetail.as_view(), name="report"),
    path("v1/ledger-entries/", views.LedgerEntryList.as_view(), name="ledger_entries"),
    path("v1/evidence/<int:pk>/", views.EvidenceDownload.as_view(), name="evidence"),
    path("v1/history/", views.HistoryList.as_view(), name="history"),
    path("v1/schema/", SpectacularAPIView.as_view(api_version="v1"), name="schema"),
    path(
        "v1/docs/",
        csp_override(_swagger_csp())(SpectacularSwaggerSplitView.as_view(url_name="api:schema")),
        name="docs",
    ),
]
