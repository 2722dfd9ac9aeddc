"""Staff e-service publisher: list, create and change the e-services of one's organisation.

Requires ``eforms.manage_eservices``; every list and lookup goes through ``restrict()``, so
another organisation's e-service answers 404. Writes go through
:mod:`sambruk.eforms.services.eservices`.
"""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.views import View

from sambruk.cases.models import CaseType, Label, Queue
from sambruk.core.authz.permissions import ALL, permitted_organisation_ids
from sambruk.core.authz.views import PermissionRequiredMixin
from sambruk.core.organisations.models import Organisation

from ..models import EService, FormVersion, Signing, VersionStatus
from ..roles import MANAGE_ESERVICES
from ..services import eservices as services

FIELD_IDS = {
    "slug": "id_slug",
    "name": "id_name",
    "name_en": "id_name_en",
    "receipt_subject": "id_receipt_subject",
    "receipt_subject_en": "id_receipt_subject_en",
    "form_version": "id_form_version",
    "queue": "id_queue",
    "case_type": "id_case_type",
    "labels": "id_labels",
    "login_required": "id_login_required",
    "signing": "id_signing-none",
    "opens_at": "id_opens_at",
    "closes_at": "id_closes_at",
    "draft_ttl_days": "id_draft_ttl_days",
}


class PublisherMixin(PermissionRequiredMixin):
    required_permission = MANAGE_ESERVICES

    def eservices(self):
        return self.restricted(
            EService.objects.select_related("organisation", "form_version__definition")
        )

    def organisations(self):
        ids = permitted_organisation_ids(self.request.user, MANAGE_ESERVICES)
        qs = Organisation.objects.order_by("name")
        return qs if ids == ALL else qs.filter(pk__in=ids)

    def choices(self, organisation, eservice=None) -> dict:
        """Selectable objects: the organisation's own (the current version stays listed)."""
        user = self.request.user
        published = Q(status=VersionStatus.PUBLISHED)
        if eservice is not None:
            published |= Q(pk=eservice.form_version_id)
        return {
            "versions": FormVersion.objects.filter(published, definition__organisation=organisation)
            .select_related("definition")
            .order_by("definition__name", "number"),
            "queues": Queue.objects.restrict(user, MANAGE_ESERVICES).filter(
                organisation=organisation, active=True
            ),
            "case_types": CaseType.objects.restrict(user, MANAGE_ESERVICES).filter(
                organisation=organisation, active=True
            ),
            "labels": Label.objects.restrict(user, MANAGE_ESERVICES).filter(
                organisation=organisation
            ),
        }


def _datetime(raw: str, field: str, errors: list):
    raw = (raw or "").strip()
    if not raw:
        return None
    value = parse_datetime(raw)
    if value is None:
        errors.append((field, _("Ange datum och tid som ÅÅÅÅ-MM-DD TT:MM.")))
        return None
    return timezone.make_aware(value) if timezone.is_naive(value) else value


def parse_post(post, choices: dict) -> tuple[dict, list[tuple[str, str]]]:
    """The posted form as service values, and errors of values that could not be read."""
    errors: list[tuple[str, str]] = []

    def pick(queryset, key):
        raw = post.get(key, "")
        return queryset.filter(pk=raw).first() if raw.isdigit() else None

    ttl_raw = post.get("draft_ttl_days", "").strip()
    ttl = int(ttl_raw) if ttl_raw.isdigit() else None
    label_ids = [x for x in post.getlist("labels") if x.isdigit()]
    values = {
        "name": post.get("name", "").strip(),
        "name_en": post.get("name_en", "").strip(),
        "description": post.get("description", "").strip(),
        "description_en": post.get("description_en", "").strip(),
        "form_version": pick(choices["versions"], "form_version"),
        "queue": pick(choices["queues"], "queue"),
        "case_type": pick(choices["case_types"], "case_type"),
        "labels": list(choices["labels"].filter(pk__in=label_ids)),
        "login_required": post.get("login_required") == "on",
        "signing": post.get("signing", Signing.NONE),
        "receipt_subject": post.get("receipt_subject", "").strip(),
        "receipt_subject_en": post.get("receipt_subject_en", "").strip(),
        "receipt_text": post.get("receipt_text", "").strip(),
        "receipt_text_en": post.get("receipt_text_en", "").strip(),
        "opens_at": _datetime(post.get("opens_at"), "opens_at", errors),
        "closes_at": _datetime(post.get("closes_at"), "closes_at", errors),
        "active": post.get("active") == "on",
        "listed": post.get("listed") == "on",
        "draft_ttl_days": ttl,
    }
    return values, errors


def _summary(errors) -> list[dict]:
    return [{"anchor": FIELD_IDS.get(f, "id_name"), "message": m, "field": f} for f, m in errors]


class EServiceListView(PublisherMixin, View):
    def get(self, request):
        return render(
            request,
            "eforms/publisher/list.html",
            {"eservices": self.eservices(), "organisations": self.organisations()},
        )


