"""Forms of the citizen pages. Validation of substance is in the services; these forms
collect input, give field-level messages and carry the honeypot."""

from __future__ import annotations

from django import forms
from django.utils.functional import lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from ..errors import ReportError
from ..models import AlertKind, QuestionnaireAnswer
from ..photos import MAX_PHOTOS, process_photo
from .common import HONEYPOT_FIELD

PHOTO_ACCEPT = "image/jpeg,image/png,image/webp,image/heic,image/heif,.heic,.heif"

#: Service error code → the form field the message belongs to.
ERROR_FIELDS = {
    "category_required": "category",
    "category_not_offered": "category",
    "title_required": "title",
    "title_too_long": "title",
    "detail_too_long": "detail",
    "name_required": "name",
    "email_required": "email",
    "invalid_email": "email",
    "text_required": "text",
    "text_too_long": "text",
    "kommun_required": "kommun",
    "invalid_radius": "radius_m",
    "answer_required": "answer",
}


def add_service_error(form, error: ReportError) -> None:
    field = ERROR_FIELDS.get(error.code)
    form.add_error(field if field in form.fields else None, str(error))


class HoneypotMixin(forms.Form):
    """A field people cannot see; a bot that fills it is answered as if all went well."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields[HONEYPOT_FIELD] = forms.CharField(
            label=_("Lämna detta fält tomt"),
            required=False,
            widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
        )

    @property
    def is_spam(self) -> bool:
        return bool((self.data.get(HONEYPOT_FIELD) or "").strip())

    def visible_fields(self):
        return [f for f in super().visible_fields() if f.name != HONEYPOT_FIELD]


def _fill_in(label) -> str:
    return gettext("Fyll i %(f)s.") % {"f": str(label).lower()}


# Formatted when the error is shown, in the request's language (``_(...) % ...`` here would
# be formatted once, at import, in Swedish).
_fill_in_lazy = lazy(_fill_in, str)


def _text(label, *, required=True, max_length=200, **attrs):
    return forms.CharField(
        label=label,
        required=required,
        max_length=max_length,
        error_messages={"required": _fill_in_lazy(label)},
        widget=forms.TextInput(attrs=attrs),
    )


class ReportForm(HoneypotMixin):
    lat = forms.CharField(widget=forms.HiddenInput, required=False)
    lon = forms.CharField(widget=forms.HiddenInput, required=False)
    idempotency_key = forms.CharField(widget=forms.HiddenInput, required=False)
    category = forms.ChoiceField(
        label=_("Kategori"),
        error_messages={
            "required": _("Välj en kategori."),
            "invalid_choice": _("Kategorin finns inte på platsen. Välj en kategori."),
        },
    )
    title = _text(_("Rubrik"), max_length=200)
    detail = forms.CharField(
        label=_("Beskrivning"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Beskriv felet och var det finns, till exempel närmaste adress."),
    )
    name = _text(_("Namn"), autocomplete="name")
    email = forms.EmailField(
        label=_("E-postadress"),
        error_messages={
            "required": _("Ange din e-postadress."),
            "invalid": _("Ange en giltig e-postadress."),
        },
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        help_text=_("Vi skickar en länk som du bekräftar rapporten med. Visas aldrig."),
    )
    phone = forms.CharField(
        label=_("Telefon"),
        required=False,
        max_length=40,
        widget=forms.TextInput(attrs={"autocomplete": "tel", "type": "tel"}),
        help_text=_("Frivilligt. Bara mottagaren ser numret."),
    )
    show_name = forms.BooleanField(label=_("Visa mitt namn offentligt"), required=False)

    def __init__(self, *args, categories=(), user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.categories = {str(c.pk): c for c in categories}
        self.fields["category"].choices = [("", _("Välj kategori"))] + [
            (str(c.pk), f"{c.name} ({c.body.name})" if c.body.national else c.name)
            for c in categories
        ]
        for i in range(1, MAX_PHOTOS + 1):
            self.fields[f"photo{i}"] = forms.FileField(
                label=_("Bild %(n)d") % {"n": i},
                required=False,
                widget=forms.ClearableFileInput(attrs={"accept": PHOTO_ACCEPT}),
                help_text=_("JPEG, PNG, WebP eller HEIC. Platsuppgifter i bilden tas bort.")
                if i == 1
                else "",
            )
        if user is not None and user.is_authenticated:
            self.fields["name"].required = False
            self.fields["email"].required = False

    def clean_category(self):
        value = self.cleaned_data["category"]
        if value not in self.categories:
            raise forms.ValidationError(_("Välj en kategori."))
        return self.categories[value]

    def _check_photo(self, name):
        upload = self.cleaned_data.get(name)
        if upload:
            try:
                process_photo(upload)
            except ReportError as error:
                raise forms.ValidationError(str(error)) from None
            upload.seek(0)
        return upload

    def clean_photo1(self):
        return self._check_photo("photo1")

    def clean_photo2(self):
        return self._check_photo("photo2")

    def clean_photo3(self):
        return self._check_photo("photo3")

    def photos(self):
        return [self.cleaned_data.get(f"photo{i}") for i in range(1, MAX_PHOTOS + 1)]


class LocationForm(forms.Form):
    """Choose the place without a map: a kommun, or coordinates."""

    kommun = forms.ChoiceField(label=_("Kommun"), required=False)
    lat = forms.CharField(label=_("Latitud"), required=False, help_text=_("Till exempel 60.6167"))
    lon = forms.CharField(label=_("Longitud"), required=False, help_text=_("Till exempel 16.7667"))

    def __init__(self, *args, kommun_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kommun"].choices = [("", _("Välj kommun"))] + list(kommun_choices)
        for name in ("lat", "lon"):
            self.fields[name].widget.attrs.update({"inputmode": "decimal", "autocomplete": "off"})


class UpdateForm(HoneypotMixin):
    text = forms.CharField(
        label=_("Uppdatering"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    name = _text(_("Namn"), autocomplete="name")
    email = forms.EmailField(
        label=_("E-postadress"),
        error_messages={
            "required": _("Ange din e-postadress."),
            "invalid": _("Ange en giltig e-postadress."),
        },
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        help_text=_("Vi skickar en länk som du bekräftar uppdateringen med."),
    )
    show_name = forms.BooleanField(label=_("Visa mitt namn offentligt"), required=False)
    mark_fixed = forms.BooleanField(
        label=_("Jag rapporterade felet och det är nu åtgärdat"), required=False
    )
    reopen = forms.BooleanField(
        label=_("Jag rapporterade felet och det är inte åtgärdat: öppna rapporten igen"),
        required=False,
    )

    def __init__(self, *args, user=None, report=None, **kwargs):
        super().__init__(*args, **kwargs)
        if user is not None and user.is_authenticated:
            self.fields["name"].required = False
            self.fields["email"].required = False
        if report is not None:
            del self.fields["reopen" if report.is_open else "mark_fixed"]


class AlertForm(HoneypotMixin):
    kind = forms.ChoiceField(
        label=_("Vad vill du bevaka?"),
        choices=AlertKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Välj vad du vill bevaka.")},
    )
    kommun = forms.ChoiceField(label=_("Kommun"), required=False)
    lat = forms.CharField(label=_("Latitud"), required=False)
    lon = forms.CharField(label=_("Longitud"), required=False)
    radius_m = forms.TypedChoiceField(
        label=_("Avstånd"),
        required=False,
        coerce=int,
        choices=[(250, "250 m"), (500, "500 m"), (1000, "1 km"), (2000, "2 km"), (5000, "5 km")],
        initial=1000,
    )
    report = forms.IntegerField(widget=forms.HiddenInput, required=False)
    email = forms.EmailField(
        label=_("E-postadress"),
        error_messages={
            "required": _("Ange din e-postadress."),
            "invalid": _("Ange en giltig e-postadress."),
        },
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )

    def __init__(self, *args, kommun_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kommun"].choices = [("", _("Välj kommun"))] + list(kommun_choices)


class QuestionnaireForm(forms.Form):
    answer = forms.ChoiceField(
        label=_("Är felet åtgärdat?"),
        choices=QuestionnaireAnswer.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Välj ett svar.")},
    )
    ever_reported = forms.TypedChoiceField(
        label=_("Har du rapporterat ett fel till kommunen tidigare?"),
        choices=[("", _("Vill inte svara")), ("yes", _("Ja")), ("no", _("Nej"))],
        coerce=lambda v: {"yes": True, "no": False}.get(v),
        empty_value=None,
        required=False,
    )
    ask_again = forms.BooleanField(label=_("Fråga mig igen om fyra veckor"), required=False)
    comment = forms.CharField(
        label=_("Kommentar"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Visas på rapportens sida om svaret ändrar rapportens status."),
    )
