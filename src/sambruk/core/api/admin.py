from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from . import services
from .models import ApiClient


@admin.register(ApiClient)
class ApiClientAdmin(admin.ModelAdmin):
    list_display = ["name", "organisation", "token_prefix", "active", "last_used_at"]
    list_filter = ["active"]
    search_fields = ["name", "organisation__name"]
    readonly_fields = ["token_prefix", "last_used_at", "created_at"]
    actions = ["rotate"]

    def save_model(self, request, obj, form, change):
        if change:
            services.set_scopes(obj, actor=request.user, scopes=obj.scopes)
            services.set_active(obj, actor=request.user, active=obj.active)
            return
        client, token = services.create_api_client(
            actor=request.user, organisation=obj.organisation, name=obj.name, scopes=obj.scopes
        )
        obj.pk = client.pk
        messages.warning(
            request, _("Token (visas bara en gång, spara den nu): %(t)s") % {"t": token}
        )

    @admin.action(description=_("Skapa ny token"))
    def rotate(self, request, queryset):
        for client in queryset:
            token = services.rotate_token(client, actor=request.user)
            messages.warning(request, f"{client}: {token}")
