from django.urls import path

from . import views

app_name = "notices"

urlpatterns = [
    path("notices/", views.notice_list, name="list"),
    path("notices/read/", views.mark_read, name="mark_read"),
    path("notices/unread.json", views.unread_count, name="unread"),
]
