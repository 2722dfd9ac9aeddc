"""Output serializers of the case API (read-only) and the shared error body.

Serializers only shape data; every rule lives in the services and predicates. Contacts that
are registered persons go through :func:`visible_person_data`, so protected addresses never
leave the server for a user without ``persons.view_protected``.
"""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from sambruk.core.persons.protection import visible_person_data

from ..actions import available_actions
from ..models import (
    Attachment,
    Case,
    CaseContact,
    CaseLogEntry,
    CaseState,
    Label,
    LogKind,
    Priority,
    Queue,
    Status,
    StatusKind,
)


class CaseErrorSerializer(serializers.Serializer):
    """The project's error body: a Swedish message and a stable code (plus field errors)."""

    detail = serializers.CharField()
    code = serializers.CharField()
    errors = serializers.DictField(
        required=False, help_text=_("Fältfel vid ogiltig begäran: fältnamn → meddelanden.")
    )


ErrorSerializer = CaseErrorSerializer


class RefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class UserRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField(source="get_full_name")


class StatusSerializer(serializers.ModelSerializer):
    kind = serializers.ChoiceField(choices=StatusKind.choices, read_only=True)

    class Meta:
        model = Status
        fields = ["id", "name", "code", "order", "kind", "is_initial"]
        read_only_fields = fields


class PriorityRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Priority
        fields = ["id", "name", "colour", "rank"]
        read_only_fields = fields


class LabelRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Label
        fields = ["id", "name"]
        read_only_fields = fields


def is_overdue(case) -> bool:
    return bool(
        case.due_date
        and case.due_date < timezone.localdate()
        and case.state in (CaseState.OPEN, CaseState.ON_HOLD)
        and not case.removed
    )


class CaseListSerializer(serializers.ModelSerializer):
    """A case in a list. The detail adds description, contacts and the available actions."""

    case_type = RefSerializer(read_only=True)
    queue = RefSerializer(read_only=True)
    status = StatusSerializer(read_only=True)
    priority = PriorityRefSerializer(read_only=True, allow_null=True)
    assignee = UserRefSerializer(read_only=True, allow_null=True)
    labels = LabelRefSerializer(many=True, read_only=True)
    resolution = RefSerializer(read_only=True, allow_null=True)
    overdue = serializers.SerializerMethodField(help_text=_("Förfallodatum passerat, ej avslutat."))
    unread = serializers.SerializerMethodField(
        help_text=_("Ärendet har ändrats sedan användaren läste det senast.")
    )

    class Meta:
        model = Case
        fields = [
            "id",
            "reference",
            "title",
            "organisation",
            "case_type",
            "queue",
            "status",
            "state",
            "priority",
            "due_date",
            "overdue",
            "assignee",
            "labels",
            "origin",
            "restricted",
            "is_draft",
            "removed",
            "resolution",
            "parent",
            "created_at",
            "updated_at",
            "closed_at",
            "version",
            "unread",
        ]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.BOOL)
    def get_overdue(self, case) -> bool:
        return is_overdue(case)

    @extend_schema_field(OpenApiTypes.BOOL)
    def get_unread(self, case) -> bool:
        unread = getattr(case, "unread", None)
        if unread is None:
            from ..queries import is_unread

            return is_unread(case, self.context["request"].user)
        return bool(unread)


class ContactPersonSerializer(serializers.Serializer):
    """The registered person of a contact, as the user may see them (masked civic number)."""

    id = serializers.IntegerField()
    full_name = serializers.CharField()
    civic_number = serializers.CharField(help_text=_("Maskerat: ÅÅÅÅMMDD-****."))
    protection = serializers.CharField()
    protected_data_hidden = serializers.BooleanField()
    care_of = serializers.CharField(allow_null=True)
    street_address = serializers.CharField(allow_null=True)
    postal_code = serializers.CharField(allow_null=True)
    city = serializers.CharField(allow_null=True)
    email = serializers.CharField(allow_null=True)
    phone = serializers.CharField(allow_null=True)


class ContactSerializer(serializers.Serializer):
    """A contact. For a protected person the contact's own address, e-mail and phone are hidden
    too (``null``) unless the user holds ``persons.view_protected``; the read is audited."""

    id = serializers.IntegerField()
    role = serializers.CharField()
    name = serializers.CharField(help_text=_("Visningsnamn (personens namn eller fritt namn)."))
    email = serializers.CharField(allow_null=True)
    phone = serializers.CharField(allow_null=True)
    address = serializers.CharField(allow_null=True)
    note = serializers.CharField()
    person = ContactPersonSerializer(allow_null=True)

    def to_representation(self, contact: CaseContact):
        data = {
            "id": contact.pk,
            "role": contact.role,
            "name": contact.display_name,
            "email": contact.email,
            "phone": contact.phone,
            "address": contact.address,
            "note": contact.note,
            "person": None,
        }
        if contact.person_id:
            case = contact.case
            person = visible_person_data(
                contact.person,
                self.context["request"].user,
                organisation=case.organisation_id,
                purpose=_("Ärende %(ref)s via API") % {"ref": case.reference},
            )
            data["person"] = {name: person[name] for name in ContactPersonSerializer().fields}
            if person["protected_data_hidden"]:
                data.update(email=None, phone=None, address=None)
        return data


class SubcaseRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    reference = serializers.CharField()
    title = serializers.CharField()
    state = serializers.ChoiceField(choices=CaseState.choices)


class CaseDetailSerializer(CaseListSerializer):
    """A case with everything a client needs to act on it.

    ``available_actions`` is exactly :func:`sambruk.cases.actions.available_actions`: the
    engine's action names. Their endpoints are ``/api/cases/{id}/actions/<name>/`` with three
    longer names: ``send_to`` → ``send_to_queue``, ``delete`` → ``delete_draft`` and
    ``unlink_parent`` → ``unlink_subcase``.
    """

    organisation_name = serializers.CharField(source="organisation.name", read_only=True)
    contacts = serializers.SerializerMethodField()
    subcases = serializers.SerializerMethodField()
    available_actions = serializers.SerializerMethodField(
        help_text=_("Åtgärder som användaren får utföra nu.")
    )

    class Meta(CaseListSerializer.Meta):
        fields = [
            *CaseListSerializer.Meta.fields,
            "organisation_name",
            "description",
            "contacts",
            "subcases",
            "available_actions",
        ]
        read_only_fields = fields

    @extend_schema_field(ContactSerializer(many=True))
    def get_contacts(self, case):
        user = self.context["request"].user
        rows = (
            CaseContact.objects.restrict(user, "cases.view_casecontact")
            .filter(case=case)
            .select_related("person", "case")
        )
        return ContactSerializer(rows, many=True, context=self.context).data

    @extend_schema_field(SubcaseRefSerializer(many=True))
    def get_subcases(self, case):
        user = self.context["request"].user
        rows = Case.objects.visible_to(user).filter(parent=case, removed=False).order_by("pk")
        return SubcaseRefSerializer(rows, many=True).data

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_available_actions(self, case) -> list[str]:
        return available_actions(case, self.context["request"].user)


class CaseLogEntrySerializer(serializers.ModelSerializer):
    actor = UserRefSerializer(read_only=True, allow_null=True)
    kind = serializers.ChoiceField(choices=LogKind.choices, read_only=True)

    class Meta:
        model = CaseLogEntry
        fields = ["id", "at", "actor", "kind", "text", "data", "visible_to_citizen"]
        read_only_fields = fields


class NoteSerializer(serializers.ModelSerializer):
    """A note (anteckning): a case-log entry of kind ``note``."""

    actor = UserRefSerializer(read_only=True, allow_null=True)

    class Meta:
        model = CaseLogEntry
        fields = ["id", "at", "actor", "text", "visible_to_citizen"]
        read_only_fields = fields


class AttachmentSerializer(serializers.ModelSerializer):
    uploaded_by = UserRefSerializer(read_only=True, allow_null=True)
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = Attachment
        fields = [
            "id",
            "original_name",
            "content_type",
            "size",
            "sha256",
            "uploaded_by",
            "uploaded_at",
            "visible_to_citizen",
            "message",
            "download_url",
        ]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.URI)
    def get_download_url(self, attachment) -> str:
        path = f"/api/cases/{attachment.case_id}/attachments/{attachment.pk}/download/"
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request else path


class AvailableActionsSerializer(serializers.Serializer):
    version = serializers.IntegerField(
        help_text=_("Ärendets version att skicka som expected_version.")
    )
    available_actions = serializers.ListField(child=serializers.CharField())


# --- configuration --------------------------------------------------------------------
class TransitionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    from_status = serializers.IntegerField(source="from_status_id")
    to_status = serializers.IntegerField(source="to_status_id")
    name = serializers.CharField()


class CaseTypeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    organisation = serializers.IntegerField(source="organisation_id")
    name = serializers.CharField()
    code = serializers.CharField()
    description = serializers.CharField()
    default_days_to_due = serializers.IntegerField(allow_null=True)
    resolution_required = serializers.BooleanField()
    restricted_by_default = serializers.BooleanField()
    active = serializers.BooleanField()
    statuses = StatusSerializer(many=True)
    transitions = TransitionSerializer(many=True)
    resolutions = RefSerializer(
        many=True, source="active_resolutions", help_text=_("Aktiva utfall.")
    )


class QueueSerializer(serializers.ModelSerializer):
    class Meta:
        model = Queue
        fields = ["id", "organisation", "orgunit", "name", "default_case_type", "active"]
        read_only_fields = fields


class LabelSerializer(serializers.ModelSerializer):
    class Meta:
        model = Label
        fields = ["id", "organisation", "name"]
        read_only_fields = fields


class PrioritySerializer(serializers.ModelSerializer):
    class Meta:
        model = Priority
        fields = ["id", "organisation", "name", "colour", "rank"]
        read_only_fields = fields
