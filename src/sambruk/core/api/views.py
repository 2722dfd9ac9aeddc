from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from sambruk.core.accounts.roles import role_permissions
from sambruk.core.authz.permissions import ALL, grants


class MeView(APIView):
    """Who am I: the authenticated principal and the organisations it acts for."""

    @extend_schema(
        responses=inline_serializer(
            "Me",
            {
                "id": serializers.IntegerField(),
                "name": serializers.CharField(),
                "kind": serializers.CharField(),
                "organisations": serializers.ListField(child=serializers.DictField()),
            },
        )
    )
    def get(self, request):
        user = request.user
        orgs = []
        client = getattr(user, "api_client", None) if user.kind == "api" else None
        if client is not None:
            orgs.append(
                {
                    "id": client.organisation_id,
                    "name": client.organisation.name,
                    "permissions": sorted(client.scopes),
                }
            )
        else:
            for m in user.memberships.select_related("organisation"):
                orgs.append(
                    {
                        "id": m.organisation_id,
                        "name": m.organisation.name,
                        "role": m.role,
                        "permissions": sorted(role_permissions(m.role)),
                    }
                )
        return Response(
            {
                "id": user.pk,
                "name": user.get_full_name(),
                "kind": user.kind,
                "superuser": grants(user, "any") == ALL,
                "organisations": orgs,
            }
        )
