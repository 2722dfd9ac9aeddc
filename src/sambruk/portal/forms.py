"""Forms of Mina sidor (validation of input; the rules live in the services)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from sambruk.cases.services.conversations import BODY_MAX

MAX_FILES = 5


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    widget = MultipleFileInput

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data if item]
        return [single(data, initial)] if data else []


class ReplyForm(forms.Form):
    body = forms.CharField(
        label=_("Ditt meddelande"),
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=BODY_MAX,
        error_messages={"required": _("Skriv ett meddelande.")},
    )
    files = MultipleFileField(
        label=_("Bifoga filer (valfritt)"),
        required=False,
        help_text=_("Högst 5 filer: PDF, bilder, Word, Excel, OpenDocument eller text."),
    )

    def clean_files(self):
        files = self.cleaned_data.get("files") or []
        if len(files) > MAX_FILES:
            raise forms.ValidationError(_("Du kan bifoga högst 5 filer åt gången."))
        return files


class ProfileForm(forms.Form):
    email = forms.EmailField(
        label=_("E-post"),
        required=False,
        help_text=_("Vi skickar en länk som du bekräftar adressen med."),
        error_messages={"invalid": _("Ange en giltig e-postadress, till exempel namn@exempel.se.")},
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    phone = forms.CharField(
        label=_("Mobiltelefon"),
        required=False,
        max_length=20,
        help_text=_("Till exempel 070-123 45 67."),
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )
    notify_email = forms.BooleanField(label=_("Avisera mig med e-post"), required=False)
    notify_sms = forms.BooleanField(label=_("Avisera mig med sms"), required=False)
