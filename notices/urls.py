from django.urls import path

from . import views

app_name = "notices"

urlpatterns = [
    path("notices/", views.notice_list, name="list"),
    path("notices/read/", views.mark_read, name="mark_read"),
    path("notices/unread.json", views.unread_count, name="unread"),
    path("notices/choices/", views.preferences, name="preferences"),
    path(
        "notices/follow/<int:year>/indicators/<str:code>/",
        views.follow,
        {"kind": "indicators"},
        name="follow_indicator",
    ),
    path(
        "notices/follow/<int:year>/pillars/<str:code>/",
        views.follow,
        {"kind": "pillars"},
        name="follow_pillar",
    ),
]
