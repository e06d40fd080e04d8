"""The project's URLs with a stand-in for the indicator history page.

That page belongs to the reporting work; this lets a test show that the
indicator page links to it as soon as it exists (Indicator.history_url),
whether or not the real one is there yet.
"""

from django.http import HttpResponse
from django.urls import include, path

from kpitracker.urls import urlpatterns as project_urlpatterns
from targets import urls as targets_urls


def _history(request, year, code):
    return HttpResponse()


targets_with_history = [
    *(p for p in targets_urls.urlpatterns if getattr(p, "name", None) != "indicator_history"),
    path("plans/<int:year>/indicators/<str:code>/history/", _history, name="indicator_history"),
]

urlpatterns = [
    path("", include((targets_with_history, "targets"))),
    *[p for p in project_urlpatterns if getattr(p, "app_name", None) != "targets"],
]
