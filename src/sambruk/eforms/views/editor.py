"""Staff form editor: definitions, versions, a JSON editor with live preview (htmx).

Everything requires ``eforms.manage_forms`` and goes through ``restrict()``: another
organisation's form answers 404. Changes go through :mod:`sambruk.eforms.services.definitions`.
"""

from __future__ import annotations

import json

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views import View

from sambruk.cases.errors import CaseActionError
from sambruk.core.authz.permissions import ALL, permitted_organisation_ids
from sambruk.core.authz.views import PermissionRequiredMixin
from sambruk.core.organisations.models import Organisation

from ..definition import DefinitionError, localise, validate_definition
from ..models import FormDefinition, FormVersion
from ..rendering import render_page
from ..roles import MANAGE_FORMS
from ..services import definitions as services


class EditorMixin(PermissionRequiredMixin):
    required_permission = MANAGE_FORMS

    def definitions(self):
        return self.restricted(FormDefinition.objects.select_related("organisation"))

    def organisations(self):
        ids = permitted_organisation_ids(self.request.user, MANAGE_FORMS)
        qs = Organisation.objects.order_by("name")
        return qs if ids == ALL else qs.filter(pk__in=ids)


class DefinitionListView(EditorMixin, View):
    def get(self, request, errors=None, status=200):
        return render(
            request,
            "eforms/editor/list.html",
            {
                "definitions": self.definitions().prefetch_related("versions"),
                "organisations": self.organisations(),
                "errors": errors or [],
                "posted": request.POST if request.method == "POST" else {},
            },
            status=status,
        )

    def post(self, request):
        code = request.POST.get("code", "").strip()
        name = request.POST.get("name", "").strip()
        organisation = self.organisations().filter(pk=request.POST.get("organisation") or 0).first()
        errors = []
        if organisation is None:
            errors.append(_("Välj organisation."))
        if not name:
            errors.append(_("Ange ett namn."))
        from django.utils.text import slugify

        if not code or slugify(code) != code:
            errors.append(_("Ange en kod med små bokstäver, siffror och bindestreck."))
        if errors:
            return self.get(request, errors=errors, status=400)
        try:
            version = services.create_definition(
                actor=request.user, organisation=organisation, code=code, name=name
            )
        except CaseActionError as error:
            return self.get(request, errors=[error.message], status=400)
        messages.success(request, _("Formuläret har skapats."))
        return redirect("eforms:editor-version", version.definition_id, version.number)


class DefinitionDetailView(EditorMixin, View):
    def get(self, request, pk):
        definition = get_object_or_404(self.definitions(), pk=pk)
        return render(
            request,
            "eforms/editor/definition.html",
            {"definition": definition, "versions": definition.versions.all()},
        )

    def post(self, request, pk):
        definition = get_object_or_404(self.definitions(), pk=pk)
        source = None
        if request.POST.get("from_version"):
            source = definition.versions.filter(number=request.POST["from_version"]).first()
        try:
            version = services.create_draft_version(
                definition, actor=request.user, from_version=source
            )
        except CaseActionError as error:
            messages.error(request, error.message)
            return redirect("eforms:editor-definition", definition.pk)
        messages.success(
            request, _("Version %(n)s har skapats som utkast.") % {"n": version.number}
        )
        return redirect("eforms:editor-version", definition.pk, version.number)


class VersionView(EditorMixin, View):
    def version(self, pk, number) -> FormVersion:
        definition = get_object_or_404(self.definitions(), pk=pk)
        return get_object_or_404(definition.versions.select_related("definition"), number=number)

    def get(self, request, pk, number, text=None, errors=None, status=200):
        version = self.version(pk, number)
        if text is None:
            text = json.dumps(version.schema, ensure_ascii=False, indent=2)
        return render(
            request,
            "eforms/editor/version.html",
            {
                "version": version,
                "definition": version.definition,
                "text": text,
                "errors": errors or [],
                "preview": _preview(text),
            },
            status=status,
        )

    def post(self, request, pk, number):
        version = self.version(pk, number)
        action = request.POST.get("action", "save")
        try:
            if action == "publish":
                services.publish(version, actor=request.user)
                messages.success(request, _("Version %(n)s är publicerad.") % {"n": number})
            elif action == "retire":
                services.retire(version, actor=request.user)
                messages.success(request, _("Version %(n)s är tillbakadragen.") % {"n": number})
            else:
                text = request.POST.get("schema", "")
                schema, errors = _parse(text)
                if not errors:
                    errors = services.update_draft(version, actor=request.user, schema=schema)
                if errors:
                    return self.get(request, pk, number, text=text, errors=errors, status=400)
                messages.success(request, _("Utkastet har sparats."))
        except CaseActionError as error:
            messages.error(request, error.message)
        return redirect("eforms:editor-version", pk, number)


class PreviewView(EditorMixin, View):
    """htmx endpoint: the posted JSON → validation messages and the rendered form."""

    def post(self, request):
        return render(
            request,
            "eforms/editor/_preview.html",
            {"preview": _preview(request.POST.get("schema", ""))},
        )

    def get(self, request):
        raise Http404


def _parse(text: str):
    try:
        return json.loads(text), []
    except json.JSONDecodeError as error:
        return None, [
            DefinitionError(
                _("JSON"),
                _("fel på rad %(line)s, kolumn %(col)s: %(msg)s")
                % {"line": error.lineno, "col": error.colno, "msg": error.msg},
            )
        ]


def _preview(text: str) -> dict:
    schema, errors = _parse(text)
    if not errors:
        errors = validate_definition(schema)
    pages = []
    if not errors:
        pages = [
            {"title": localise(page.get("title")), "html": render_page(schema, i, {})}
            for i, page in enumerate(schema["pages"])
        ]
    return {"errors": errors, "pages": pages}
