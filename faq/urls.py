from django.urls import path

from faq import views

app_name = "faq"

urlpatterns = [
    path("faq/", views.FAQListView.as_view(), name="list"),
    path("faq/<slug:slug>/", views.FAQDetailView.as_view(), name="question"),
]
