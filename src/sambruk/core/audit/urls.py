from django.urls import path

from . import views

app_name = "audit"
urlpatterns = [
    path("", views.PersonLogView.as_view(), name="person_log"),
    path("export.csv", views.PersonLogExportView.as_view(), name="person_log_export"),
]
