from django.urls import path

from .views import case, create, help, lists, search, statistics

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
    path("<int:pk>/", case.CaseView.as_view(), name="case"),
    path("<int:pk>/flik/<slug:tab>/", case.CaseTabView.as_view(), name="case_tab"),
    path("<int:pk>/atgard/<slug:action>/", case.CaseActionView.as_view(), name="action"),
    path(
        "<int:pk>/bilagor/<int:attachment>/",
        case.AttachmentDownloadView.as_view(),
        name="attachment",
    ),
]
