"""Inställningar: an organisation's case configuration as data (org_admin, no code).

Case types with statuses, the transition table (a matrix of checkboxes) and resolutions;
queues (funktioner) with members, groups and rules; priorities, labels and staff groups.
Pages need ``cases.manage_config`` in some organisation (else 403) and in the organisation
in the URL (else 404). Rows are looked up through ``restrict()`` under that organisation, so
another organisation's ids answer 404. Every write goes through a configuration service.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View

from sambruk.cases.errors import CaseActionError
from sambruk.cases.models import Transition
from sambruk.cases.roles import MANAGE_CONFIG
from sambruk.cases.services.config import do_save_transitions
from sambruk.core.authz.permissions import ALL, has_perm, permitted_organisation_ids
from sambruk.core.organisations.models import Organisation

from .common import WorkspaceMixin
from .config_kinds import KINDS, ORG_SECTIONS, Kind


def managed_organisations(user):
    orgs = permitted_organisation_ids(user, MANAGE_CONFIG)
    queryset = Organisation.objects.order_by("name")
    return queryset if orgs == ALL else queryset.filter(pk__in=orgs)


class ConfigMixin(WorkspaceMixin):
    """Resolve the organisation in the URL; 404 unless the user administers it."""

    required_permission = MANAGE_CONFIG

    def setup_org(self, org_pk) -> Organisation:
        organisation = get_object_or_404(Organisation, pk=org_pk)
        if not has_perm(self.request.user, MANAGE_CONFIG, organisation):
            raise Http404
        self.organisation = organisation
        return organisation

    def rows(self, kind: Kind, owner):
        """The rows of ``kind`` under ``owner`` (the organisation, a case type or queue)."""
        return kind.model.objects.restrict(self.request.user, MANAGE_CONFIG).filter(
            **{kind.parent_field: owner}
        )

    def get_row(self, kind: Kind, owner, pk):
        return get_object_or_404(self.rows(kind, owner), pk=pk)

    def org_url(self, slug: str = "") -> str:
        url = reverse("workspace:config_org", args=[self.organisation.pk])
        return f"{url}#{slug}" if slug else url

    def context(self, **extra) -> dict:
        return {"organisation": self.organisation, "org_url": self.org_url(), **extra}


class ConfigIndexView(ConfigMixin, View):
    """Choose the organisation when the user administers several."""

    def get(self, request):
        organisations = list(managed_organisations(request.user)[:500])
        if len(organisations) == 1:
            return redirect("workspace:config_org", org=organisations[0].pk)
        return render(request, "workspace/config/index.html", {"organisations": organisations})


class ConfigOrganisationView(ConfigMixin, View):
    def get(self, request, org):
        organisation = self.setup_org(org)
        sections = []
        for slug in ORG_SECTIONS:
            kind = KINDS[slug]
            rows = self.rows(kind, organisation)
            if slug == "funktioner":
                rows = rows.select_related("orgunit", "default_case_type")
            sections.append({"kind": kind, "rows": list(rows)})
        return render(
            request, "workspace/config/organisation.html", self.context(sections=sections)
        )


class ConfigDetailView(ConfigMixin, View):
    """The page of a case type (statuses, transitions, resolutions) or a queue (rules)."""

    def get(self, request, org, kind, pk):
        organisation = self.setup_org(org)
        kind = KINDS.get(kind)
        if kind is None or not kind.has_page:
            raise Http404
        row = self.get_row(kind, organisation, pk)
        context = self.context(kind=kind, row=row)
        if kind.slug == "arendetyper":
            statuses = list(row.statuses.order_by("order", "pk"))
            context.update(
                statuses=statuses,
                resolutions=list(row.resolutions.all()),
                transitions=list(
                    Transition.objects.filter(case_type=row).select_related(
                        "from_status", "to_status"
                    )
                ),
                has_initial=any(s.is_initial for s in statuses),
            )
            return render(request, "workspace/config/case_type.html", context)
        context.update(
            members=list(row.members.order_by("full_name", "email")),
            groups=list(row.member_groups.all()),
            rules=list(row.rules.all()),
        )
        return render(request, "workspace/config/queue.html", context)


class _KindView(ConfigMixin, View):
    """Resolves organisation, kind, parent (for rows of a case type or queue) and row."""

    def resolve(self, org, kind, parent_kind=None, parent=None, pk=None):
        organisation = self.setup_org(org)
        kind = KINDS.get(kind)
        if kind is None or kind.parent != parent_kind:
            raise Http404
        self.kind, self.parent = kind, None
        owner = organisation
        if parent_kind is not None:
            self.parent = self.get_row(KINDS[parent_kind], organisation, parent)
            owner = self.parent
        self.owner = owner
        self.row = self.get_row(kind, owner, pk) if pk is not None else None

    def back_url(self, saved=None) -> str:
        if self.parent is not None:
            return reverse(
                "workspace:config_detail",
                args=[self.organisation.pk, self.kind.parent, self.parent.pk],
            )
        if saved is not None and self.kind.has_page:
            return reverse(
                "workspace:config_detail", args=[self.organisation.pk, self.kind.slug, saved.pk]
            )
        return self.org_url(self.kind.slug)


class ConfigEditView(_KindView):
    """Create (no ``pk``) or edit a row of any kind."""

    def get(self, request, org, kind, pk=None, parent_kind=None, parent=None):
        self.resolve(org, kind, parent_kind, parent, pk)
        return self.show(self.make_form())

    def post(self, request, org, kind, pk=None, parent_kind=None, parent=None):
        self.resolve(org, kind, parent_kind, parent, pk)
        form = self.make_form(request.POST)
        if form.is_valid():
            try:
                saved = self.kind.save(
                    self.owner,
                    actor=request.user,
                    **{self.kind.instance_kw: self.row},
                    **form.service_kwargs(),
                )
            except CaseActionError as error:
                form.add_error(None, error.message)
            else:
                messages.success(request, _("%(name)s sparades.") % {"name": saved})
                return redirect(self.back_url(saved))
        return self.show(form, status=400)

    def make_form(self, data=None):
        return self.kind.form(
            data, organisation=self.organisation, parent=self.parent, instance=self.row
        )

    def show(self, form, status=200):
        if self.row is None:
            title = self.kind.new_title or _("Ny %(kind)s") % {"kind": self.kind.title}
        else:
            title = _("Ändra %(kind)s: %(name)s") % {"kind": self.kind.title, "name": self.row}
        context = self.context(
            form=form,
            title=title,
            kind=self.kind,
            row=self.row,
            parent=self.parent,
            back_url=self.back_url(),
        )
        return render(
            request=self.request,
            template_name="workspace/config/form.html",
            context=context,
            status=status,
        )


class ConfigDeleteView(_KindView):
    def get(self, request, org, kind, pk, parent_kind=None, parent=None):
        self.resolve(org, kind, parent_kind, parent, pk)
        return self.show()

    def post(self, request, org, kind, pk, parent_kind=None, parent=None):
        self.resolve(org, kind, parent_kind, parent, pk)
        name = str(self.row)
        try:
            self.kind.delete(self.row, actor=request.user)
        except CaseActionError as error:
            return self.show(error=error.message, status=400)
        messages.success(request, _("%(name)s togs bort.") % {"name": name})
        if self.parent is None and self.kind.has_page:
            return redirect(self.org_url(self.kind.slug))
        return redirect(self.back_url())

    def show(self, error="", status=200):
        context = self.context(
            kind=self.kind,
            row=self.row,
            parent=self.parent,
            error=error,
            back_url=self.back_url(self.row),
        )
        return render(self.request, "workspace/config/delete.html", context, status=status)


class TransitionMatrixView(ConfigMixin, View):
    """The allowed-transition table of a case type: from-status rows × to-status columns."""

    def load(self, org, pk):
        organisation = self.setup_org(org)
        self.case_type = self.get_row(KINDS["arendetyper"], organisation, pk)
        self.statuses = list(self.case_type.statuses.order_by("order", "pk"))

    def get(self, request, org, pk):
        self.load(org, pk)
        existing = set(
            Transition.objects.filter(case_type=self.case_type).values_list(
                "from_status_id", "to_status_id"
            )
        )
        return self.show(existing)

    def post(self, request, org, pk):
        self.load(org, pk)
        pairs = set()
        for value in request.POST.getlist("t"):
            a, _sep, b = value.partition("-")
            if a.isdigit() and b.isdigit():
                pairs.add((int(a), int(b)))
        try:
            do_save_transitions(self.case_type, actor=request.user, pairs=sorted(pairs))
        except CaseActionError as error:
            return self.show(pairs, error=error.message, status=400)
        messages.success(request, _("Statusövergångarna sparades."))
        return redirect(
            "workspace:config_detail",
            org=self.organisation.pk,
            kind="arendetyper",
            pk=self.case_type.pk,
        )

    def show(self, checked, error="", status=200):
        matrix = [
            {
                "status": row,
                "cells": [
                    {
                        "to": col,
                        "value": f"{row.pk}-{col.pk}",
                        "self": row.pk == col.pk,
                        "checked": (row.pk, col.pk) in checked,
                    }
                    for col in self.statuses
                ],
            }
            for row in self.statuses
        ]
        context = self.context(
            case_type=self.case_type,
            statuses=self.statuses,
            matrix=matrix,
            error=error,
            back_url=reverse(
                "workspace:config_detail",
                args=[self.organisation.pk, "arendetyper", self.case_type.pk],
            ),
        )
        return render(self.request, "workspace/config/transitions.html", context, status=status)
