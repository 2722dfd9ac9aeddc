from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from sambruk.core.persons.fields import PersonnummerFormField


class PersonLogForm(forms.Form):
    personnummer = PersonnummerFormField(label=_("Personnummer eller samordningsnummer"))
    since = forms.DateField(
        label=_("Från och med"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        label=_("Till och med"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    purpose = forms.CharField(
        label=_("Syfte med uppföljningen"),
        max_length=200,
        initial=_("Logguppföljning"),
        help_text=_(
            "Sparas i loggen, till exempel ett diarienummer eller en begäran om registerutdrag."
        ),
    )

    def clean(self):
        data = super().clean()
        if data.get("since") and data.get("until") and data["since"] > data["until"]:
            raise forms.ValidationError(_("Startdatum måste vara före slutdatum."))
        return data
