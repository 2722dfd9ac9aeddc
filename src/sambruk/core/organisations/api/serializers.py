from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from ..models import Organisation, OrgUnit


class OrganisationSerializer(serializers.ModelSerializer):
    type_display = serializers.CharField(source="get_type_display", read_only=True)
    lan_name = serializers.CharField(read_only=True)

    class Meta:
        model = Organisation
        fields = [
            "id",
            "type",
            "type_display",
            "name",
            "slug",
            "kommunkod",
            "lanskod",
            "lan_name",
            "organisationsnummer",
            "email",
            "website",
            "is_member",
            "active",
        ]
        read_only_fields = fields


class OrgUnitSerializer(serializers.ModelSerializer):
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)

    class Meta:
        model = OrgUnit
        fields = ["id", "organisation", "parent", "kind", "kind_display", "name", "code"]
        read_only_fields = fields


class KommunAtSerializer(serializers.Serializer):
    kommunkod = serializers.CharField(help_text=_("Kommunkod, fyra siffror."))
    name = serializers.CharField(help_text=_("Kommunens namn."))
    organisation_id = serializers.IntegerField(
        allow_null=True, help_text=_("Organisationens id, eller null om referensdata saknas.")
    )


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField()
    code = serializers.CharField()
