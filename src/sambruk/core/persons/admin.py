"""Admin for the person register (reference data).

The change list never shows addresses or contact details and shows civic numbers masked.
Address and contact fields of protected persons are shown (and editable) only for
superusers, and every opening of a protected person is audited. Saves go through the
services so that every change is audited.
"""

from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from sambruk.core.audit.services import record_read

from . import services
from .models import PROTECTED_FIELDS, Person
from .personnummer import Personnummer


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    list_display = ("full_name_display", "civic_number_masked", "protection")
    list_filter = ("protection",)
    search_fields = ("family_name", "given_name")
    ordering = ("family_name", "given_name")
    readonly_fields = ("created_at", "updated_at")
    show_full_result_count = False

    @admin.display(description=_("namn"), ordering="family_name")
    def full_name_display(self, obj: Person) -> str:
        return obj.full_name

    @admin.display(description=_("personnummer"), ordering="civic_number")
    def civic_number_masked(self, obj: Person) -> str:
        return obj.personnummer.masked()

    # --- search: a civic number in any accepted form finds the person -------------------
    def get_search_results(self, request, queryset, search_term):
        term = search_term.strip()
        if term and Personnummer.is_valid(term):
            return queryset.filter(civic_number=Personnummer.parse(term).value), False
        if term and any(ch.isdigit() for ch in term):
            # Partial numbers: match digits only (no separator) from the start.
            digits = "".join(ch for ch in term if ch.isdigit())
            return queryset.filter(civic_number__contains=digits), False
        return super().get_search_results(request, queryset, search_term)

    # --- change form: protected fields only for superusers -------------------------------
    def _hide_protected(self, request, obj) -> bool:
        return obj is not None and obj.is_protected and not request.user.is_superuser

    def get_exclude(self, request, obj=None):
        exclude = list(super().get_exclude(request, obj) or [])
        if self._hide_protected(request, obj):
            exclude += list(PROTECTED_FIELDS)
        return exclude

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if self._hide_protected(request, obj):
            # Only a superuser may change or lift the protection marking.
            readonly.append("protection")
        return readonly

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object(request, object_id)
        if obj is not None and obj.is_protected and request.method == "GET":
            record_read(
                actor=request.user,
                obj=obj,
                person=obj,
                purpose=str(_("Administration av personregistret")),
            )
        extra_context = extra_context or {}
        if obj is not None and self._hide_protected(request, obj):
            extra_context["subtitle"] = _("Skyddade personuppgifter – adressen visas inte")
        return super().change_view(request, object_id, form_url, extra_context)

    def save_model(self, request, obj, form, change):
        if change:
            fields = {
                name: form.cleaned_data[name]
                for name in form.changed_data
                if name in services.EDITABLE_FIELDS
            }
            services.update_person(obj, actor=request.user, **fields)
            return
        extra = {
            name: value
            for name, value in form.cleaned_data.items()
            if name in PROTECTED_FIELDS or name == "protection"
        }
        created = services.create_person(
            actor=request.user,
            civic_number=form.cleaned_data["civic_number"],
            given_name=form.cleaned_data["given_name"],
            family_name=form.cleaned_data["family_name"],
            **extra,
        )
        obj.pk = created.pk
        obj.refresh_from_db()

    def has_delete_permission(self, request, obj=None):
        # Persons are referenced from module records and the audit trail: no deletion here.
        return False
