"""Alerts (bevakningar): subscribe, confirm by link, one-click unsubscribe."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.csrf import csrf_exempt

from sambruk.core.organisations.models import Organisation

from .. import services
from ..errors import ReportError
from ..models import AlertKind, Report
from .common import client_ip, kommuner, parse_point
from .forms import AlertForm, add_service_error
from .new_report import SESSION_SENT, token_error


class AlertView(View):
    template_name = "fixamingata/alert_form.html"

    def _form(self, *args, **kwargs):
        return AlertForm(
            *args, kommun_choices=[(k.kommunkod, k.name) for k in kommuner()], **kwargs
        )

    def _render(self, request, form, status=200):
        report_pk = form["report"].value()
        report = Report.objects.public().filter(pk=report_pk).first() if report_pk else None
        return render(request, self.template_name, {"form": form, "report": report}, status=status)

    def get(self, request):
        initial = {"radius_m": 1000}
        for key in ("kommun", "lat", "lon"):
            if request.GET.get(key):
                initial[key] = request.GET[key]
        if request.GET.get("rapport", "").isdigit():
            initial.update(report=int(request.GET["rapport"]), kind=AlertKind.REPORT_UPDATES)
        elif request.GET.get("kommun"):
            initial["kind"] = AlertKind.NEW_IN_KOMMUN
        elif request.GET.get("lat"):
            initial["kind"] = AlertKind.RADIUS
        return self._render(request, self._form(initial=initial))

    def post(self, request):
        form = self._form(request.POST)
        if form.is_spam:
            request.session[SESSION_SENT] = request.POST.get("email", "")[:254]
            return redirect("fixamingata:alert_sent")
        if not form.is_valid():
            return self._render(request, form, status=400)
        data = form.cleaned_data
        kind = data["kind"]
        kwargs = {}
        try:
            if kind == AlertKind.NEW_IN_KOMMUN:
                kwargs["kommun"] = Organisation.objects.filter(
                    type="kommun", kommunkod=data["kommun"] or "-"
                ).first()
            elif kind == AlertKind.RADIUS:
                if not (data["lat"] and data["lon"]):
                    raise ReportError(
                        _("Ange en plats och en radie på högst 20 km."), code="invalid_radius"
                    )
                kwargs["lat"], kwargs["lon"] = parse_point(data["lat"], data["lon"])
                kwargs["radius_m"] = data["radius_m"] or 1000
            else:
                kwargs["report"] = Report.objects.public().filter(pk=data["report"] or 0).first()
            user = request.user if request.user.is_authenticated else None
            alert = services.subscribe_alert(
                email=data["email"], kind=kind, user=user, ip=client_ip(request), **kwargs
            )
        except ReportError as error:
            if error.code == "invalid_point":
                form.add_error("lat", str(error))
            else:
                add_service_error(form, error)
            return self._render(request, form, status=400)
        if alert.confirmed:
            messages.success(request, _("Bevakningen är startad."))
            return redirect("fixamingata:start")
        request.session[SESSION_SENT] = alert.email
        return redirect("fixamingata:alert_sent")


def alert_sent(request):
    return render(
        request,
        "fixamingata/check_email.html",
        {"email": request.session.get(SESSION_SENT, ""), "what": "alert"},
    )


def confirm_alert(request, token):
    try:
        alert = services.confirm_alert(token)
    except ReportError as error:
        return token_error(request, error)
    return render(request, "fixamingata/alert_done.html", {"alert": alert, "done": "confirmed"})


@csrf_exempt  # RFC 8058 one-click: the mail client POSTs without a session
def unsubscribe(request, token):
    try:
        alert = services.unsubscribe(token)
    except ReportError as error:
        return token_error(request, error)
    return render(request, "fixamingata/alert_done.html", {"alert": alert, "done": "unsubscribed"})
