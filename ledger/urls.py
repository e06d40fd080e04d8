from django.urls import path

from targets.urls import CodeConverter  # noqa: F401  (registers the "code" converter)

from . import views

app_name = "ledger"

urlpatterns = [
    path(
        "plans/<int:year>/indicators/<code:code>/evidence/<int:pk>/",
        views.evidence,
        name="evidence",
    ),
    # The ledger of the plan, or of one `?pillar=` or `?indicator=`.
    path("plans/<int:year>/export/ledger.csv", views.ledger_csv, name="export_csv"),
    path("plans/<int:year>/export/ledger.xlsx", views.ledger_xlsx, name="export_xlsx"),
]
