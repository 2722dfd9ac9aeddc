"""``/api/cases/``: list, retrieve, create, and the sub-resources of a case.

The actions (``/api/cases/{id}/actions/<name>/``) come from :mod:`.action_views`.
"""

from __future__ import annotations

import json

from django.http import FileResponse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import mixins, parsers, renderers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from sambruk.core.accounts.models import UserKind
from sambruk.core.audit.services import record_read
from sambruk.core.authz.drf import HasPermission

from .. import services
from ..actions import available_actions
from ..models import Attachment, Case, CaseLogEntry, LogKind, Origin
from ..queries import with_unread
from ..roles import CREATE_CASE, VIEW_CASE
from .action_views import CaseActionsMixin
from .common import (
    CASE_ID,
    E400,
    READ_ERRORS,
    STALE_EXAMPLE,
    WRITE_ERRORS,
    CaseErrorsMixin,
    CaseLogPagination,
)
from .filters import CaseFilterSerializer, apply_filters, filter_parameters
from .inputs import AddNoteSerializer, AttachmentUpload, CaseCreateSerializer
from .serializers import (
    AttachmentSerializer,
    AvailableActionsSerializer,
    CaseDetailSerializer,
    CaseListSerializer,
    CaseLogEntrySerializer,
    ErrorSerializer,
    NoteSerializer,
)

TAGS = ["cases"]


class FileRenderer(renderers.BaseRenderer):
    """Lets a client ask for the file itself (``Accept: application/octet-stream``)."""

    media_type = "application/octet-stream"
    format = "file"
    charset = None
    render_style = "binary"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if data is None or isinstance(data, bytes):
            return data
        return json.dumps(data, ensure_ascii=False).encode()


def attachment_service():
    """``do_add_attachment`` from :mod:`sambruk.cases.services.attachments`, or ``None``."""
    try:
        from sambruk.cases.services import attachments
    except ModuleNotFoundError as exc:
        if exc.name != "sambruk.cases.services.attachments":
            raise
        return None
    return getattr(attachments, "do_add_attachment", None)


