"""Logguppföljning: who accessed what about one person, and when (with CSV export)."""

from __future__ import annotations

import csv

from django.http import StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View

from sambruk.core.authz.permissions import permitted_organisation_ids
from sambruk.core.authz.views import PermissionRequiredMixin
from sambruk.core.persons.models import Person
from sambruk.core.persons.personnummer import Personnummer

from .forms import PersonLogForm
from .models import AuditAction
from .queries import events_for_person
from .services import record

PAGE_LIMIT = 1000


class PersonLogView(PermissionRequiredMixin, View):
    required_permission = "audit.view_auditevent"

    def get(self, request):
        form = PersonLogForm(request.GET or None)
        context = {"form": form, "events": None}
        if request.GET and form.is_valid():
            pnr = form.cleaned_data["personnummer"]
            events = list(
                events_for_person(
                    request.user,
                    pnr,
                    since=form.cleaned_data["since"],
                    until=form.cleaned_data["until"],
                )[: PAGE_LIMIT + 1]
            )
            self._audit(request, pnr, form.cleaned_data["purpose"], AuditAction.READ)
            context.update(
                events=events[:PAGE_LIMIT],
                truncated=len(events) > PAGE_LIMIT,
                masked=Personnummer(pnr).masked(),
                query=request.GET.urlencode(),
            )
        return render(request, "audit/person_log.html", context)

    def _audit(self, request, pnr, purpose, action):
        person = Person.objects.filter(civic_number=pnr).first()
        orgs = permitted_organisation_ids(request.user, self.required_permission)
        org = next(iter(orgs)) if isinstance(orgs, set) and len(orgs) == 1 else None
        # The civic number is kept on the event even when no Person row exists.
        record(
            action,
            actor=request.user,
            object_type="audit.personlog",
            object_id=pnr,
            person=person,
            person_civic_number=pnr,
            organisation=org,
            purpose=purpose or _("Logguppföljning"),
        )


class _Echo:
    def write(self, value):
        return value


class PersonLogExportView(PersonLogView):
    def get(self, request):
        form = PersonLogForm(request.GET or None)
        if not form.is_valid():
            return render(
                request, "audit/person_log.html", {"form": form, "events": None}, status=400
            )
        pnr = form.cleaned_data["personnummer"]
        events = events_for_person(
            request.user, pnr, since=form.cleaned_data["since"], until=form.cleaned_data["until"]
        )
        self._audit(request, pnr, form.cleaned_data["purpose"], AuditAction.EXPORT)
        writer = csv.writer(_Echo(), delimiter=";")
        header = [
            _("Tidpunkt"),
            _("Användare"),
            _("Organisation"),
            _("Händelse"),
            _("Objekttyp"),
            _("Objekt-id"),
            _("Objekt"),
            _("Syfte"),
            _("IP-adress"),
            _("Ändrade fält"),
        ]

        def rows():
            yield "\ufeff"  # BOM so Excel opens UTF-8 correctly
            yield writer.writerow(header)
            for e in events.iterator(chunk_size=2000):
                yield writer.writerow(
                    [
                        timezone.localtime(e.at).strftime("%Y-%m-%d %H:%M:%S"),
                        e.actor_label,
                        e.organisation.name if e.organisation else "",
                        e.get_action_display(),
                        e.object_type,
                        e.object_id,
                        e.object_repr,
                        e.purpose,
                        e.ip_address or "",
                        ", ".join(sorted(e.changes)) if isinstance(e.changes, dict) else "",
                    ]
                )

        stamp = timezone.localdate().isoformat()
        response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="logguppfoljning-{stamp}.csv"'
        return response
