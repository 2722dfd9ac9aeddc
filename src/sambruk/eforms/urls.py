from django.urls import path

from .views import editor

app_name = "eforms"
urlpatterns: list = [
    path("admin/formular/", editor.DefinitionListView.as_view(), name="editor-list"),
    path(
        "admin/formular/forhandsgranska/",
        editor.PreviewView.as_view(),
        name="editor-preview",
    ),
    path(
        "admin/formular/<int:pk>/",
        editor.DefinitionDetailView.as_view(),
        name="editor-definition",
    ),
    path(
        "admin/formular/<int:pk>/version/<int:number>/",
        editor.VersionView.as_view(),
        name="editor-version",
    ),
]
