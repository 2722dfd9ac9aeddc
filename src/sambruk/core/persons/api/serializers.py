"""Serialisers for persons. Output always goes through ``visible_person_data``."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from ..models import Protection
from ..personnummer import Personnummer
from ..protection import visible_person_data


class PersonSerializer(serializers.Serializer):
    """A person as the requesting user may see them (read-only).

    Address and contact fields are ``null`` for persons with protection (sekretessmarkering,
    skyddad folkbokföring) unless the user holds ``persons.view_protected``. Serialising a
    protected person writes a read audit event.

    Context: ``request`` (required), ``organisation``, ``purpose``, ``full_civic_number``
    (default ``False``: masked) and ``audit`` (see ``visible_person_data``).
    """

    id = serializers.IntegerField(read_only=True)
    given_name = serializers.CharField(read_only=True, help_text=_("Förnamn."))
    family_name = serializers.CharField(read_only=True, help_text=_("Efternamn."))
    full_name = serializers.CharField(read_only=True)
    civic_number = serializers.CharField(
        read_only=True,
        help_text=_(
            "Personnummer ÅÅÅÅMMDD-NNNN, eller maskerat ÅÅÅÅMMDD-**** när det inte behövs."
        ),
    )
    is_coordination_number = serializers.BooleanField(
        read_only=True, help_text=_("Sant för samordningsnummer.")
    )
    protection = serializers.ChoiceField(choices=Protection.choices, read_only=True)
    protection_label = serializers.CharField(read_only=True)
    protected_data_hidden = serializers.BooleanField(
        read_only=True,
        help_text=_("Sant när adress och kontaktuppgifter döljs på grund av skydd."),
    )
    care_of = serializers.CharField(read_only=True, allow_null=True)
    street_address = serializers.CharField(read_only=True, allow_null=True)
    postal_code = serializers.CharField(read_only=True, allow_null=True)
    city = serializers.CharField(read_only=True, allow_null=True)
    email = serializers.CharField(read_only=True, allow_null=True)
    phone = serializers.CharField(read_only=True, allow_null=True)

    def to_representation(self, instance):
        request = self.context.get("request")
        data = visible_person_data(
            instance,
            getattr(request, "user", None),
            organisation=self.context.get("organisation"),
            purpose=self.context.get("purpose", ""),
            full_civic_number=self.context.get("full_civic_number", False),
            audit=self.context.get("audit"),
        )
        return {name: data[name] for name in self.fields}


class PersonLookupRequestSerializer(serializers.Serializer):
    personnummer = serializers.CharField(
        max_length=20,
        help_text=_("Personnummer eller samordningsnummer med 10 eller 12 siffror."),
    )
    purpose = serializers.CharField(
        max_length=200,
        help_text=_("Varför uppgifterna behövs (loggas), till exempel ärendenumret."),
        error_messages={
            "required": _("Ange syftet med uppslaget."),
            "blank": _("Ange syftet med uppslaget."),
        },
    )
    organisation = serializers.IntegerField(
        required=False,
        help_text=_("Organisationen du slår upp för. Behövs bara om du har behörighet i flera."),
    )

    def validate_personnummer(self, value: str) -> str:
        try:
            return Personnummer.parse(value).value
        except DjangoValidationError as exc:
            raise serializers.ValidationError(exc.messages, code="invalid_personnummer") from None


class PersonLookupErrorSerializer(serializers.Serializer):
    detail = serializers.CharField()
    code = serializers.CharField()
    errors = serializers.DictField(required=False)
