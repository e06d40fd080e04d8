from django.urls import path

from . import views

app_name = "targets"

urlpatterns = [
    path("", views.home, name="home"),
    path("plans/<int:year>/", views.plan_detail, name="plan"),
    path("plans/<int:year>/pillars/<str:code>/", views.pillar_detail, name="pillar"),
    path("plans/<int:year>/indicators/<str:code>/", views.indicator_detail, name="indicator"),
]
