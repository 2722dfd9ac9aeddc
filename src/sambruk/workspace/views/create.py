"""Create a case (open at once or as a draft)."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views import View

from sambruk.cases import services
from sambruk.cases.errors import CaseActionError

from ..forms import CreateCaseForm
from .common import WorkspaceMixin


class CreateCaseView(WorkspaceMixin, View):
    required_permission = "cases.create_case"

    def get(self, request):
        return self.render(request, CreateCaseForm(user=request.user))

    def post(self, request):
        form = CreateCaseForm(request.POST, user=request.user)
        draft = "utkast" in request.POST
        if form.is_valid():
            data = form.cleaned_data
            try:
                case = services.do_create(
                    actor=request.user,
                    queue=data["queue"],
                    case_type=data["case_type"],
                    title=data["title"],
                    description=data.get("description") or "",
                    priority=data.get("priority"),
                    due_date=data.get("due_date"),
                    draft=draft,
                )
            except CaseActionError as error:
                form.add_error(None, error.message)
            else:
                text = _("Utkastet %(ref)s sparades.") if draft else _("Ärendet %(ref)s skapades.")
                messages.success(request, text % {"ref": case.reference})
                return redirect("workspace:case", pk=case.pk)
        return self.render(request, form, status=400)

    def render(self, request, form, status=200):
        return render(request, "workspace/create.html", {"form": form}, status=status)
