"""Staff actions on a report from the workspace case page (the FixaMinGata panel).

The panel (``fixamingata/staff/case_panel.html``, rendered by the template tag
:func:`sambruk.fixamingata.templatetags.fixamingata_staff.fixamingata_case_panel`) shows the
report of a Felanmälan case and links to three actions, each with its own view here:

* :class:`ReplyView` – a public reply (optionally from a response template, with a new public
  state, posted as the body without the staff member's name): ``services.add_update``;
* :class:`DuplicateView` – mark the report a duplicate of another report of the same body:
  ``services.set_state(state=duplicate, duplicate_of=…)``;
* :class:`MoveView` – change the category, to another body's category moves the report:
  ``services.move_report``.

Authorisation: ``fixamingata.change_report`` in the body's organisation (``restrict``); a
report of another organisation is 404. GET shows the form (an htmx partial in the panel, or
a page); POST runs the service and goes back to the case (htmx: ``HX-Redirect``).
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django_htmx.http import HttpResponseClientRedirect

from sambruk.cases.errors import CaseActionError
from sambruk.core.authz.views import PermissionRequiredMixin

from .. import services
from ..errors import ReportError
from ..models import PUBLIC_STATES, Category, Report, ReportState, ResponseTemplate
from ..roles import CHANGE_REPORT
from ..routing import categories_for_point
from .common import NEARBY_RADIUS_M, box_around, distance_m

#: States a public reply may set (a duplicate needs its original: the duplicate action).
REPLY_STATES = [s for s in ReportState if s in PUBLIC_STATES and s != ReportState.DUPLICATE]
DUPLICATE_SUGGESTIONS = 10


def staff_report(user, pk) -> Report:
    """The report if ``user`` may change it (its body's organisation), else 404."""
    report = (
        Report.objects.restrict(user, CHANGE_REPORT)
        .select_related("body", "category", "case", "duplicate_of")
        .filter(pk=pk)
        .first()
    )
    if report is None:
        raise Http404
    return report


def as_body_label(report) -> str:
    if report.body.national:
        return _("Publicera som %(body)s (utan mitt namn)") % {"body": report.body.name}
    return _("Publicera som kommunen (utan mitt namn)")


# --- forms ----------------------------------------------------------------------------
class ReplyForm(forms.Form):
    template = forms.ModelChoiceField(
        label=gettext_lazy("Svarsmall"),
        queryset=ResponseTemplate.objects.none(),
        required=False,
        empty_label=gettext_lazy("Ingen mall"),
        help_text=gettext_lazy(
            "Mallen fyller i texten (och statusen om mallen anger en). Lämnar du texten tom "
            "används mallens text."
        ),
    )
    text = forms.CharField(
        label=gettext_lazy("Svar (visas offentligt)"),
        widget=forms.Textarea(attrs={"rows": 5}),
        required=False,
        max_length=4000,
    )
    new_state = forms.ChoiceField(label=gettext_lazy("Ny offentlig status"), required=False)
    as_body = forms.BooleanField(required=False)

    def __init__(self, *args, report, **kwargs):
        super().__init__(*args, **kwargs)
        self.report = report
        self.fields["template"].queryset = ResponseTemplate.objects.filter(
            body=report.body, active=True
        )
        self.fields["new_state"].choices = [
            ("", _("Oförändrad (%(state)s)") % {"state": report.get_state_display()})
        ] + [(s.value, s.label) for s in REPLY_STATES]
        self.fields["as_body"].label = as_body_label(report)

    def clean(self):
        data = super().clean()
        template = data.get("template")
        if template is not None and not (data.get("text") or "").strip():
            # Chosen without "Hämta mallen" (no JavaScript): the template's text and state.
            data["text"] = template.text
            if not data.get("new_state") and template.state in {s.value for s in REPLY_STATES}:
                data["new_state"] = template.state
        if not self.errors and not (data.get("text") or "").strip() and not data.get("new_state"):
            raise forms.ValidationError(_("Skriv ett svar eller välj en ny status."))
        return data


class DuplicateForm(forms.Form):
    original = forms.CharField(
        label=gettext_lazy("Ursprungsrapportens nummer"),
        required=False,
        max_length=40,
        help_text=gettext_lazy("Rapportnumret, eller välj en av rapporterna i närheten nedan."),
    )
    suggested = forms.TypedChoiceField(
        label=gettext_lazy("Öppna rapporter inom 250 meter"),
        required=False,
        coerce=int,
        widget=forms.RadioSelect,
    )
    text = forms.CharField(
        label=gettext_lazy("Meddelande (visas offentligt)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=4000,
    )

    def __init__(self, *args, report, **kwargs):
        super().__init__(*args, **kwargs)
        self.report = report
        self.nearby = nearby_same_body(report)
        self.fields["suggested"].choices = [
            (r.pk, f"{r.service_request_id or r.pk}: {r.title} ({r.distance_m} m)")
            for r in self.nearby
        ]
        if not self.nearby:
            del self.fields["suggested"]

    def clean_original(self):
        raw = (self.cleaned_data.get("original") or "").strip().lstrip("#")
        if not raw:
            return None
        original = (
            Report.objects.public().select_related("body").filter(service_request_id=raw).first()
        )
        if original is None and raw.isdigit():
            original = Report.objects.public().select_related("body").filter(pk=raw).first()
        if original is None:
            raise forms.ValidationError(
                _("Det finns ingen offentlig rapport med nummer %(n)s.") % {"n": raw}
            )
        return original

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        original = data.get("original")
        if original is None and data.get("suggested"):
            original = Report.objects.public().filter(pk=data["suggested"]).first()
        if original is None:
            raise forms.ValidationError(_("Ange vilken rapport det är en dubblett av."))
        report = self.report
        if original.pk == report.pk:
            raise forms.ValidationError(_("En rapport kan inte vara en dubblett av sig själv."))
        if original.body_id != report.body_id:
            raise forms.ValidationError(
                _("Rapport %(n)s tas emot av %(body)s, inte av %(own)s.")
                % {"n": original.pk, "body": original.body.name, "own": report.body.name}
            )
        if original.state == ReportState.DUPLICATE or original.duplicate_of_id:
            raise forms.ValidationError(
                _("Rapport %(n)s är själv en dubblett. Välj den ursprungliga rapporten.")
                % {"n": original.pk}
            )
        data["original_report"] = original
        return data


class CategoryChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{obj.body.name}: {obj.name}"


class MoveForm(forms.Form):
    category = CategoryChoiceField(
        label=gettext_lazy("Kategori"),
        queryset=Category.objects.none(),
        help_text=gettext_lazy(
            "Kategorierna som erbjuds på rapportens plats. En annan mottagares kategori "
            "flyttar rapporten och ärendet dit."
        ),
    )
    note = forms.CharField(
        label=gettext_lazy("Anteckning till mottagaren (visas inte offentligt)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=2000,
    )

    def __init__(self, *args, report, **kwargs):
        super().__init__(*args, **kwargs)
        try:
            offered = categories_for_point(report.lat, report.lon)
        except ReportError:
            offered = []
        ids = [c.pk for c in offered]
        self.fields["category"].queryset = (
            Category.objects.filter(pk__in=ids)
            .select_related("body")
            .order_by("body__national", "body__name", "order", "name")
        )
        self.fields["category"].initial = report.category_id


def nearby_same_body(report, *, radius_m=NEARBY_RADIUS_M) -> list[Report]:
    """Open public reports of the report's body within ``radius_m``, nearest first (not the
    report itself, nor reports that are duplicates themselves)."""
    from ..models import OPEN_STATES

    south, west, north, east = box_around(report.lat, report.lon, radius_m)
    rows = (
        Report.objects.public()
        .filter(body_id=report.body_id, state__in=list(OPEN_STATES), duplicate_of__isnull=True)
        .exclude(pk=report.pk)
        .in_bbox(south, west, north, east)
        .order_by("-created_at")[:200]
    )
    found = []
    for r in rows:
        d = distance_m(report.lat, report.lon, r.lat, r.lon)
        if d <= radius_m:
            r.distance_m = round(d)
            found.append(r)
    found.sort(key=lambda r: r.distance_m)
    return found[:DUPLICATE_SUGGESTIONS]


# --- views ----------------------------------------------------------------------------
class StaffActionView(PermissionRequiredMixin, View):
    """GET: the form (htmx partial or page). POST: run the service, back to the case."""

    required_permission = CHANGE_REPORT
    form_class: type[forms.Form]
    name = ""
    title = ""
    submit_label = ""

    def get_form(self, report, data=None):
        return self.form_class(data, report=report)

    def get(self, request, pk):
        report = staff_report(request.user, pk)
        return self.render_form(request, report, self.get_form(report))

    def post(self, request, pk):
        report = staff_report(request.user, pk)
        case_id = report.case_id
        form = self.get_form(report, request.POST)
        if form.is_valid():
            try:
                notice = self.run(request, report, form.cleaned_data)
            except (ReportError, CaseActionError) as error:
                form.add_error(None, error.message)
            else:
                return self.back_to_case(request, report, case_id, notice)
        return self.render_form(request, report, form, failed=True)

    def run(self, request, report, data) -> str:  # pragma: no cover - abstract
        raise NotImplementedError

    def back_to_case(self, request, report, case_id, notice):
        messages.success(request, notice)
        if case_id is not None:
            url = reverse("workspace:case", args=[case_id])
        else:
            url = reverse("fixamingata:report", args=[report.pk])
        return HttpResponseClientRedirect(url) if request.htmx else redirect(url)

    def render_form(self, request, report, form, failed=False):
        context = {
            "report": report,
            "form": form,
            "action": self.name,
            "action_url": reverse(f"fixamingata:staff_{self.name}", args=[report.pk]),
            "title": self.title,
            "submit_label": self.submit_label,
            "case_url": reverse("workspace:case", args=[report.case_id]) if report.case_id else "",
        }
        if request.htmx:
            return render(request, "fixamingata/staff/_action_form.html", context)
        return render(
            request, "fixamingata/staff/action.html", context, status=400 if failed else 200
        )


class ReplyView(StaffActionView):
    form_class = ReplyForm
    name = "reply"
    title = gettext_lazy("Svara offentligt")
    submit_label = gettext_lazy("Publicera svaret")

    def get_form(self, report, data=None):
        form = super().get_form(report, data)
        # Choosing a template fetches the form again with its text (htmx, no own script).
        form.fields["template"].widget.attrs.update(
            {
                "hx-get": reverse("fixamingata:staff_reply", args=[report.pk]),
                "hx-trigger": "change",
                "hx-target": "#fmg-action-form",
                "hx-swap": "outerHTML",
                "hx-include": "[name='as_body']",
            }
        )
        return form

    def get(self, request, pk):
        """``?template=<id>``: the form with the template's text (and state) filled in."""
        report = staff_report(request.user, pk)
        form = self.get_form(report)
        chosen = request.GET.get("template") or ""
        if chosen.isdigit():
            template = form.fields["template"].queryset.filter(pk=chosen).first()
            if template is not None:
                form.initial = {
                    "template": template.pk,
                    "text": template.text,
                    "new_state": template.state
                    if template.state in {s.value for s in REPLY_STATES}
                    else "",
                    "as_body": request.GET.get("as_body") == "on",
                }
        return self.render_form(request, report, form)

    def run(self, request, report, data) -> str:
        services.add_update(
            report,
            text=data["text"],
            user=request.user,
            as_body=data["as_body"],
            new_state=data["new_state"] or None,
        )
        return _("Svaret är publicerat på FixaMinGata.")


class DuplicateView(StaffActionView):
    form_class = DuplicateForm
    name = "duplicate"
    title = gettext_lazy("Markera som dubblett")
    submit_label = gettext_lazy("Markera som dubblett")

    def run(self, request, report, data) -> str:
        original = data["original_report"]
        services.set_state(
            report,
            actor=request.user,
            state=ReportState.DUPLICATE,
            text=data["text"],
            duplicate_of=original,
        )
        return _("Rapporten är markerad som dubblett av rapport %(n)s.") % {
            "n": original.service_request_id or original.pk
        }


class MoveView(StaffActionView):
    form_class = MoveForm
    name = "move"
    title = gettext_lazy("Byt kategori eller mottagare")
    submit_label = gettext_lazy("Byt kategori")

    def run(self, request, report, data) -> str:
        old_body = report.body_id
        moved = services.move_report(
            report, actor=request.user, category=data["category"], note=data["note"]
        )
        if moved.body_id != old_body:
            return _("Rapporten och ärendet har flyttats till %(body)s.") % {
                "body": moved.body.name
            }
        return _("Kategorin är ändrad till %(c)s.") % {"c": moved.category.name}
