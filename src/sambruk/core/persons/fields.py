"""Model and form fields that store a civic number as 12 digits."""

from __future__ import annotations

from django import forms
from django.db import models
from django.utils.translation import gettext_lazy as _

from .personnummer import Personnummer


class PersonnummerFormField(forms.CharField):
    default_error_messages = {"required": _("Ange ett personnummer.")}

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 13)
        kwargs.setdefault("help_text", _("10 eller 12 siffror, till exempel 19121212-1212."))
        super().__init__(**kwargs)
        self.widget.attrs.setdefault("inputmode", "numeric")
        self.widget.attrs.setdefault("autocomplete", "off")

    def clean(self, value):
        value = super().clean(value)
        if value in self.empty_values:
            return value
        return Personnummer.parse(value).value


class PersonnummerField(models.CharField):
    """Stores 12 digits; accepts any input that :class:`Personnummer` parses."""

    description = _("Personnummer eller samordningsnummer (12 siffror)")

    def __init__(self, *args, **kwargs):
        kwargs["max_length"] = 12
        kwargs.setdefault("verbose_name", _("personnummer"))
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs.pop("max_length", None)
        return name, path, args, kwargs

    def to_python(self, value):
        if value in (None, ""):
            return value
        return Personnummer.parse(value).value

    def pre_save(self, model_instance, add):
        """Validate and normalise on every save, so the instance holds the 12-digit form."""
        value = getattr(model_instance, self.attname)
        if value not in (None, ""):
            value = Personnummer.parse(value).value
            setattr(model_instance, self.attname, value)
        return value

    def get_prep_value(self, value):
        """Lookups accept any accepted input form (``filter(civic_number="121212-1212")``).

        Invalid input raises :class:`~django.core.exceptions.ValidationError`.
        """
        # CharField.get_prep_value() runs to_python(), which parses and normalises.
        return super().get_prep_value(value)

    def formfield(self, **kwargs):
        kwargs.setdefault("form_class", PersonnummerFormField)
        return super().formfield(**kwargs)
