from django.urls import path

from . import views

app_name = "targets"

urlpatterns = [
    path("", views.home, name="home"),
    path("plans/<int:year>/", views.plan_detail, name="plan"),
    path("plans/<int:year>/indicators/<str:code>/", views.indicator_detail, name="indicator"),
    # Meeting exports: ?quarter=N and the dashboard's filters (pillar, lead_section,
    # kind, status) apply to the summary.
    path(
        "plans/<int:year>/export/summary.csv",
        views.export_summary_csv,
        name="export_summary_csv",
    ),
    path(
        "plans/<int:year>/export/summary.xlsx",
        views.export_summary_xlsx,
        name="export_summary_xlsx",
    ),
    path(
        "plans/<int:year>/export/reports.csv",
        views.export_reports_csv,
        name="export_reports_csv",
    ),
    path(
        "plans/<int:year>/export/history.csv",
        views.export_history_csv,
        name="export_history_csv",
    ),
]
