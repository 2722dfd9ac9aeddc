from django.urls import path

from .views import citizen, citizen_signing, editor, publisher

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
    path("admin/tjanster/", publisher.EServiceListView.as_view(), name="publisher-list"),
    path("admin/tjanster/ny/", publisher.EServiceCreateView.as_view(), name="publisher-create"),
    path("admin/tjanster/<int:pk>/", publisher.EServiceEditView.as_view(), name="publisher-edit"),
]

# Citizen pages (the e-service publisher). After the editor's routes: "<org>/<slug>/" would
# otherwise also match "admin/formular/".
_draft = "<slug:org>/<slug:slug>/<str:token>/"
urlpatterns += [
    path("", citizen.catalogue_view, name="catalogue"),
    path("medsokande/<str:token>/", citizen_signing.cosign_view, name="cosign"),
    path("kvittens/<str:token>/pdf/", citizen.receipt_pdf_view, name="receipt_pdf"),
    path("<slug:org>/<slug:slug>/", citizen.eservice_view, name="eservice"),
    path(_draft, citizen.resume_view, name="resume"),
    path(_draft + "sida/<int:page>/", citizen.page_view, name="page"),
    path(_draft + "sparat/", citizen.saved_view, name="saved"),
    path(_draft + "version/", citizen.version_view, name="version"),
    path(_draft + "sammanfattning/", citizen.summary_view, name="summary"),
    path(_draft + "underskrift/", citizen_signing.sign_view, name="sign"),
    path(_draft + "inbjudan/", citizen_signing.invite_view, name="invite"),
    path(_draft + "kvittens/", citizen.receipt_view, name="receipt"),
]
