"""Citizen e-legitimation routes, included under /konto/e-legitimation/ (namespace
``accounts:eleg``)."""

from django.urls import path

from . import views
from .bankid import login as bankid_login
from .bankid import views as bankid_views

app_name = "eleg"
urlpatterns = [
    path("", views.login_choice, name="login"),
    path("start/", views.oidc_start, name="start"),
    path("callback/", views.oidc_callback, name="callback"),
    path("test/", views.test_login, name="test"),
    path("inloggning/", views.session_status, name="status"),
    path("forlang/", views.ping, name="ping"),
    path("logga-ut-overallt/", views.logout_everywhere, name="logout_everywhere"),
    path("bankid/", bankid_login.start, name="bankid_login"),
    path("bankid/vantar/", bankid_login.wait, name="bankid_wait"),
    path("bankid/status/", bankid_login.collect, name="bankid_collect"),
    path("bankid/avbryt/", bankid_login.cancel, name="bankid_cancel"),
    path("bankid/<str:order_ref>/qr.svg", bankid_views.qr_svg_view, name="bankid_qr"),
    path("bankid/<str:order_ref>/status/", bankid_views.status, name="bankid_status"),
]
