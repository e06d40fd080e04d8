from django.urls import path

from . import views

app_name = "notices"

urlpatterns = [
    path("notices/", views.notice_list, name="list"),
    path("notices/read/", views.mark_read, name="mark_read"),
    # The menu's counts: unread notices, reports waiting for review (menu_counts.js).
    path("notices/counts.json", views.menu_counts, name="counts"),
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
