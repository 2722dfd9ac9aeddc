"""Caseworker pages for the decision: the decision form on an application, the decided
decision, and its letter. Verified (2FA) staff with ``ekbist.decide`` / ``ekbist.view_decision``
in the application's kommun; another kommun's application answers 404."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from sambruk.core.audit.services import record_read
from sambruk.core.authz.views import PermissionRequiredMixin
from sambruk.ekbist.codes import Forsorjningshinder
from sambruk.ekbist.models import Application, ApplicationState, Decision
from sambruk.ekbist.models.application import ADULT_ROLE_LABELS
from sambruk.ekbist.roles import DECIDE, VIEW_DECISION
from sambruk.ekbist.services.decision import (
    DecisionError,
    decision_basis,
    default_pay_date,
    do_decide,
    month_bounds,
)
from sambruk.ekbist.services.decision_letter import (
    kronor,
    letter_context,
    letter_filename,
    render_letter_pdf,
)
from sambruk.ekbist.services.statistics import hinder_field


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class DecisionForm(forms.Form):
    """One granted amount (and motivation) per proposed item, the period, the motivation and
    the payment date. Amounts are whole kronor."""

    period_from = forms.DateField(label=gettext_lazy("Period från och med"), widget=DateInput())
    period_to = forms.DateField(label=gettext_lazy("Period till och med"), widget=DateInput())
    pay_date = forms.DateField(label=gettext_lazy("Utbetalningsdag"), widget=DateInput())
    motivation = forms.CharField(
        label=gettext_lazy("Motivering"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy("Krävs när ansökan inte bifalls helt (förvaltningslagen 32 §)."),
    )

    def __init__(self, *args, items, application=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.items = items
        self.adult_roles = application.adult_roles() if application is not None else []
        for role in self.adult_roles:
            self.fields[hinder_field(role)] = hinder_choice_field(
                role, initial=application.forsorjningshinder_of(role)
            )
        for item in items:
            self.fields[f"granted_{item.code}"] = forms.IntegerField(
                label=_("Beviljat för %(label)s, kr") % {"label": item.label},
                help_text=_("Sökt: %(applied)s. Beräknat: %(proposed)s.")
                % {"applied": kronor(item.applied), "proposed": kronor(item.proposed)},
                initial=item.proposed,
                error_messages={"invalid": _("Ange ett belopp i hela kronor.")},
            )
            self.fields[f"motivation_{item.code}"] = forms.CharField(
                label=_("Motivering för %(label)s") % {"label": item.label},
                required=False,
                max_length=2000,
            )

    def hinder_fields(self):
        return [self[hinder_field(role)] for role in self.adult_roles]

    def service_hinder(self) -> dict[str, str]:
        return {role: self.cleaned_data.get(hinder_field(role), "") for role in self.adult_roles}

    def item_rows(self):
        return [
            (item, self[f"granted_{item.code}"], self[f"motivation_{item.code}"])
            for item in self.items
        ]

    def service_items(self) -> list[dict]:
        data = self.cleaned_data
        return [
            {
                "code": item.code,
                "granted": data.get(f"granted_{item.code}"),
                "motivation": data.get(f"motivation_{item.code}", ""),
            }
            for item in self.items
        ]

    def add_service_error(self, error: DecisionError) -> None:
        field = error.field
        if field and f"granted_{field}" in self.fields:
            field = f"granted_{field}"
        self.add_error(field if field in self.fields else None, str(error))


def hinder_choice_field(role: str, *, initial: str = "") -> forms.ChoiceField:
    """The select of one adult's försörjningshinder (decision and statistics codes forms)."""
    label = ADULT_ROLE_LABELS.get(role, role)
    return forms.ChoiceField(
        label=_("Försörjningshinder, %(role)s") % {"role": str(label).lower()},
        choices=[("", _("Ej registrerat"))] + list(Forsorjningshinder.choices),
        required=False,
        initial=initial,
        help_text=_("Socialstyrelsens statistik: försörjningshindret för %(role)s under månaden.")
        % {"role": str(label).lower()},
        error_messages={
            "invalid_choice": _("Välj ett försörjningshinder i listan för %(role)s.")
            % {"role": str(label).lower()}
        },
    )


