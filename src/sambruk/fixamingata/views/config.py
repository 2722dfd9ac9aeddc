"""Inställningar för FixaMinGata: a body's contact and delivery, categories, response templates.

Staff with ``fixamingata.manage_config`` (else 403); bodies are looked up through
``restrict()``, so another organisation's body answers 404. Every write goes through
:mod:`..services.config` (permission checked again there, audited).
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from sambruk.core.authz.permissions import has_perm
from sambruk.core.authz.views import PermissionRequiredMixin

from ..errors import ReportError
from ..models import Body, Category, ResponseTemplate
from ..models.body import SendMethod
from ..models.choices import ReportState
from ..services import config as service
from ..services.common import MODERATE

MANAGE_CONFIG = service.MANAGE_CONFIG


class BodyForm(forms.Form):
    active = forms.BooleanField(label=gettext_lazy("Tar emot rapporter"), required=False)
    send_method = forms.ChoiceField(label=gettext_lazy("Leveranssätt"), choices=SendMethod.choices)
    contact_email = forms.EmailField(
        label=gettext_lazy("E-post för rapporter"),
        required=False,
        help_text=gettext_lazy("Rapporterna skickas hit om leveranssättet är e-post."),
    )
    open311_endpoint = forms.URLField(
        label=gettext_lazy("Open311-adress"),
        required=False,
        assume_scheme="https",
        help_text=gettext_lazy("Adressen till ert systems Open311-gränssnitt (https://…)."),
    )
    open311_jurisdiction = forms.CharField(
        label=gettext_lazy("Open311 jurisdiction_id"), required=False, max_length=100
    )
    open311_extended_statuses = forms.BooleanField(
        label=gettext_lazy("Utökade Open311-statusar"), required=False
    )
    open311_always_send_email = forms.BooleanField(
        label=gettext_lazy("Skicka alltid e-post även med Open311"), required=False
    )
    open311_fetch_updates = forms.BooleanField(
        label=gettext_lazy("Hämta statusuppdateringar (servicerequestupdates)"), required=False
    )
    new_api_key = forms.CharField(
        label=gettext_lazy("Ny nyckel (api_key)"),
        required=False,
        max_length=500,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        help_text=gettext_lazy("Lämna tomt för att behålla den nuvarande nyckeln."),
    )
    remove_api_key = forms.BooleanField(
        label=gettext_lazy("Ta bort den sparade nyckeln"), required=False
    )


class CategoryForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Namn"), max_length=120)
    group = forms.CharField(label=gettext_lazy("Grupp"), max_length=120, required=False)
    code = forms.CharField(
        label=gettext_lazy("Tjänstekod (service_code)"),
        max_length=60,
        required=False,
        help_text=gettext_lazy("Tomt: skapas av namnet. Små bokstäver, siffror och bindestreck."),
    )
    description = forms.CharField(
        label=gettext_lazy("Beskrivning"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    keywords = forms.CharField(
        label=gettext_lazy("Nyckelord"),
        max_length=300,
        required=False,
        help_text=gettext_lazy("Hjälper invånaren att hitta kategorin i sökningen."),
    )
    contact_email = forms.EmailField(
        label=gettext_lazy("E-post"),
        required=False,
        help_text=gettext_lazy("Tomt: mottagarens e-post."),
    )
    send_method = forms.ChoiceField(
        label=gettext_lazy("Leveranssätt"),
        required=False,
        choices=[("", gettext_lazy("Som mottagaren")), *SendMethod.choices],
    )
    open311_service_code = forms.CharField(
        label=gettext_lazy("Tjänstekod i ert system (Open311)"),
        max_length=100,
        required=False,
        help_text=gettext_lazy("Tomt: samma som tjänstekoden."),
    )
    active = forms.BooleanField(label=gettext_lazy("Aktiv"), required=False, initial=True)
    prefer_if_multiple = forms.BooleanField(
        label=gettext_lazy("Föredra om flera mottagare har kategorin"), required=False
    )
    order = forms.IntegerField(label=gettext_lazy("Ordning"), min_value=0, initial=0)


class TemplateForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("Rubrik"), max_length=120)
    text = forms.CharField(label=gettext_lazy("Text"), widget=forms.Textarea(attrs={"rows": 5}))
    category = forms.ModelChoiceField(
        label=gettext_lazy("Kategori"),
        queryset=Category.objects.none(),
        required=False,
        empty_label=gettext_lazy("Allmän (alla kategorier)"),
    )
    state = forms.ChoiceField(
        label=gettext_lazy("Sätter status"),
        required=False,
        choices=[("", gettext_lazy("Ändrar inte statusen")), *ReportState.choices],
    )
    active = forms.BooleanField(label=gettext_lazy("Aktiv"), required=False, initial=True)
    order = forms.IntegerField(label=gettext_lazy("Ordning"), min_value=0, initial=0)

    def __init__(self, *args, body, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = Category.objects.filter(body=body)


class ConfigMixin(PermissionRequiredMixin):
    required_permission = MANAGE_CONFIG

    def bodies(self):
        return Body.objects.restrict(self.request.user, MANAGE_CONFIG).select_related(
            "organisation"
        )

    def get_body(self, pk) -> Body:
        self.body = get_object_or_404(self.bodies(), pk=pk)
        return self.body

    def body_url(self, anchor: str = "") -> str:
        url = reverse("fixamingata:config_body", args=[self.body.pk])
        return f"{url}#{anchor}" if anchor else url

    def render_form(self, form, title, status=200, **extra):
        context = {
            "body": self.body,
            "form": form,
            "title": title,
            "back_url": self.body_url(extra.pop("anchor", "")),
            **extra,
        }
        return render(self.request, "fixamingata/config/form.html", context, status=status)


class ConfigIndexView(ConfigMixin, View):
    def get(self, request):
        bodies = list(self.bodies())
        if len(bodies) == 1:
            return redirect("fixamingata:config_body", body=bodies[0].pk)
        return render(request, "fixamingata/config/index.html", {"bodies": bodies})


class BodyView(ConfigMixin, View):
    def get(self, request, body):
        body = self.get_body(body)
        return render(
            request,
            "fixamingata/config/body.html",
            {
                "body": body,
                "categories": list(body.categories.all()),
                "templates": list(body.response_templates.select_related("category")),
                "may_moderate": has_perm(request.user, MODERATE, body.organisation_id),
            },
        )


class BodyEditView(ConfigMixin, View):
    def get(self, request, body):
        body = self.get_body(body)
        initial = {f: getattr(body, f) for f in service.BODY_FIELDS}
        return self.show(BodyForm(initial=initial))

    def post(self, request, body):
        body = self.get_body(body)
        form = BodyForm(request.POST)
        if form.is_valid():
            try:
                service.update_body(body, actor=request.user, **form.cleaned_data)
            except ReportError as error:
                form.add_error(None, error.message)
            else:
                messages.success(request, _("Mottagarens inställningar sparades."))
                return redirect(self.body_url())
        return self.show(form, status=400)

    def show(self, form, status=200):
        return self.render_form(
            form,
            _("Ändra mottagare: %(name)s") % {"name": self.body.name},
            status=status,
            has_api_key=bool(self.body.open311_api_key),
        )


class CategoryEditView(ConfigMixin, View):
    def resolve(self, body, pk):
        body = self.get_body(body)
        self.category = get_object_or_404(body.categories.all(), pk=pk) if pk else None

    def get(self, request, body, pk=None):
        self.resolve(body, pk)
        initial = None
        if self.category is not None:
            initial = {f: getattr(self.category, f) for f in service.CATEGORY_FIELDS}
        return self.show(CategoryForm(initial=initial))

    def post(self, request, body, pk=None):
        self.resolve(body, pk)
        form = CategoryForm(request.POST)
        if form.is_valid():
            try:
                saved = service.save_category(
                    self.body, actor=request.user, category=self.category, **form.cleaned_data
                )
            except ReportError as error:
                form.add_error(None, error.message)
            else:
                messages.success(request, _("Kategorin %(name)s sparades.") % {"name": saved})
                return redirect(self.body_url("kategorier"))
        return self.show(form, status=400)

    def show(self, form, status=200):
        if self.category is None:
            title = _("Ny kategori")
        else:
            title = _("Ändra kategori: %(name)s") % {"name": self.category.name}
        return self.render_form(form, title, status=status, anchor="kategorier")


class TemplateEditView(ConfigMixin, View):
    def resolve(self, body, pk):
        body = self.get_body(body)
        self.template = get_object_or_404(body.response_templates.all(), pk=pk) if pk else None

    def get(self, request, body, pk=None):
        self.resolve(body, pk)
        initial = None
        if self.template is not None:
            initial = {f: getattr(self.template, f) for f in service.TEMPLATE_FIELDS}
        return self.show(TemplateForm(initial=initial, body=self.body))

    def post(self, request, body, pk=None):
        self.resolve(body, pk)
        form = TemplateForm(request.POST, body=self.body)
        if form.is_valid():
            data = dict(form.cleaned_data)
            try:
                saved = service.save_response_template(
                    self.body, actor=request.user, template=self.template, **data
                )
            except ReportError as error:
                form.add_error(None, error.message)
            else:
                messages.success(request, _("Svarsmallen %(name)s sparades.") % {"name": saved})
                return redirect(self.body_url("svarsmallar"))
        return self.show(form, status=400)

    def show(self, form, status=200):
        if self.template is None:
            title = _("Ny svarsmall")
        else:
            title = _("Ändra svarsmall: %(name)s") % {"name": self.template.title}
        return self.render_form(form, title, status=status, anchor="svarsmallar")


class TemplateDeleteView(ConfigMixin, View):
    def resolve(self, body, pk):
        body = self.get_body(body)
        self.template = get_object_or_404(ResponseTemplate.objects.filter(body=body), pk=pk)

    def get(self, request, body, pk):
        self.resolve(body, pk)
        return self.show()

    def post(self, request, body, pk):
        self.resolve(body, pk)
        title = self.template.title
        try:
            service.delete_response_template(self.template, actor=request.user)
        except ReportError as error:
            return self.show(error=error.message, status=400)
        messages.success(request, _("Svarsmallen %(name)s togs bort.") % {"name": title})
        return redirect(self.body_url("svarsmallar"))

    def show(self, error="", status=200):
        context = {
            "body": self.body,
            "template": self.template,
            "error": error,
            "back_url": self.body_url("svarsmallar"),
        }
        return render(
            self.request, "fixamingata/config/delete_template.html", context, status=status
        )