class _FormView(PublisherMixin, View):
    template = "eforms/publisher/form.html"

    def render_form(
        self, request, *, organisation, eservice=None, posted=None, errors=(), status=200
    ):
        if eservice is not None:
            public = reverse("eforms:eservice", args=[organisation.slug, eservice.slug])
        else:
            public = None
        field_errors: dict[str, list[str]] = {}
        for field, message in errors:
            field_errors.setdefault(field, []).append(message)
        return render(
            request,
            self.template,
            {
                "organisation": organisation,
                "eservice": eservice,
                "form": posted if posted is not None else _initial(eservice),
                "errors": _summary(errors),
                "field_errors": field_errors,
                "signing_choices": Signing.choices,
                "public_url": request.build_absolute_uri(public) if public else "",
                **self.choices(organisation, eservice),
            },
            status=status,
        )


def _initial(eservice) -> dict:
    if eservice is None:
        return {"active": True, "listed": True, "draft_ttl_days": 30, "signing": Signing.NONE}
    local = timezone.localtime
    return {
        "slug": eservice.slug,
        "name": eservice.name,
        "name_en": eservice.name_en,
        "description": eservice.description,
        "description_en": eservice.description_en,
        "form_version": eservice.form_version_id,
        "queue": eservice.queue_id,
        "case_type": eservice.case_type_id,
        "labels": [x.pk for x in eservice.labels.all()],
        "login_required": eservice.login_required,
        "signing": eservice.signing,
        "receipt_subject": eservice.receipt_subject,
        "receipt_subject_en": eservice.receipt_subject_en,
        "receipt_text": eservice.receipt_text,
        "receipt_text_en": eservice.receipt_text_en,
        "opens_at": local(eservice.opens_at).strftime("%Y-%m-%dT%H:%M")
        if eservice.opens_at
        else "",
        "closes_at": local(eservice.closes_at).strftime("%Y-%m-%dT%H:%M")
        if eservice.closes_at
        else "",
        "active": eservice.active,
        "listed": eservice.listed,
        "draft_ttl_days": eservice.draft_ttl_days,
    }


def _posted(post, values) -> dict:
    return {
        **{
            k: post.get(k, "")
            for k in (
                "slug",
                "name",
                "name_en",
                "description",
                "description_en",
                "receipt_subject",
                "receipt_subject_en",
                "receipt_text",
                "receipt_text_en",
            )
        },
        "form_version": values["form_version"].pk if values["form_version"] else None,
        "queue": values["queue"].pk if values["queue"] else None,
        "case_type": values["case_type"].pk if values["case_type"] else None,
        "labels": [x.pk for x in values["labels"]],
        "login_required": values["login_required"],
        "signing": values["signing"],
        "opens_at": post.get("opens_at", ""),
        "closes_at": post.get("closes_at", ""),
        "active": values["active"],
        "listed": values["listed"],
        "draft_ttl_days": post.get("draft_ttl_days", ""),
    }


class EServiceCreateView(_FormView):
    def organisation(self, request):
        orgs = self.organisations()
        raw = request.POST.get("organisation") or request.GET.get("organisation")
        if raw:
            org = orgs.filter(pk=raw).first() if str(raw).isdigit() else None
            if org is None:
                raise Http404
            return org
        if orgs.count() == 1:
            return orgs.get()
        raise Http404

    def get(self, request):
        return self.render_form(request, organisation=self.organisation(request))

    def post(self, request):
        organisation = self.organisation(request)
        values, errors = parse_post(request.POST, self.choices(organisation))
        slug = request.POST.get("slug", "").strip()
        if not errors:
            try:
                eservice = services.do_create_eservice(
                    actor=request.user, organisation=organisation, slug=slug, values=values
                )
            except services.EServiceError as error:
                errors = error.errors
            else:
                messages.success(request, _("E-tjänsten har skapats."))
                return redirect("eforms:publisher-edit", eservice.pk)
        return self.render_form(
            request,
            organisation=organisation,
            posted=_posted(request.POST, values),
            errors=errors,
            status=400,
        )


class EServiceEditView(_FormView):
    def get_eservice(self, pk):
        return get_object_or_404(self.eservices(), pk=pk)

    def get(self, request, pk):
        eservice = self.get_eservice(pk)
        return self.render_form(request, organisation=eservice.organisation, eservice=eservice)

    def post(self, request, pk):
        eservice = self.get_eservice(pk)
        organisation = eservice.organisation
        values, errors = parse_post(request.POST, self.choices(organisation, eservice))
        if not errors:
            try:
                services.do_update_eservice(eservice, actor=request.user, values=values)
            except services.EServiceError as error:
                errors = error.errors
            else:
                messages.success(request, _("Ändringarna är sparade."))
                return redirect("eforms:publisher-edit", eservice.pk)
        posted = {**_posted(request.POST, values), "slug": eservice.slug}
        return self.render_form(
            request,
            organisation=organisation,
            eservice=eservice,
            posted=posted,
            errors=errors,
            status=400,
        )
