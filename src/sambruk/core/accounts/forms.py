from __future__ import annotations

from django import forms
from django.contrib.auth import authenticate
from django.utils.translation import gettext_lazy as _


class LoginForm(forms.Form):
    # Named "username" so django-axes tracks it; it holds the e-mail address.
    username = forms.EmailField(
        label=_("E-postadress"),
        widget=forms.EmailInput(attrs={"autocomplete": "username", "autofocus": True}),
        error_messages={
            "required": _("Ange din e-postadress."),
            "invalid": _("Ange en giltig e-postadress."),
        },
    )
    password = forms.CharField(
        label=_("Lösenord"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        error_messages={"required": _("Ange ditt lösenord.")},
    )

    def __init__(self, request=None, *args, **kwargs):
        self.request = request
        self.user = None
        super().__init__(*args, **kwargs)

    def clean(self):
        cleaned = super().clean()
        email = (cleaned.get("username") or "").lower()
        password = cleaned.get("password")
        if email and password:
            self.user = authenticate(self.request, username=email, password=password)
            if self.user is None or self.user.kind != "staff":
                self.user = None
                raise forms.ValidationError(
                    _("Fel e-postadress eller lösenord. Kontrollera uppgifterna och försök igen."),
                    code="invalid_login",
                )
            if not self.user.is_active:
                raise forms.ValidationError(_("Kontot är inaktiverat."), code="inactive")
        return cleaned


class OTPForm(forms.Form):
    token = forms.CharField(
        label=_("Engångskod"),
        min_length=6,
        max_length=8,
        help_text=_("Sex siffror från din autentiseringsapp."),
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
        error_messages={"required": _("Ange engångskoden.")},
    )

    def clean_token(self):
        token = "".join(self.cleaned_data["token"].split())
        if not token.isdigit():
            raise forms.ValidationError(_("Engångskoden består bara av siffror."))
        return token
