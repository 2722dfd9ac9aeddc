from django.urls import include, path

from .feeds import AtomReportsFeed, ReportsFeed
from .views import alerts, api, browse, new_report, pwa, report_page, staff
from .views import config as config_views
from .views import moderation as moderation_views

app_name = "fixamingata"
urlpatterns = [
    path("", browse.start, name="start"),
    path("sok/", api.search, name="search"),
    path("kategorier/", api.categories, name="categories"),
    path("nara/", api.nearby, name="nearby"),
    path("pins/", api.pins, name="pins"),
    path("rapportera/", new_report.ReportView.as_view(), name="new_report"),
    path("rapportera/skickad/", new_report.report_sent, name="report_sent"),
    path("bekrafta/<str:token>/", new_report.confirm_report, name="confirm_report"),
    path("rapport/<int:pk>/", report_page.ReportPageView.as_view(), name="report"),
    path("rapport/<int:pk>/skickad/", report_page.update_sent, name="update_sent"),
    path("rapport/<int:pk>/bild/<int:order>/", report_page.photo, name="photo"),
    path("uppdatering/bekrafta/<str:token>/", report_page.confirm_update, name="confirm_update"),
    path("enkat/<str:token>/", report_page.QuestionnaireView.as_view(), name="questionnaire"),
    path("rapporter/", browse.browse, name="browse"),
    path("kommun/<str:kommunkod>/", browse.kommun_page, name="kommun"),
    path("kommun/<str:kommunkod>/rss/", ReportsFeed(), name="kommun_rss"),
    path("kommun/<str:kommunkod>/atom/", AtomReportsFeed(), name="kommun_atom"),
    path("rss/", ReportsFeed(), name="rss"),
    path("atom/", AtomReportsFeed(), name="atom"),
    path("bevaka/", alerts.AlertView.as_view(), name="alert"),
    path("bevaka/skickad/", alerts.alert_sent, name="alert_sent"),
    path("bevakning/bekrafta/<str:token>/", alerts.confirm_alert, name="confirm_alert"),
    path("bevakning/avsluta/<str:token>/", alerts.unsubscribe, name="unsubscribe"),
    path("manifest.webmanifest", pwa.manifest, name="manifest"),
    path("sw.js", pwa.service_worker, name="service_worker"),
    # Staff actions from the workspace case page (views/staff.py).
    path("personal/rapport/<int:pk>/svar/", staff.ReplyView.as_view(), name="staff_reply"),
    path(
        "personal/rapport/<int:pk>/dubblett/",
        staff.DuplicateView.as_view(),
        name="staff_duplicate",
    ),
    path("personal/rapport/<int:pk>/kategori/", staff.MoveView.as_view(), name="staff_move"),
    path("", include("sambruk.fixamingata.stats_urls")),  # statistics (stats_views.py)
    # Staff: settings (manage_config) and moderation (moderate).
    path("installningar/", config_views.ConfigIndexView.as_view(), name="config"),
    path("installningar/<int:body>/", config_views.BodyView.as_view(), name="config_body"),
    path(
        "installningar/<int:body>/mottagare/",
        config_views.BodyEditView.as_view(),
        name="config_body_edit",
    ),
    path(
        "installningar/<int:body>/kategorier/ny/",
        config_views.CategoryEditView.as_view(),
        name="config_category_new",
    ),
    path(
        "installningar/<int:body>/kategorier/<int:pk>/",
        config_views.CategoryEditView.as_view(),
        name="config_category",
    ),
    path(
        "installningar/<int:body>/svarsmallar/ny/",
        config_views.TemplateEditView.as_view(),
        name="config_template_new",
    ),
    path(
        "installningar/<int:body>/svarsmallar/<int:pk>/",
        config_views.TemplateEditView.as_view(),
        name="config_template",
    ),
    path(
        "installningar/<int:body>/svarsmallar/<int:pk>/ta-bort/",
        config_views.TemplateDeleteView.as_view(),
        name="config_template_delete",
    ),
    path("moderering/", moderation_views.ModerationListView.as_view(), name="moderation"),
    path(
        "moderering/rapport/<int:pk>/",
        moderation_views.ReportModerationView.as_view(),
        name="moderation_report",
    ),
    path("moderering/listor/", moderation_views.ListsView.as_view(), name="moderation_lists"),
]
