"""``/api/shadow-cases/``: external systems create, update and close shadow cases.

``POST`` is an upsert by ``(system_name, external_id)`` in the client's organisation
(``201`` when created, ``200`` when it existed: a repeated create is not a duplicate),
``PATCH /{id}/`` merges content and appends log entries, ``POST /{id}/close/`` closes.
"""

from __future__ import annotations

import logging

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from sambruk.core.audit.services import record_read, record_reads
from sambruk.core.authz.drf import HasPermission, RestrictedQuerysetMixin
from sambruk.core.persons.personnummer import InvalidPersonnummer, Personnummer

from .. import roles
from ..models import ShadowCase
from ..services import upsert_shadow_case
from .common import StrictFieldsMixin, acting_organisation

log = logging.getLogger(__name__)

READ_PURPOSE = "Integration: skuggärende"


class ContentItemSerializer(StrictFieldsMixin, serializers.Serializer):
    key = serializers.CharField(max_length=200)
    value = serializers.CharField(max_length=4000, allow_null=True, allow_blank=True)


class LogItemSerializer(StrictFieldsMixin, serializers.Serializer):
    at = serializers.DateTimeField(required=False)
    message = serializers.CharField(max_length=4000)


def _civic_number(value: str) -> str:
    try:
        return Personnummer.parse(value).value
    except (InvalidPersonnummer, DjangoValidationError) as exc:
        raise serializers.ValidationError(list(exc.messages)) from None


class ShadowCaseWriteSerializer(StrictFieldsMixin, serializers.Serializer):
    """The body of a create (every field) or an update (any subset; no ids)."""

    system_name = serializers.CharField(max_length=100)
    external_id = serializers.CharField(max_length=200)
    civic_number = serializers.CharField(max_length=20)
    title = serializers.CharField(max_length=300)
    status = serializers.CharField(max_length=100, required=False, allow_blank=True)
    content = ContentItemSerializer(many=True, required=False, max_length=200)
    log = LogItemSerializer(many=True, required=False, max_length=200)
    closed = serializers.BooleanField(required=False)
    organisation = serializers.IntegerField(required=False, write_only=True)

    def validate_civic_number(self, value):
        return _civic_number(value)

    def validate_content(self, value):
        keys = [x["key"] for x in value]
        if len(keys) != len(set(keys)):
            raise serializers.ValidationError(_("Varje nyckel får bara finnas en gång."))
        return value


class ShadowCaseUpdateSerializer(ShadowCaseWriteSerializer):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("system_name", "external_id", "organisation"):
            self.fields.pop(name)
        for field in self.fields.values():
            field.required = False


class ShadowCaseCloseSerializer(StrictFieldsMixin, serializers.Serializer):
    status = serializers.CharField(max_length=100, required=False, allow_blank=True)
    log = LogItemSerializer(many=True, required=False, max_length=200)


class ShadowCaseSerializer(serializers.ModelSerializer):
    civic_number = serializers.SerializerMethodField()
    log = serializers.SerializerMethodField()

    class Meta:
        model = ShadowCase
        fields = [
            "id",
            "organisation",
            "system_name",
            "external_id",
            "civic_number",
            "title",
            "status",
            "content",
            "log",
            "closed",
            "closed_at",
            "created_at",
            "updated_at",
        ]

    def get_civic_number(self, obj) -> str:
        """Masked (``19121212-****``): the sending system already knows the number."""
        return Personnummer(obj.civic_number).masked()

    def get_log(self, obj) -> list[dict]:
        return [{"at": e.at, "message": e.message} for e in obj.log.all()]


class ShadowCaseViewSet(
    RestrictedQuerysetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    queryset = ShadowCase.objects.select_related("organisation").prefetch_related("log")
    serializer_class = ShadowCaseSerializer
    permission_classes = [HasPermission]
    required_permissions = {
        "list": roles.VIEW_SHADOWCASE,
        "retrieve": roles.VIEW_SHADOWCASE,
        "create": roles.CHANGE_SHADOWCASE,
        "partial_update": roles.CHANGE_SHADOWCASE,
        "close": roles.CHANGE_SHADOWCASE,
    }

    def get_queryset(self):
        qs = super().get_queryset()
        if self.action == "list":
            params = self.request.query_params
            if any("\x00" in params.get(k, "") for k in ("system_name", "external_id")):
                raise serializers.ValidationError(
                    {"system_name": [_("Null-tecken är inte tillåtna.")]}
                )
            if params.get("system_name"):
                qs = qs.filter(system_name=params["system_name"])
            if params.get("external_id"):
                qs = qs.filter(external_id=params["external_id"])
        return qs

    def list(self, request, *args, **kwargs):
        """Shadow cases of the organisation, newest first; filter with ``system_name`` and
        ``external_id``. Every returned row is an audited read of its person's data."""
        queryset = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(queryset)
        rows = list(page if page is not None else queryset)
        # One event per row and person (not one event listing them): the audit trail is
        # searched per person (logguppföljning, a register extract) — see docs/channel.md.
        record_reads(
            actor=request.user,
            objects=rows,
            civic_number_attr="civic_number",
            purpose=READ_PURPOSE,
        )
        data = self.get_serializer(rows, many=True).data
        return self.get_paginated_response(data) if page is not None else Response(data)

    def get_object(self):
        obj = super().get_object()
        record_read(
            actor=self.request.user,
            obj=obj,
            person_civic_number=obj.civic_number,
            purpose=READ_PURPOSE,
        )
        return obj

    def _upsert(self, data, *, organisation, **ids):
        try:
            shadow, created = upsert_shadow_case(
                organisation=organisation, actor=self.request.user, **ids, **data
            )
        except DjangoValidationError:
            log.info("shadow case refused for %s", ids)
            raise
        shadow = self.get_queryset().get(pk=shadow.pk)
        return Response(
            ShadowCaseSerializer(shadow).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )

    def _valid(self, serializer_class, data):
        serializer = serializer_class(data=data)
        if not serializer.is_valid():
            log.info("shadow case payload refused: %s", serializer.errors)
            raise serializers.ValidationError(serializer.errors)
        return dict(serializer.validated_data)

    @extend_schema(
        request=ShadowCaseWriteSerializer,
        responses={200: ShadowCaseSerializer, 201: ShadowCaseSerializer},
    )
    def create(self, request, *args, **kwargs):
        data = self._valid(ShadowCaseWriteSerializer, request.data)
        organisation = acting_organisation(
            request, roles.CHANGE_SHADOWCASE, data.pop("organisation", None)
        )
        return self._upsert(data, organisation=organisation)

    @extend_schema(request=ShadowCaseUpdateSerializer, responses={200: ShadowCaseSerializer})
    def partial_update(self, request, *args, **kwargs):
        data = self._valid(ShadowCaseUpdateSerializer, request.data)
        shadow = super().get_object()
        return self._upsert(
            data,
            organisation=shadow.organisation,
            system_name=shadow.system_name,
            external_id=shadow.external_id,
        )

    @extend_schema(request=ShadowCaseCloseSerializer, responses={200: ShadowCaseSerializer})
    @action(detail=True, methods=["post"])
    def close(self, request, *args, **kwargs):
        data = self._valid(ShadowCaseCloseSerializer, request.data)
        shadow = super().get_object()
        return self._upsert(
            {**data, "closed": True},
            organisation=shadow.organisation,
            system_name=shadow.system_name,
            external_id=shadow.external_id,
        )
