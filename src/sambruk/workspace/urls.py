from django.urls import path

from .views import case, config, contact_lookup, create, help, lists, search, statistics

app_name = "workspace"
urlpatterns = [
    path("", lists.HomeView.as_view(), name="home"),
    path("funktion/<int:pk>/", lists.QueueInboxView.as_view(), name="inbox"),
    path("mina/", lists.MyCasesView.as_view(), name="mine"),
    path("utkast/", lists.DraftsView.as_view(), name="drafts"),
    path("massatgard/", lists.BulkView.as_view(), name="bulk"),
    path("nytt/", create.CreateCaseView.as_view(), name="create"),
    path("sok/", search.SearchView.as_view(), name="search"),
    path("statistik/", statistics.StatisticsView.as_view(), name="statistics"),
    path(
        "statistik/export.<str:fmt>",
        statistics.StatisticsExportView.as_view(),
        name="statistics_export",
    ),
    path("hjalp/", help.HelpView.as_view(), name="help"),
    # Inställningar: the organisation's case configuration (cases.manage_config)
    path("installningar/", config.ConfigIndexView.as_view(), name="config"),
    path("installningar/<int:org>/", config.ConfigOrganisationView.as_view(), name="config_org"),
    path(
        "installningar/<int:org>/arendetyper/<int:pk>/overgangar/",
        config.TransitionMatrixView.as_view(),
        name="config_transitions",
    ),
    path(
        "installningar/<int:org>/<slug:kind>/ny/",
        config.ConfigEditView.as_view(),
        name="config_create",
    ),
    path(
        "installningar/<int:org>/<slug:kind>/<int:pk>/",
        config.ConfigDetailView.as_view(),
        name="config_detail",
    ),
    path(
        "installningar/<int:org>/<slug:kind>/<int:pk>/andra/",
        config.ConfigEditView.as_view(),
        name="config_edit",
    ),
    path(
        "installningar/<int:org>/<slug:kind>/<int:pk>/ta-bort/",
        config.ConfigDeleteView.as_view(),
        name="config_delete",
    ),
    path(
        "installningar/<int:org>/<slug:parent_kind>/<int:parent>/<slug:kind>/ny/",
        config.ConfigEditView.as_view(),
        name="config_child_create",
    ),
    path(
        "installningar/<int:org>/<slug:parent_kind>/<int:parent>/<slug:kind>/<int:pk>/andra/",
        config.ConfigEditView.as_view(),
        name="config_child_edit",
    ),
    path(
        "installningar/<int:org>/<slug:parent_kind>/<int:parent>/<slug:kind>/<int:pk>/ta-bort/",
        config.ConfigDeleteView.as_view(),
        name="config_child_delete",
    ),
    path("<int:pk>/", case.CaseView.as_view(), name="case"),
    path("<int:pk>/flik/<slug:tab>/", case.CaseTabView.as_view(), name="case_tab"),
    path("<int:pk>/atgard/<slug:action>/", case.CaseActionView.as_view(), name="action"),
    path(
        "<int:pk>/kontaktuppslag/",
        contact_lookup.ContactLookupView.as_view(),
        name="contact_lookup",
    ),
    path(
        "<int:pk>/bilagor/<int:attachment>/",
        case.AttachmentDownloadView.as_view(),
        name="attachment",
    ),
]
