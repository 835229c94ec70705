from django.urls import path

from feedback import views

app_name = "feedback"

urlpatterns = [
    path("feedback/", views.answer, name="answer"),
    path("feedback/comment/", views.comment, name="comment"),
]
