from django.urls import path

from . import views

app_name = "oversight"

urlpatterns = [
    path("plans/<int:year>/instructions/new/", views.instruction_new, name="instruction_new"),
    path("follow-ups/", views.follow_up_list, name="follow_ups"),
    path("plans/<int:year>/follow-ups/new/", views.follow_up_new, name="follow_up_new"),
    path("follow-ups/<int:pk>/", views.follow_up_detail, name="follow_up"),
    path("follow-ups/<int:pk>/answer/", views.follow_up_answer, name="follow_up_answer"),
    path("follow-ups/<int:pk>/decide/", views.follow_up_decide, name="follow_up_decide"),
    path("follow-ups/<int:pk>/files/<int:file_pk>/", views.follow_up_file, name="follow_up_file"),
]