@extend_schema_view(
    list=extend_schema(
        summary=_("Lista ärenden"),
        description=_(
            "Ärenden du får se, nyast först, med nyckelbaserad sidindelning (cursor). "
            "Borttagna ärenden visas bara med removed=true."
        ),
        parameters=filter_parameters(),
        responses={200: CaseListSerializer(many=True), 400: E400, **READ_ERRORS},
        tags=TAGS,
    ),
    retrieve=extend_schema(
        summary=_("Visa ett ärende"),
        description=_(
            "Med kontakter (personer med skydd utan adress om du saknar behörighet), "
            "underärenden och available_actions: de åtgärder du får utföra nu."
        ),
        responses={200: CaseDetailSerializer, **READ_ERRORS},
        tags=TAGS,
        parameters=[CASE_ID],
    ),
)
class CaseViewSet(
    CaseActionsMixin,
    CaseErrorsMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """Ärenden: always through ``Case.objects.visible_to(request.user)``."""

    queryset = Case.objects.all()
    permission_classes = [HasPermission]
    required_permissions = {"create": CREATE_CASE, "default": VIEW_CASE}
    lookup_value_regex = "[0-9]{1,18}"
    parser_classes = [parsers.JSONParser]

    def get_queryset(self):
        user = self.request.user
        # The small configuration rows are fetched by id (one trivial query each) rather
        # than joined: with seven joins PostgreSQL spent far longer planning a list query
        # than running it (docs/cases-performance.md). The tsvector is never needed here.
        queryset = (
            Case.objects.visible_to(user)
            .defer("search_vector")
            .prefetch_related(
                "organisation",
                "case_type",
                "queue",
                "status",
                "priority",
                "assignee",
                "resolution",
                "labels",
            )
        )
        return with_unread(queryset, user)

    def get_serializer_class(self):
        return CaseListSerializer if self.action == "list" else CaseDetailSerializer

    def filter_queryset(self, queryset):
        if self.action != "list":
            return queryset
        params = CaseFilterSerializer(data=self.request.query_params.dict())
        params.is_valid(raise_exception=True)
        return apply_filters(queryset, params.validated_data, self.request.user)

    def detail_response(self, case, status_code=status.HTTP_200_OK) -> Response:
        """The case as it is now (re-read through ``visible_to``), or 204 when it is gone."""
        fresh = self.get_queryset().filter(pk=case.pk).first()
        if fresh is None:
            return Response(status=status.HTTP_204_NO_CONTENT)
        data = CaseDetailSerializer(fresh, context=self.get_serializer_context()).data
        return Response(data, status=status_code)

    @extend_schema(
        summary=_("Skapa ett ärende"),
        description=_(
            "Ärendet skapas i funktionen (queue) med ärendetypens startstatus. En API-klient "
            "skapar i sin egen organisations funktioner och ursprunget blir alltid ”api”."
        ),
        request=CaseCreateSerializer,
        responses={201: CaseDetailSerializer, **WRITE_ERRORS},
        tags=TAGS,
    )
    def create(self, request):
        serializer = CaseCreateSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        user = request.user
        is_client = user.kind == UserKind.API
        origin = Origin.API if is_client else data.get("origin") or Origin.INTERNAL
        case = services.do_create(
            actor=user,
            queue=data["queue"],
            case_type=data["case_type"],
            title=data["title"],
            description=data["description"],
            origin=origin,
            draft=data["draft"],
            priority=data.get("priority"),
            due_date=data.get("due_date"),
            labels=data["labels"],
            restricted=data["restricted"],
            contacts=[dict(contact) for contact in data.get("contacts", [])],
        )
        response = self.detail_response(case, status.HTTP_201_CREATED)
        response["Location"] = f"/api/cases/{case.pk}/"
        return response

    # --- sub-resources ------------------------------------------------------------------
    @extend_schema(
        summary=_("Åtgärder du får utföra nu"),
        responses={200: AvailableActionsSerializer, **READ_ERRORS},
        tags=TAGS,
        parameters=[CASE_ID],
    )
    @action(detail=True, methods=["get"], url_path="available-actions")
    def available_actions(self, request, pk=None):
        case = self.get_object()
        return Response(
            {"version": case.version, "available_actions": available_actions(case, request.user)}
        )

    @extend_schema(
        summary=_("Ärendeloggen"),
        description=_("Äldst först, nyckelbaserad sidindelning."),
        responses={200: CaseLogEntrySerializer(many=True), **READ_ERRORS},
        tags=TAGS,
        parameters=[CASE_ID],
    )
    @action(detail=True, methods=["get"], pagination_class=CaseLogPagination)
    def log(self, request, pk=None):
        case = self.get_object()
        rows = (
            CaseLogEntry.objects.restrict(request.user, "cases.view_caselogentry")
            .filter(case=case)
            .select_related("actor")
        )
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(CaseLogEntrySerializer(page, many=True).data)

    @extend_schema(
        methods=["GET"],
        summary=_("Anteckningar"),
        responses={200: NoteSerializer(many=True), **READ_ERRORS},
        tags=TAGS,
        parameters=[CASE_ID],
    )
    @extend_schema(
        methods=["POST"],
        summary=_("Lägg till en anteckning"),
        request=AddNoteSerializer,
        responses={201: NoteSerializer, **WRITE_ERRORS},
        examples=[STALE_EXAMPLE],
        tags=TAGS,
        parameters=[CASE_ID],
    )
    @action(detail=True, methods=["get", "post"], pagination_class=CaseLogPagination)
    def notes(self, request, pk=None):
        case = self.get_object()
        if request.method == "POST":
            serializer = AddNoteSerializer(
                data=request.data, context={**self.get_serializer_context(), "case": case}
            )
            serializer.is_valid(raise_exception=True)
            data = serializer.validated_data
            services.do_add_note(
                case,
                actor=request.user,
                text=data["text"],
                visible_to_citizen=data["visible_to_citizen"],
                expected_version=data.get("expected_version"),
            )
            note = case.log.filter(kind=LogKind.NOTE, actor=request.user).latest("pk")
            return Response(NoteSerializer(note).data, status=status.HTTP_201_CREATED)
        rows = (
            CaseLogEntry.objects.restrict(request.user, "cases.view_caselogentry")
            .filter(case=case, kind=LogKind.NOTE)
            .select_related("actor")
        )
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(NoteSerializer(page, many=True).data)

    @extend_schema(
        methods=["GET"],
        summary=_("Bilagor"),
        responses={200: AttachmentSerializer(many=True), **READ_ERRORS},
        tags=TAGS,
        parameters=[CASE_ID],
    )
    @extend_schema(
        methods=["POST"],
        summary=_("Ladda upp en bilaga"),
        description=_(
            "multipart/form-data med fältet file. Storlek och filtyp (kontrollerad mot "
            "innehållet) prövas av bilagetjänsten."
        ),
        request={"multipart/form-data": AttachmentUpload},
        responses={
            201: AttachmentSerializer,
            **WRITE_ERRORS,
            501: OpenApiResponse(ErrorSerializer, description="Uppladdning saknas ännu."),
        },
        tags=TAGS,
        parameters=[CASE_ID],
    )
    @action(
        detail=True,
        methods=["get", "post"],
        pagination_class=CaseLogPagination,
        parser_classes=[parsers.MultiPartParser, parsers.FormParser],
    )
    def attachments(self, request, pk=None):
        case = self.get_object()
        if request.method == "POST":
            return self._upload(request, case)
        rows = (
            Attachment.objects.restrict(request.user, VIEW_CASE)
            .filter(case=case)
            .select_related("uploaded_by")
        )
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(
            AttachmentSerializer(page, many=True, context=self.get_serializer_context()).data
        )

    def _upload(self, request, case):
        serializer = AttachmentUpload(data=request.data)
        serializer.is_valid(raise_exception=True)
        add = attachment_service()
        if add is None:
            return Response(
                {
                    "detail": _("Uppladdning av bilagor är inte tillgänglig ännu."),
                    "code": "not_available",
                },
                status=status.HTTP_501_NOT_IMPLEMENTED,
            )
        data = serializer.validated_data
        attachment = add(
            case,
            actor=request.user,
            uploaded_file=data["file"],
            visible_to_citizen=data["visible_to_citizen"],
            expected_version=data.get("expected_version"),
        )
        body = AttachmentSerializer(attachment, context=self.get_serializer_context()).data
        return Response(body, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary=_("Hämta en bilaga"),
        description=_("Filen strömmas som bifogad fil; hämtningen loggas."),
        parameters=[
            CASE_ID,
            OpenApiParameter("att_id", int, OpenApiParameter.PATH, description=_("Bilagans id.")),
        ],
        responses={
            (200, "application/octet-stream"): OpenApiTypes.BINARY,
            **READ_ERRORS,
        },
        tags=TAGS,
    )
    @action(
        detail=True,
        methods=["get"],
        url_path=r"attachments/(?P<att_id>[0-9]{1,18})/download",
        renderer_classes=[renderers.JSONRenderer, FileRenderer],
    )
    def download(self, request, pk=None, att_id=None):
        case = self.get_object()
        attachment = (
            Attachment.objects.restrict(request.user, VIEW_CASE)
            .filter(case=case, pk=att_id)
            .first()
        )
        if attachment is None:
            return Response(
                {"detail": _("Bilagan finns inte."), "code": "not_found"},
                status=status.HTTP_404_NOT_FOUND,
            )
        handle = attachment.file.open("rb")
        record_read(
            actor=request.user,
            obj=attachment,
            organisation=case.organisation_id,
            purpose=_("Hämtning av bilaga i ärende %(ref)s") % {"ref": case.reference},
        )
        return FileResponse(
            handle,
            as_attachment=True,
            filename=attachment.original_name,
            content_type=attachment.content_type or "application/octet-stream",
        )
