from django.urls import path

from conditions import views

app_name = "conditions"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("conditions/", views.ConditionListView.as_view(), name="condition_list"),
    path("conditions/<slug:slug>/", views.ConditionDetailView.as_view(), name="condition_detail"),
    path("symptoms/", views.SymptomListView.as_view(), name="symptom_list"),
    path("symptoms/<slug:slug>/", views.SymptomDetailView.as_view(), name="symptom_detail"),
    path("treatments/", views.TreatmentListView.as_view(), name="treatment_list"),
    path("treatments/<slug:slug>/", views.TreatmentDetailView.as_view(), name="treatment_detail"),
    path("symptom-checker/", views.SymptomCheckerView.as_view(), name="symptom_checker"),
    path("tags/", views.TagListView.as_view(), name="tag_list"),
    path("tags/<str:slug>/", views.TagDetailView.as_view(), name="tag_detail"),
]
