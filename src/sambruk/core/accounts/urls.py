from django.urls import include, path

from . import views

app_name = "accounts"
urlpatterns = [
    path("logga-in/", views.login_view, name="login"),
    path("tvastegs/", views.otp_view, name="otp"),
    path("tvastegs/aktivera/", views.otp_setup_view, name="otp_setup"),
    path("logga-ut/", views.logout_view, name="logout"),
    # Citizen e-legitimation (namespace accounts:eleg).
    path("e-legitimation/", include("sambruk.core.accounts.eleg.urls")),
]
