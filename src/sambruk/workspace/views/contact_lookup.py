""" "Hämta uppgifter" in the add-contact form: name and address from the configured register.

``POST /arenden/<pk>/kontaktuppslag/`` with the form's values (htmx from the button, or the
form itself without JavaScript): the add-contact form again, with the name and address of
the person filled in and a status line. The lookup itself (register plugin, protection,
audit) is the channel's ``lookup_contact``; nothing is saved here.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views import View

from sambruk.cases.actions import available_actions

from .. import operations
from ..contact_lookup import address_line, look_up, may_look_up, status_message
from .case import _tab
from .common import WorkspaceMixin, get_case

KEPT = ("name", "email", "phone", "address", "role", "note")


class ContactLookupView(WorkspaceMixin, View):
    def post(self, request, pk):
        user = request.user
        operation = operations.get("add_contact")
        if operation is None:
            raise Http404
        case = get_case(user, pk)
        if not may_look_up(user, case):
            raise PermissionDenied
        initial = {name: request.POST.get(name, "") for name in KEPT}
        civic_number = request.POST.get("civic_number", "").strip()[:20]
        initial["civic_number"] = civic_number
        if not civic_number:
            status = ("error", _("Skriv personnumret först."))
        else:
            try:
                data = look_up(civic_number, user=user, case=case)
            except ValidationError as exc:
                status = ("error", " ".join(exc.messages))
            else:
                status = status_message(data)
                if data is not None:
                    initial.update(
                        civic_number=data["civic_number"],
                        name=data["full_name"],
                        address=address_line(data),  # empty when hidden
                    )
        form = operation.form(case=case, user=user, initial=initial)
        version = request.POST.get("version", "")
        if version.isdigit():  # keep the version the user saw: a stale page is still refused
            form.initial["version"] = int(version)
        context = {
            "case": case,
            "operation": operation,
            "form": form,
            "tab": _tab(request),
            "allowed": operation.name in available_actions(case, user),
            "lookup_status": status,
        }
        if request.htmx:
            return render(request, "workspace/case/_action_form.html", context)
        return render(request, "workspace/case/action.html", context)
