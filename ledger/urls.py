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
]
