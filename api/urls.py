"""/api/v1/: the read API, its OpenAPI 3 schema and its Swagger UI (vendored assets)."""

from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from . import views

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
        SpectacularSwaggerSplitView.as_view(url_name="api:schema"),
        name="docs",
    ),
]
