"""Mina sidor, mounted at /mina-sidor/. Every view is for the logged-in citizen only and
answers 404 for anything that is not theirs (tests/test_access.py walks every pattern)."""

from django.urls import path

from . import views

app_name = "portal"
urlpatterns: list = [
    path("", views.home, name="home"),
    path("arende/<int:pk>/", views.case_detail, name="case"),
    path(
        "arende/<int:pk>/konversation/<int:conversation_pk>/svara/",
        views.reply,
        name="reply",
    ),
    path(
        "arende/<int:pk>/bilaga/<int:attachment_pk>/",
        views.attachment_download,
        name="attachment",
    ),
    path("formular/<int:pk>/kvittens.pdf", views.submission_pdf, name="submission_pdf"),
    path("externt/<int:pk>/", views.shadow_detail, name="shadow"),
    path("profil/", views.profile, name="profile"),
    path("profil/skicka-lank/", views.resend_verification, name="resend_verification"),
    path("profil/bekrafta/<str:token>/", views.verify_email, name="verify_email"),
    path("profil/e-post/<int:pk>/ta-bort/", views.remove_email, name="remove_email"),
]
