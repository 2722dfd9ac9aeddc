from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import Organisation, OrgUnit


class OrgUnitInline(admin.TabularInline):
    model = OrgUnit
    fk_name = "organisation"
    fields = ("name", "kind", "parent", "code")
    raw_id_fields = ("parent",)
    extra = 0
    show_change_link = True


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = (
        "name",
        "type",
        "kommunkod",
        "lanskod",
        "organisationsnummer",
        "is_member",
        "active",
    )
    list_filter = ("type", "lanskod", "is_member", "active")
    search_fields = ("name", "slug", "kommunkod", "organisationsnummer")
    prepopulated_fields = {"slug": ("name",)}
    readonly_fields = ("created_at",)
    inlines = [OrgUnitInline]
    fieldsets = (
        (None, {"fields": ("type", "name", "slug", "active")}),
        (_("Identitet"), {"fields": ("kommunkod", "lanskod", "organisationsnummer")}),
        (_("Kontakt"), {"fields": ("email", "website")}),
        (_("Sambruk"), {"fields": ("is_member", "created_at")}),
    )


@admin.register(OrgUnit)
class OrgUnitAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "organisation", "parent", "code")
    list_filter = ("kind", "organisation__type")
    search_fields = ("name", "code", "organisation__name")
    list_select_related = ("organisation", "parent")
    autocomplete_fields = ("organisation",)
    raw_id_fields = ("parent",)