def _application(user, pk, permission) -> Application:
    app = (
        Application.objects.restrict(user, permission)
        .select_related("organisation", "case")
        .filter(pk=pk)
        .first()
    )
    if app is None:
        raise Http404
    return app


class DecideView(PermissionRequiredMixin, View):
    required_permission = DECIDE

    def _context(self, application, form, basis, error=None):
        return {
            "application": application,
            "form": form,
            "basis": basis,
            "calculation": basis.calculation if basis else None,
            "basis_error": error,
            "case_url": reverse("workspace:case", args=[application.case_id])
            if application.case_id
            else "",
            "decisions": application.decisions.order_by("-decided_at"),
        }

    def _basis(self, application):
        try:
            return decision_basis(application), None
        except DecisionError as error:
            return None, str(error)

    def get(self, request, pk):
        application = _application(request.user, pk, DECIDE)
        record_read(
            actor=request.user,
            obj=application,
            person=_applicant_person(application),
            organisation=application.organisation_id,
            purpose=_("Beslutsunderlag, ekonomiskt bistånd"),
        )
        basis, error = self._basis(application)
        form = None
        if basis and application.state == ApplicationState.SUBMITTED:
            first, last = month_bounds(application.period)
            form = DecisionForm(
                items=basis.items,
                application=application,
                initial={"period_from": first, "period_to": last, "pay_date": default_pay_date()},
            )
        return render(
            request, "ekbist/decision/decide.html", self._context(application, form, basis, error)
        )

    def post(self, request, pk):
        application = _application(request.user, pk, DECIDE)
        basis, error = self._basis(application)
        if basis is None or application.state != ApplicationState.SUBMITTED:
            messages.error(request, error or _("Ansökan kan inte beslutas i sitt nuvarande läge."))
            return redirect("ekbist:decide", pk=pk)
        form = DecisionForm(request.POST, items=basis.items, application=application)
        if form.is_valid():
            try:
                decision = do_decide(
                    application,
                    actor=request.user,
                    items=form.service_items(),
                    period_from=form.cleaned_data["period_from"],
                    period_to=form.cleaned_data["period_to"],
                    motivation=form.cleaned_data["motivation"],
                    pay_date=form.cleaned_data["pay_date"],
                    forsorjningshinder=form.service_hinder(),
                )
            except DecisionError as service_error:
                form.add_service_error(service_error)
            else:
                messages.success(
                    request,
                    _("Beslutet är fattat (%(outcome)s). Beslutsbrevet finns på ärendet.")
                    % {"outcome": decision.get_outcome_display()},
                )
                return redirect("ekbist:decision", pk=decision.pk)
        return render(
            request,
            "ekbist/decision/decide.html",
            self._context(application, form, basis),
            status=400,
        )


def _applicant_person(application):
    from sambruk.core.persons.models import Person

    return Person.objects.filter(civic_number=application.applicant).first()


def _decision(user, pk) -> Decision:
    decision = (
        Decision.objects.restrict(user, VIEW_DECISION)
        .select_related("application", "case", "organisation", "decided_by")
        .filter(pk=pk)
        .first()
    )
    if decision is None:
        raise Http404
    return decision


class DecisionDetailView(PermissionRequiredMixin, View):
    required_permission = VIEW_DECISION

    def get(self, request, pk):
        decision = _decision(request.user, pk)
        record_read(
            actor=request.user,
            obj=decision,
            person=_applicant_person(decision.application),
            organisation=decision.organisation_id,
            purpose=_("Visning av beslut om ekonomiskt bistånd"),
        )
        context = letter_context(decision)
        context["case_url"] = reverse("workspace:case", args=[decision.case_id])
        return render(request, "ekbist/decision/detail.html", context)


class DecisionLetterView(PermissionRequiredMixin, View):
    required_permission = VIEW_DECISION

    def get(self, request, pk):
        decision = _decision(request.user, pk)
        record_read(
            actor=request.user,
            obj=decision,
            person=_applicant_person(decision.application),
            organisation=decision.organisation_id,
            purpose=_("Beslutsbrev, ekonomiskt bistånd"),
        )
        response = HttpResponse(render_letter_pdf(decision), content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="{letter_filename(decision)}"'
        return response
