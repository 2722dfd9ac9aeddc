from django.conf import settings
from django.urls import path

app_name = "ekbist"
urlpatterns: list = []

if settings.DEMO_MODE:  # local SSBTEK simulator, see ekbist/ssbtek/simulator.py
    from sambruk.ekbist.ssbtek.simulator import django_view as _ssbtek_sim

    urlpatterns.append(path("ssbtek-sim/", _ssbtek_sim, name="ssbtek-sim"))
