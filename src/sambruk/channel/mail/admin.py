"""Admin: e-mail access points (per organisation) and inbound mail (read-only, retry)."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from sambruk.core.authz.admin import RestrictedReadOnlyAdmin
from sambruk.core.authz.permissions import ALL, has_perm, permitted_organisation_ids
from sambruk.core.organisations.models import Organisation

from . import accesspoints, services
from .models import EmailAccessPoint, InboundMail, InboundStatus
from .roles import CHANGE_ACCESS_POINT, RETRY_INBOUND, VIEW_ACCESS_POINT, VIEW_INBOUND


def _orgs(user, perm):
    ids = permitted_organisation_ids(user, perm)
    return Organisation.objects.all() if ids == ALL else Organisation.objects.filter(pk__in=ids)


class AccessPointForm(forms.ModelForm):
    class Meta:
        model = EmailAccessPoint
        fields = [
            "organisation",
            "name",
            "address",
            "queue",
            "case_type",
            "labels",
            "catch_all",
            "send_receipt",
            "active",
        ]

    def clean(self):
        data = super().clean()
        point = self.instance
        for name in ("organisation", "queue", "case_type"):
            if data.get(name) is not None:
                setattr(point, name, data[name])
        point.address = data.get("address") or ""
        point.catch_all, point.active = data.get("catch_all"), data.get("active")
        if point.organisation_id:
            try:
                accesspoints.validate(point, data.get("labels") or ())
            except ValidationError as error:
                for field, problems in error.message_dict.items():
                    self.add_error(field if field in self.fields else None, problems)
        return data


@admin.register(EmailAccessPoint)
class EmailAccessPointAdmin(admin.ModelAdmin):
    form = AccessPointForm
    list_display = ("address", "name", "organisation", "queue", "case_type", "catch_all", "active")
    list_filter = ("active", "catch_all")
    search_fields = ("address", "name")
    list_select_related = ("organisation", "queue", "case_type")

    def get_queryset(self, request):
        return super().get_queryset(request).restrict(request.user, VIEW_ACCESS_POINT)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        orgs = _orgs(request.user, CHANGE_ACCESS_POINT)
        if db_field.name == "organisation":
            kwargs["queryset"] = orgs
        elif db_field.name in ("queue", "case_type"):  # cases' models, by the relation
            kwargs["queryset"] = db_field.related_model.objects.filter(
                organisation__in=orgs, active=True
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "labels":
            orgs = _orgs(request.user, CHANGE_ACCESS_POINT)
            kwargs["queryset"] = db_field.related_model.objects.filter(organisation__in=orgs)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        accesspoints.save_access_point(obj, actor=request.user, labels=None)

    def has_module_permission(self, request):
        return has_perm(request.user, VIEW_ACCESS_POINT)

    def has_view_permission(self, request, obj=None):
        return has_perm(request.user, VIEW_ACCESS_POINT, getattr(obj, "organisation_id", None))

    def has_add_permission(self, request):
        return has_perm(request.user, CHANGE_ACCESS_POINT)

    def has_change_permission(self, request, obj=None):
        return has_perm(request.user, CHANGE_ACCESS_POINT, getattr(obj, "organisation_id", None))

    def has_delete_permission(self, request, obj=None):
        return False  # deactivate instead: inbound mails keep pointing at it


@admin.register(InboundMail)
class InboundMailAdmin(RestrictedReadOnlyAdmin):
    view_permission = VIEW_INBOUND
    retry_permission = RETRY_INBOUND
    list_display = ("received_at", "sender", "subject", "organisation", "status", "result", "case")
    list_filter = ("status", "result")
    search_fields = ("sender", "subject", "message_id", "envelope_from")
    date_hierarchy = "received_at"
    list_select_related = ("organisation", "case")
    actions = ["retry_mails"]
    exclude = ("raw",)
    readonly_fields = [f.name for f in InboundMail._meta.fields if f.name != "raw"] + ["headers"]

    @admin.display(description=_("rubriker"))
    def headers(self, obj):
        raw = bytes(obj.raw or b"")
        return raw.split(b"\r\n\r\n", 1)[0].split(b"\n\n", 1)[0][:8000].decode("utf-8", "replace")

    @admin.action(description=_("Behandla igen"), permissions=["retry"])
    def retry_mails(self, request, queryset):
        retried = skipped = 0
        for mail in queryset:
            if mail.status == InboundStatus.FAILED and has_perm(
                request.user, RETRY_INBOUND, mail.organisation_id
            ):
                services.retry(mail, actor=request.user)
                retried += 1
            else:
                skipped += 1
        if retried:
            self.message_user(
                request,
                ngettext(
                    "%(count)d e-postmeddelande har behandlats igen.",
                    "%(count)d e-postmeddelanden har behandlats igen.",
                    retried,
                )
                % {"count": retried},
                messages.SUCCESS,
            )
        if skipped:
            self.message_user(
                request,
                ngettext(
                    "%(count)d e-postmeddelande var inte misslyckat och behandlades inte igen.",
                    "%(count)d e-postmeddelanden var inte misslyckade och behandlades inte igen.",
                    skipped,
                )
                % {"count": skipped},
                messages.WARNING,
            )
