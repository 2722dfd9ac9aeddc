from django.conf import settings
from django.urls import path

from sambruk.ekbist.views import application as application_views

app_name = "ekbist"
urlpatterns: list = [
    path(
        "ansokan/<str:token>/sjalvservice/",
        application_views.selfservice_view,
        name="selfservice",
    ),
    path(
        "ansokningar/<int:pk>/",
        application_views.ApplicationView.as_view(),
        name="application",
    ),
]

if settings.DEMO_MODE:  # local SSBTEK simulator, see ekbist/ssbtek/simulator.py
    from sambruk.ekbist.ssbtek.simulator import django_view as _ssbtek_sim

    urlpatterns.append(path("ssbtek-sim/", _ssbtek_sim, name="ssbtek-sim"))
