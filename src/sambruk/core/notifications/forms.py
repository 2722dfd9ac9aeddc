from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from .models import OutboxStatus

#: Status filter on /utskick/: "active" (pending, being sent or failed) is the default.
STATUS_FILTERS = {
    "active": (
        _("Väntande och misslyckade"),
        [OutboxStatus.PENDING, OutboxStatus.SENDING, OutboxStatus.FAILED, OutboxStatus.BOUNCED],
    ),
    "pending": (_("Väntar"), [OutboxStatus.PENDING, OutboxStatus.SENDING]),
    "failed": (_("Misslyckade"), [OutboxStatus.FAILED]),
    "bounced": (_("Studsade"), [OutboxStatus.BOUNCED]),
    "sent": (_("Skickade"), [OutboxStatus.SENT]),
    "cancelled": (_("Avbrutna"), [OutboxStatus.CANCELLED]),
    "all": (_("Alla"), None),
}


class OutboxFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Visa"),
        choices=[(key, label) for key, (label, _statuses) in STATUS_FILTERS.items()],
        required=False,
    )

    def statuses(self) -> list[str] | None:
        return STATUS_FILTERS[self.selected()][1]

    def selected(self) -> str:
        return (self.cleaned_data.get("status") if self.is_valid() else "") or "active"


class TestMessageForm(forms.Form):
    to = forms.EmailField(
        label=_("E-postadress"),
        help_text=_("Ett testmejl köas till adressen. Det syns sedan i listan nedan."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    organisation = forms.ModelChoiceField(
        label=_("Organisation"), queryset=None, required=True, empty_label=None
    )
    language = forms.ChoiceField(label=_("Språk"), choices=settings.LANGUAGES, initial="sv")

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations
        if len(organisations) == 1:
            self.fields["organisation"].initial = organisations[0].pk
