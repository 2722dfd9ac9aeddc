"""Multifråga pages: the query form on an application case and the stored snapshots.

Only staff with ``ekbist.run_multifraga`` (query) or ``ekbist.view_multifragaquery`` (read a
snapshot) in the application's kommun, logged in with a verified second factor; a user who
has not given the second factor gets a clear refusal (403) instead of the agencies' data.
"""

from __future__ import annotations

from django import forms
from django.contrib.auth.mixins import AccessMixin
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from sambruk.core.authz.permissions import has_perm

from ..models import Application, ApplicationState, MultifragaQuery
from ..roles import RUN_MULTIFRAGA, VIEW_MULTIFRAGA
from ..services import multifraga as mf
from ..ssbtek.types import AGENCIES, AGENCY_NAMES

ERROR_FIELDS = {"persons", "agencies", "period", "purpose"}


class SecondFactorRequiredMixin(AccessMixin):
    """Logged-in staff with ``required_permission`` somewhere and a verified second factor."""

    required_permission: str = ""

    def dispatch(self, request, *args, **kwargs):
        user = request.user
        if not user.is_authenticated:
            return self.handle_no_permission()
        if not mf.is_verified(user):
            return render(
                request,
                "ekbist/multifraga/refused.html",
                {"otp_url": reverse("accounts:otp") + f"?next={request.path}"},
                status=403,
            )
        if not has_perm(user, self.required_permission):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class MultifragaForm(forms.Form):
    persons = forms.MultipleChoiceField(
        label=gettext_lazy("Personer"),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": gettext_lazy("Välj minst en person.")},
    )
    agencies = forms.MultipleChoiceField(
        label=gettext_lazy("Myndigheter"),
        choices=[(code, AGENCY_NAMES[code]) for code in AGENCIES],
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": gettext_lazy("Välj minst en myndighet.")},
    )
    period_from = forms.DateField(
        label=gettext_lazy("Period från"),
        widget=DateInput(),
        error_messages={
            "required": gettext_lazy("Ange periodens första dag."),
            "invalid": gettext_lazy("Ange datumet som ÅÅÅÅ-MM-DD."),
        },
    )
    period_to = forms.DateField(
        label=gettext_lazy("Period till och med"),
        widget=DateInput(),
        error_messages={
            "required": gettext_lazy("Ange periodens sista dag."),
            "invalid": gettext_lazy("Ange datumet som ÅÅÅÅ-MM-DD."),
        },
    )
    purpose = forms.CharField(
        label=gettext_lazy("Syfte med frågan"),
        max_length=mf.MAX_PURPOSE,
        help_text=gettext_lazy(
            "Skrivs i loggen och skickas till myndigheterna, t.ex. "
            "”Utredning av ansökan om ekonomiskt bistånd för december”."
        ),
        error_messages={"required": gettext_lazy("Ange syftet med frågan.")},
    )

    def __init__(self, *args, persons=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.household = list(persons)
        self.entered: dict[int, str] = {}  # member index → personnummer typed in (cleaned)
        self.member_values: dict[str, int] = {}  # checkbox value → member index
        choices = []
        for p in self.household:
            if p.civic_number:
                choices.append((p.civic_number, f"{p.role_label}: {p.name} {p.masked}".strip()))
                continue
            value = f"member-{p.index}"
            self.member_values[value] = p.index
            label = f"{p.role_label}: {p.name}".strip()
            if p.birth_date:
                label += " " + _("(född %(date)s)") % {"date": p.birth_date}
            choices.append((value, label))
            self.fields[mf.member_field(p.index)] = forms.CharField(
                label=_("Personnummer för %(who)s") % {"who": p.name or p.role_label.lower()},
                required=False,
                max_length=20,
                help_text=gettext_lazy(
                    "Saknas i ansökan. Ange personnumret (ÅÅÅÅMMDD-NNNN) för att kunna fråga "
                    "om personen."
                ),
                widget=forms.TextInput(
                    attrs={
                        "autocomplete": "off",
                        "aria-describedby": f"id_{mf.member_field(p.index)}-hint",
                    }
                ),
            )
        self.fields["persons"].choices = choices
        self.without_number = [p for p in self.household if not p.civic_number]

    def person_rows(self):
        """Each person's checkbox, with the personnummer field of a member who has none."""
        rows = []
        for choice in self["persons"]:
            index = self.member_values.get(str(choice.data["value"]))
            rows.append((choice, self[mf.member_field(index)] if index is not None else None))
        return rows

    def clean(self):
        data = super().clean()
        household = list(self.household)
        chosen = set(data.get("persons") or [])
        for value, index in self.member_values.items():
            field = mf.member_field(index)
            raw = (data.get(field) or "").strip()
            person = household[index]
            if not raw:
                if value in chosen:
                    self.add_error(
                        field,
                        _("Ange personnumret för att kunna fråga om %(who)s.")
                        % {"who": person.name or person.role_label.lower()},
                    )
                continue
            try:
                household[index] = mf.with_entered_number(person, raw, household)
            except mf.MultifragaError as exc:
                self.add_error(field, exc.message)
                continue
            self.entered[index] = household[index].civic_number
        if "persons" in data:
            data["persons"] = [
                household[self.member_values[v]].civic_number if v in self.member_values else v
                for v in data["persons"]
            ]
        for index in self.member_values.values():
            field = mf.member_field(index)
            if self.has_error(field):
                self.fields[field].widget.attrs["aria-describedby"] = (
                    f"id_{field}-hint id_{field}-error"
                )
                self.fields[field].widget.attrs["aria-invalid"] = "true"
        return data


def _application(user, pk, permission) -> Application:
    return get_object_or_404(
        Application.objects.restrict(user, permission)
        .exclude(state=ApplicationState.DRAFT)
        .select_related("case", "organisation"),
        pk=pk,
    )


class MultifragaView(SecondFactorRequiredMixin, View):
    required_permission = RUN_MULTIFRAGA
    template_name = "ekbist/multifraga/form.html"

    def _render(self, request, application, form, status=200, error=""):
        return render(
            request,
            self.template_name,
            {
                "application": application,
                "form": form,
                "error": error,
                "legal_basis": mf.LEGAL_BASIS,
                "overview_url": reverse("ekbist:overview", args=[application.pk]),
            },
            status=status,
        )

    def get(self, request, pk):
        application = _application(request.user, pk, RUN_MULTIFRAGA)
        persons = mf.household_persons(application)
        start, end = mf.default_period(application)
        form = MultifragaForm(
            persons=persons,
            initial={
                "persons": [p.civic_number for p in persons if p.civic_number][:2],
                "agencies": list(AGENCIES),
                "period_from": start,
                "period_to": end,
            },
        )
        return self._render(request, application, form)

    def post(self, request, pk):
        application = _application(request.user, pk, RUN_MULTIFRAGA)
        form = MultifragaForm(request.POST, persons=mf.household_persons(application))
        if not form.is_valid():
            return self._render(request, application, form, status=400)
        data = form.cleaned_data
        try:
            query = mf.run_multifraga(
                application,
                actor=request.user,
                persons=data["persons"],
                agencies=data["agencies"],
                period_from=data["period_from"],
                period_to=data["period_to"],
                purpose=data["purpose"],
                entered_numbers=form.entered,
            )
        except mf.MultifragaError as exc:
            if exc.code in ("permission", "second_factor"):
                raise PermissionDenied(exc.message) from exc
            if exc.field in ERROR_FIELDS or exc.field in form.fields:
                form.add_error("period_from" if exc.field == "period" else exc.field, exc.message)
                return self._render(request, application, form, status=400)
            return self._render(request, application, form, status=409, error=exc.message)
        return redirect("ekbist:multifraga_result", pk=query.pk)


class SnapshotView(SecondFactorRequiredMixin, View):
    """One stored Multifråga: the structured overview per person and agency (audited read)."""

    required_permission = VIEW_MULTIFRAGA

    def get(self, request, pk):
        query = get_object_or_404(
            MultifragaQuery.objects.restrict(request.user, VIEW_MULTIFRAGA).select_related(
                "case", "actor", "application"
            ),
            pk=pk,
        )
        mf.record_snapshot_read(query, actor=request.user)
        persons = query.result.get("persons") or []
        return render(
            request,
            "ekbist/multifraga/result.html",
            {
                "query": query,
                "persons": persons,
                "agency_names": AGENCY_NAMES,
                "overview_url": (
                    reverse("ekbist:overview", args=[query.application_id])
                    if query.application_id
                    else ""
                ),
                "case_url": reverse("workspace:case", args=[query.case_id]),
            },
        )
