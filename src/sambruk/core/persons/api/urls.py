"""Included by the API urls as ``path("persons/", include("sambruk.core.persons.api.urls"))``."""

from django.urls import path

from .views import PersonLookupView

app_name = "persons"

urlpatterns = [
    path("lookup/", PersonLookupView.as_view(), name="lookup"),
]
