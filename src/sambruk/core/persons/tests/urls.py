"""URLconf for the persons tests (independent of the project's API urls)."""

from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("api/persons/", include("sambruk.core.persons.api.urls")),
    path("admin/", admin.site.urls),
]
