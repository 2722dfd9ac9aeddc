from django.conf import settings
from django.urls import path

from sambruk.ekbist.views import application as application_views
from sambruk.ekbist.views import decision as decision_views
from sambruk.ekbist.views import multifraga as multifraga_views
from sambruk.ekbist.views import overview as overview_views
from sambruk.ekbist.views import payments as payment_views
from sambruk.ekbist.views import statistics as statistics_views

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
    # The caseworker's overview and Multifråga (views/overview.py, views/multifraga.py)
    path(
        "ansokningar/<int:pk>/oversikt/",
        overview_views.ApplicationOverviewView.as_view(),
        name="overview",
    ),
    path(
        "ansokningar/<int:pk>/multifraga/",
        multifraga_views.MultifragaView.as_view(),
        name="multifraga",
    ),
    path(
        "multifragor/<int:pk>/",
        multifraga_views.SnapshotView.as_view(),
        name="multifraga_result",
    ),
    # Decision, payments, statistics (views/decision.py, payments.py, statistics.py)
    path("ansokningar/<int:pk>/beslut/", decision_views.DecideView.as_view(), name="decide"),
    path(
        "ansokningar/<int:pk>/statistikuppgifter/",
        statistics_views.ApplicationCodesView.as_view(),
        name="application_codes",
    ),
    path("beslut/<int:pk>/", decision_views.DecisionDetailView.as_view(), name="decision"),
    path(
        "beslut/<int:pk>/beslutsbrev.pdf",
        decision_views.DecisionLetterView.as_view(),
        name="decision_letter",
    ),
    path("utbetalningar/", payment_views.PaymentsView.as_view(), name="payments"),
    path(
        "utbetalningar/export.csv",
        payment_views.PaymentsExportView.as_view(),
        name="payments_export",
    ),
    path("utbetalningar/markera/", payment_views.PaymentsMarkView.as_view(), name="payments_mark"),
    path("statistik/", statistics_views.StatisticsView.as_view(), name="statistics"),
    path(
        "statistik/export.csv",
        statistics_views.StatisticsExportView.as_view(),
        name="statistics_export",
    ),
]

if settings.DEMO_MODE:  # local SSBTEK simulator, see ekbist/ssbtek/simulator.py
    from sambruk.ekbist.ssbtek.simulator import django_view as _ssbtek_sim

    urlpatterns.append(path("ssbtek-sim/", _ssbtek_sim, name="ssbtek-sim"))
