from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog
from django_otp.admin import OTPAdminSite

from sambruk.core.web import views as web_views

admin.site.__class__ = OTPAdminSite
admin.site.site_header = "Sambruk – administration"
admin.site.site_title = "Sambruk"

urlpatterns = [
    path("healthz", web_views.healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("admin/", admin.site.urls),
    path("konto/", include("sambruk.core.accounts.urls")),
    path("logg/", include("sambruk.core.audit.urls")),
    path("utskick/", include("sambruk.core.notifications.urls")),
    path("arenden/", include("sambruk.workspace.urls")),
    path("api/", include("sambruk.core.api.urls")),
    path("open311/v2/", include("sambruk.fixamingata.open311_urls")),
    path("fixamingata/", include("sambruk.fixamingata.urls")),
    path("e-tjanster/", include("sambruk.eforms.urls")),
    path("ekonomiskt-bistand/", include("sambruk.ekbist.urls")),
    path("mina-sidor/", include("sambruk.portal.urls")),
    path("kanal/", include("sambruk.channel.urls")),
    path("kanal/e-post/", include("sambruk.channel.mail.urls")),
    path("", include("sambruk.core.web.urls")),
]

handler500 = "sambruk.core.web.views.server_error"

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
