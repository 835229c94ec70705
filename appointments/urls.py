from django.urls import path

from appointments import views

app_name = "appointments"

urlpatterns = [
    path("appointments/", views.request_form, name="request"),
    path("appointments/thanks/", views.thanks, name="thanks"),
]
