"""A report's public page: map, photos, status, timeline; updates; questionnaire answers."""

from __future__ import annotations

from django.contrib import messages
from django.db import transaction
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.http import require_GET

from .. import services
from ..errors import ReportError
from ..models import Questionnaire, Report, ReportPhoto, TokenPurpose
from ..services.common import use_token
from .api import pin_colour
from .common import client_ip, map_config
from .forms import QuestionnaireForm, UpdateForm, add_service_error
from .new_report import SESSION_SENT, _report_of_token, token_error


def public_report(pk) -> Report:
    return get_object_or_404(
        Report.objects.public().select_related("body", "category", "kommun", "duplicate_of"),
        pk=pk,
    )


class ReportPageView(View):
    template_name = "fixamingata/report.html"

    def _render(self, request, report, form, status=200):
        updates = [
            u
            for u in report.updates.filter(confirmed=True, hidden=False).select_related("report")
            if u.text or u.new_state or u.mark_fixed or u.reopen
        ]
        return render(
            request,
            self.template_name,
            {
                "report": report,
                "photos": list(report.photos.all()),
                "updates": updates,
                "form": form,
                "pin_state": pin_colour(report.state),
                "map_config": map_config(
                    mode="show",
                    centre=[report.lat, report.lon],
                    zoom=16,
                    pin=[report.lat, report.lon],
                ),
            },
            status=status,
        )

    def get(self, request, pk):
        report = public_report(pk)
        return self._render(request, report, UpdateForm(user=request.user, report=report))

    def post(self, request, pk):
        report = public_report(pk)
        form = UpdateForm(request.POST, user=request.user, report=report)
        if form.is_spam:
            request.session[SESSION_SENT] = request.POST.get("email", "")[:254]
            return redirect("fixamingata:update_sent", pk=report.pk)
        if not form.is_valid():
            return self._render(request, report, form, status=400)
        data = form.cleaned_data
        user = request.user if request.user.is_authenticated else None
        try:
            update = services.add_update(
                report,
                text=data["text"],
                name=data["name"],
                email=data["email"],
                user=user,
                mark_fixed=data.get("mark_fixed", False),
                reopen=data.get("reopen", False),
                show_name=data["show_name"],
                ip=client_ip(request),
            )
        except ReportError as error:
            add_service_error(form, error)
            return self._render(request, report, form, status=400)
        if update.confirmed:
            messages.success(request, _("Tack! Uppdateringen är publicerad."))
            return redirect("fixamingata:report", pk=report.pk)
        request.session[SESSION_SENT] = update.author_email
        return redirect("fixamingata:update_sent", pk=report.pk)


def update_sent(request, pk):
    report = public_report(pk)
    return render(
        request,
        "fixamingata/check_email.html",
        {"email": request.session.get(SESSION_SENT, ""), "what": "update", "report": report},
    )


@require_GET
def photo(request, pk, order):
    """A photo of a public report (re-encoded JPEG without metadata)."""
    report = public_report(pk)
    row = ReportPhoto.objects.filter(report=report, order=order).first()
    if row is None or not row.image:
        raise Http404
    try:
        handle = row.image.open("rb")
    except (FileNotFoundError, OSError):
        raise Http404 from None
    response = FileResponse(handle, content_type="image/jpeg")
    response["Cache-Control"] = "public, max-age=3600"
    return response


def confirm_update(request, token):
    try:
        update = services.confirm_update(token)
    except ReportError as error:
        return token_error(request, error, report=_report_of_token(token, TokenPurpose.UPDATE))
    messages.success(request, _("Tack! Din uppdatering är bekräftad och publicerad."))
    return redirect("fixamingata:report", pk=update.report_id)


class QuestionnaireView(View):
    template_name = "fixamingata/questionnaire.html"

    def _questionnaire(self, token):
        with transaction.atomic():
            row = use_token(token, TokenPurpose.QUESTIONNAIRE, consume=False)
        return Questionnaire.objects.select_related("report", "report__body").get(pk=row.object_id)

    def _render(self, request, q, form, status=200):
        return render(
            request,
            self.template_name,
            {"questionnaire": q, "report": q.report, "form": form},
            status=status,
        )

    def get(self, request, token):
        try:
            q = self._questionnaire(token)
        except ReportError as error:
            return token_error(request, error)
        return self._render(request, q, QuestionnaireForm())

    def post(self, request, token):
        try:
            q = self._questionnaire(token)
        except ReportError as error:
            return token_error(request, error)
        form = QuestionnaireForm(request.POST)
        if not form.is_valid():
            return self._render(request, q, form, status=400)
        data = form.cleaned_data
        try:
            services.answer_questionnaire(
                token,
                answer=data["answer"],
                ever_reported=data["ever_reported"],
                ask_again=data["ask_again"],
                comment=data["comment"],
            )
        except ReportError as error:
            if error.code.startswith("token_"):
                return token_error(request, error)
            add_service_error(form, error)
            return self._render(request, q, form, status=400)
        messages.success(request, _("Tack för ditt svar!"))
        if q.report.is_public:
            return redirect(reverse("fixamingata:report", kwargs={"pk": q.report_id}))
        return redirect("fixamingata:start")
