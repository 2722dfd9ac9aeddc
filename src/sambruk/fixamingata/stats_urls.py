"""Statistics URLs, included from ``fixamingata/urls.py`` (names in the ``fixamingata``
namespace): ``/fixamingata/statistik/…`` and ``/fixamingata/personal/statistik/``."""

from django.urls import path

from . import stats_views

urlpatterns = [
    path("statistik/", stats_views.national, name="stats"),
    path("statistik/statistik.csv", stats_views.csv_export, name="stats_csv"),
    path("statistik/<str:kommunkod>/", stats_views.kommun_page, name="stats_kommun"),
    path(
        "statistik/<str:kommunkod>/statistik.csv",
        stats_views.csv_export,
        name="stats_kommun_csv",
    ),
    path("personal/statistik/", stats_views.StaffDashboardView.as_view(), name="stats_staff"),
]
