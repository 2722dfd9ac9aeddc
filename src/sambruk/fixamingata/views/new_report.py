"""The report flow: place → category → possible duplicates → details → confirmation."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.db.models import Q
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View

from .. import services
from ..attributes import definition
from ..errors import ReportError
from ..models import ConfirmationToken, Report, TokenPurpose
from ..routing import categories_for_point, kommun_for_point
from .api import kommun_centre
from .common import client_ip, kommuner, map_config, nearby_open, parse_point
from .forms import LocationForm, ReportForm, add_service_error

SESSION_SENT = "fmg_sent_to"


def _attribute_answers(post, category) -> dict:
    prefix = f"attr-{category.pk}-"
    answers = {}
    for attr in definition(category):
        key = prefix + attr["code"]
        if attr["datatype"] == "multivaluelist":
            answers[attr["code"]] = post.getlist(key)
        else:
            answers[attr["code"]] = post.get(key, "")
    return answers


def _attribute_fields(category, posted) -> list[dict]:
    """The category's questions with their input names and the values posted so far."""
    fields = []
    for attr in definition(category):
        if not attr["variable"]:
            continue
        name = f"attr-{category.pk}-{attr['code']}"
        values = posted.getlist(name) if posted is not None else []
        fields.append(
            {**attr, "name": name, "value": values[0] if values else "", "chosen": values}
        )
    return fields


def _search_point(q: str):
    """First match of a place search (kommun name, then street of a report)."""
    q = " ".join((q or "").split())[:100]
    if len(q) < 2:
        return None
    org = kommuner().filter(name__icontains=q).first()
    if org is not None and kommun_centre(org.kommunkod):
        return kommun_centre(org.kommunkod)
    row = (
        Report.objects.public()
        .filter(Q(address_string__icontains=q) | Q(title__icontains=q))
        .values_list("lat", "lon")
        .first()
    )
    return tuple(row) if row else None


class ReportView(View):
    template_name = "fixamingata/report_form.html"

    def _location(self, data):
        """(lat, lon, kommun, categories, error) from lat/lon, a kommun or a search."""
        lat, lon = data.get("lat", ""), data.get("lon", "")
        if not (str(lat).strip() and str(lon).strip()):
            point = None
            if data.get("kommun"):
                point = kommun_centre(data.get("kommun"))
            elif data.get("q"):
                point = _search_point(data.get("q"))
                if point is None:
                    return None, None, None, [], _("Hittade ingen plats som heter så.")
            if point is None:
                return None, None, None, [], ""
            lat, lon = point
        try:
            lat, lon = parse_point(lat, lon)
            kommun = kommun_for_point(lat, lon)
            cats = categories_for_point(lat, lon)
        except ReportError as error:
            return None, None, None, [], str(error)
        return lat, lon, kommun, cats, ""

    def _render(self, request, form, lat, lon, kommun, cats, location_error, status=200):
        location_form = LocationForm(
            initial={
                "lat": "" if lat is None else lat,
                "lon": "" if lon is None else lon,
                "kommun": kommun.kommunkod if kommun else "",
            },
            kommun_choices=[(k.kommunkod, k.name) for k in kommuner()],
            auto_id="plats_%s",
        )
        selected = str(form["category"].value() or "")
        posted = request.POST if request.method == "POST" else None
        attr_groups = [
            {
                "category": c,
                "attributes": _attribute_fields(c, posted),
                "selected": str(c.pk) == selected,
            }
            for c in cats
            if c.attributes
        ]
        config = map_config(
            mode="report",
            categoriesUrl=reverse("fixamingata:categories"),
            nearbyUrl=reverse("fixamingata:nearby"),
            searchUrl=reverse("fixamingata:search"),
        )
        if lat is not None:
            config.update(centre=[lat, lon], zoom=16, pin=[lat, lon])
        return render(
            request,
            self.template_name,
            {
                "form": form,
                "location_form": location_form,
                "lat": lat,
                "lon": lon,
                "kommun": kommun,
                "categories": cats,
                "attr_groups": attr_groups,
                "nearby": nearby_open(lat, lon) if lat is not None else [],
                "location_error": location_error,
                "map_config": config,
            },
            status=status,
        )

    def get(self, request):
        lat, lon, kommun, cats, error = self._location(request.GET)
        form = ReportForm(
            initial={
                "lat": lat or "",
                "lon": lon or "",
                "idempotency_key": uuid.uuid4().hex,
                "category": request.GET.get("category", ""),
            },
            categories=cats,
            user=request.user,
        )
        return self._render(request, form, lat, lon, kommun, cats, error)

    def post(self, request):
        lat, lon, kommun, cats, error = self._location(request.POST)
        form = ReportForm(request.POST, request.FILES, categories=cats, user=request.user)
        if form.is_spam:
            request.session[SESSION_SENT] = request.POST.get("email", "")[:254]
            return redirect("fixamingata:report_sent")
        valid = form.is_valid()
        if lat is None:
            form.add_error(None, error or _("Välj en plats på kartan eller ange en kommun."))
            valid = False
        if not valid:
            return self._render(request, form, lat, lon, kommun, cats, error, status=400)
        data = form.cleaned_data
        category = data["category"]
        user = request.user if request.user.is_authenticated else None
        try:
            report = services.submit_report(
                lat=lat,
                lon=lon,
                category=category,
                title=data["title"],
                detail=data["detail"],
                photos=[p for p in form.photos() if p],
                name=data["name"],
                email=data["email"],
                phone=data["phone"],
                show_name=data["show_name"],
                user=user,
                ip=client_ip(request),
                idempotency_key=data["idempotency_key"],
                attributes=_attribute_answers(request.POST, category),
            )
        except ReportError as error:
            add_service_error(form, error)
            return self._render(request, form, lat, lon, kommun, cats, "", status=400)
        if report.is_public:
            messages.success(
                request,
                _("Tack! Rapporten är skickad till %(body)s.") % {"body": report.body.name},
            )
            return redirect("fixamingata:report", pk=report.pk)
        request.session[SESSION_SENT] = report.reporter_email or data["email"]
        return redirect("fixamingata:report_sent")


def report_sent(request):
    """ "Kolla din e-post": the report waits for its confirmation link."""
    return render(
        request,
        "fixamingata/check_email.html",
        {"email": request.session.get(SESSION_SENT, ""), "what": "report"},
    )


def token_error(request, error: ReportError, *, report=None):
    return render(
        request,
        "fixamingata/token_error.html",
        {"message": str(error), "code": error.code, "report": report},
        status=410 if error.code in ("token_used", "token_expired", "already_confirmed") else 404,
    )


def _report_of_token(token: str, purpose: str):
    row = ConfirmationToken.objects.filter(token=token, purpose=purpose).first()
    if row is None:
        return None
    if purpose == TokenPurpose.REPORT:
        return Report.objects.public().filter(pk=row.object_id).first()
    from ..models import Update

    update = Update.objects.filter(pk=row.object_id).first()
    return update.report if update and update.report.is_public else None


def confirm_report(request, token):
    try:
        report = services.confirm_report(token)
    except ReportError as error:
        return token_error(request, error, report=_report_of_token(token, TokenPurpose.REPORT))
    messages.success(
        request,
        _("Tack! Din rapport är bekräftad och skickad till %(body)s.") % {"body": report.body.name},
    )
    return redirect("fixamingata:report", pk=report.pk)
