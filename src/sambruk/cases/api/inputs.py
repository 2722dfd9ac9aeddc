"""Request serializers: the body of ``POST /api/cases/`` and of every action.

They check the *shape* of a request and resolve ids in the scope the request may reach (the
case's organisation, the user's organisations); an id outside that scope is a field error,
never a reason to reveal the row. The rules of the actions stay in the services.
"""

from __future__ import annotations

import re

from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from sambruk.core.authz.permissions import has_perm
from sambruk.core.persons.models import Person

from ..models import Case, CaseType, Label, Origin, Priority, Queue, Resolution, Status
from ..roles import CREATE_CASE

MAX_ID = 2**63 - 1
VIEW_PERSON = "persons.view_person"
_ID = re.compile(r"[0-9]{1,19}")


class ScopedPK(serializers.PrimaryKeyRelatedField):
    """A primary key looked up in ``scope(serializer context)`` (an id out of scope = not found).

    Accepts only integers in the 64-bit range, so no value reaches the database as an error.
    """

    def __init__(self, model, scope, **kwargs):
        self.scope = scope
        super().__init__(queryset=model._default_manager.none(), **kwargs)

    def get_queryset(self):
        return self.scope(self.context)

    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, int | str):
            self.fail("incorrect_type", data_type=type(data).__name__)
        if isinstance(data, str) and not _ID.fullmatch(data):
            self.fail("incorrect_type", data_type="str")
        value = int(data)
        if not 1 <= value <= MAX_ID:
            self.fail("does_not_exist", pk_value=data)
        return super().to_internal_value(value)


def _case(context) -> Case:
    return context["case"]


def _user(context):
    return context["request"].user


def case_org_users(context):
    return (
        get_user_model()
        .objects.filter(memberships__organisation_id=_case(context).organisation_id, is_active=True)
        .distinct()
    )


def case_org_labels(context):
    return Label.objects.filter(organisation_id=_case(context).organisation_id)


def case_org_priorities(context):
    return Priority.objects.filter(organisation_id=_case(context).organisation_id)


def case_org_case_types(context):
    return CaseType.objects.filter(organisation_id=_case(context).organisation_id, active=True)


def case_org_queues(context):
    return Queue.objects.filter(organisation_id=_case(context).organisation_id, active=True)


def case_statuses(context):
    return Status.objects.filter(case_type_id=_case(context).case_type_id)


def case_resolutions(context):
    return Resolution.objects.filter(case_type_id=_case(context).case_type_id, active=True)


def persons_in_reach(context):
    """Registered persons, for a user who may look persons up in the case's organisation."""
    case = context.get("case")
    org = case.organisation_id if case is not None else None
    if has_perm(_user(context), VIEW_PERSON, org):
        return Person.objects.all()
    return Person.objects.none()


# --- create ---------------------------------------------------------------------------
class ContactInputSerializer(serializers.Serializer):
    """A contact: a registered ``person`` (id) or a free contact (name, e-mail or phone)."""

    person = ScopedPK(
        Person,
        persons_in_reach,
        required=False,
        allow_null=True,
        help_text=_("Registrerad person (kräver persons.view_person)."),
    )
    name = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    email = serializers.EmailField(max_length=254, required=False, allow_blank=True, default="")
    phone = serializers.CharField(max_length=40, required=False, allow_blank=True, default="")
    address = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
    role = serializers.CharField(
        max_length=60, required=False, allow_blank=True, default="", help_text=_("T.ex. Anmälare.")
    )
    note = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")

    def validate(self, attrs):
        if attrs.get("person") is None and not any(
            attrs.get(k, "").strip() for k in ("name", "email", "phone")
        ):
            raise serializers.ValidationError(
                _("Ange en person eller namn, e-post eller telefon."), code="contact_empty"
            )
        return attrs


def creatable_queues(context):
    return Queue.objects.restrict(_user(context), CREATE_CASE).filter(active=True)


def creatable_case_types(context):
    return CaseType.objects.restrict(_user(context), CREATE_CASE).filter(active=True)


def creatable_labels(context):
    return Label.objects.restrict(_user(context), CREATE_CASE)


def creatable_priorities(context):
    return Priority.objects.restrict(_user(context), CREATE_CASE)


class CaseCreateSerializer(serializers.Serializer):
    """Body of ``POST /api/cases/``.

    ``queue`` must be an active queue of an organisation where you may create cases (an API
    client: its own organisation); type, priority and labels must belong to the same one.
    """

    queue = ScopedPK(Queue, creatable_queues, help_text=_("Funktion (kö) som tar emot ärendet."))
    case_type = ScopedPK(
        CaseType,
        creatable_case_types,
        required=False,
        allow_null=True,
        help_text=_("Ärendetyp; utelämnad = funktionens ärendetyp för inkommande ärenden."),
    )
    title = serializers.CharField(max_length=300)
    description = serializers.CharField(
        max_length=100_000, required=False, allow_blank=True, default=""
    )
    priority = ScopedPK(Priority, creatable_priorities, required=False, allow_null=True)
    due_date = serializers.DateField(required=False, allow_null=True)
    labels = serializers.ListField(
        child=ScopedPK(Label, creatable_labels), required=False, default=list, max_length=50
    )
    draft = serializers.BooleanField(
        required=False, default=False, help_text=_("Skapa som utkast (syns bara för dig).")
    )
    restricted = serializers.BooleanField(
        required=False,
        allow_null=True,
        default=None,
        help_text=_("Begränsad åtkomst; utelämnad = ärendetypens standard."),
    )
    origin = serializers.ChoiceField(
        choices=Origin.choices,
        required=False,
        help_text=_("Ursprung. API-klienter får alltid ”api”; personal annars ”internal”."),
    )
    contacts = ContactInputSerializer(many=True, required=False, max_length=20)

    def validate(self, attrs):
        queue = attrs["queue"]
        org = queue.organisation_id
        case_type = attrs.get("case_type") or queue.default_case_type
        if case_type is None:
            raise serializers.ValidationError(
                {"case_type": [_("Ange ärendetyp: funktionen har ingen förvald ärendetyp.")]}
            )
        errors = {}
        if case_type.organisation_id != org or not case_type.active:
            errors["case_type"] = [_("Ärendetypen hör inte till funktionens organisation.")]
        priority = attrs.get("priority")
        if priority is not None and priority.organisation_id != org:
            errors["priority"] = [_("Prioriteten hör till en annan organisation.")]
        if any(label.organisation_id != org for label in attrs.get("labels", [])):
            errors["labels"] = [_("Etiketten hör till en annan organisation.")]
        contacts = attrs.get("contacts", [])
        if any(c.get("person") for c in contacts) and not has_perm(
            self.context["request"].user, VIEW_PERSON, org
        ):
            errors["contacts"] = [_("Du saknar behörighet att koppla personer i organisationen.")]
        if errors:
            raise serializers.ValidationError(errors)
        attrs["case_type"] = case_type
        return attrs


# --- actions --------------------------------------------------------------------------
class ActionSerializer(serializers.Serializer):
    """Every action accepts ``expected_version``: the case's ``version`` as the client saw it.

    When it no longer matches, the action is refused with 409 and code ``stale``.
    """

    expected_version = serializers.IntegerField(
        required=False,
        allow_null=True,
        min_value=1,
        max_value=2**31 - 1,
        help_text=_("Ärendets version som klienten utgår från (optimistisk kontroll)."),
    )


class AssignToSerializer(ActionSerializer):
    user = ScopedPK(
        get_user_model(),
        case_org_users,
        help_text=_("Handläggare: medlem i ärendets funktion med rätt att handlägga."),
    )


class SendToQueueSerializer(ActionSerializer):
    queue = ScopedPK(
        Queue,
        lambda context: Queue.objects.filter(active=True),
        help_text=_("Funktion att skicka till, även i en annan organisation."),
    )
    note = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")


class ChangeStatusSerializer(ActionSerializer):
    status = ScopedPK(Status, case_statuses, help_text=_("En status i ärendets ärendetyp."))
    resolution = ScopedPK(
        Resolution,
        case_resolutions,
        required=False,
        allow_null=True,
        help_text=_("Utfall, när den nya statusen avslutar ärendet."),
    )


class CloseSerializer(ActionSerializer):
    resolution = ScopedPK(Resolution, case_resolutions, required=False, allow_null=True)
    status = ScopedPK(
        Status,
        case_statuses,
        required=False,
        allow_null=True,
        help_text=_("Avslutande status; utelämnad = den första tillåtna."),
    )


class ReopenSerializer(ActionSerializer):
    status = ScopedPK(
        Status,
        case_statuses,
        required=False,
        allow_null=True,
        help_text=_("Status att återöppna till; utelämnad = den första tillåtna."),
    )


class ChangePrioritySerializer(ActionSerializer):
    priority = ScopedPK(
        Priority, case_org_priorities, allow_null=True, help_text=_("null = ingen prioritet.")
    )


class ChangeDueDateSerializer(ActionSerializer):
    due_date = serializers.DateField(allow_null=True, help_text=_("null = inget förfallodatum."))


class ChangeTitleSerializer(ActionSerializer):
    title = serializers.CharField(max_length=300)


class ChangeDescriptionSerializer(ActionSerializer):
    description = serializers.CharField(max_length=100_000, allow_blank=True)


class ChangeTypeSerializer(ActionSerializer):
    case_type = ScopedPK(CaseType, case_org_case_types)


class LabelActionSerializer(ActionSerializer):
    label = ScopedPK(Label, case_org_labels)


class AddContactSerializer(ActionSerializer, ContactInputSerializer):
    pass


class AddNoteSerializer(ActionSerializer):
    text = serializers.CharField(max_length=20_000)
    visible_to_citizen = serializers.BooleanField(required=False, default=False)


class RestrictSerializer(ActionSerializer):
    users = serializers.ListField(
        child=ScopedPK(get_user_model(), case_org_users),
        required=False,
        default=list,
        max_length=100,
        help_text=_("Fler behöriga utöver dig själv och handläggaren."),
    )


class RemoveSerializer(ActionSerializer):
    reason = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class CreateSubcaseSerializer(ActionSerializer):
    title = serializers.CharField(max_length=300)
    description = serializers.CharField(
        max_length=100_000, required=False, allow_blank=True, default=""
    )
    case_type = ScopedPK(CaseType, case_org_case_types, required=False, allow_null=True)
    queue = ScopedPK(Queue, case_org_queues, required=False, allow_null=True)


def linkable_cases(context):
    case = _case(context)
    return Case.objects.visible_to(_user(context)).filter(organisation_id=case.organisation_id)


class LinkSubcaseSerializer(ActionSerializer):
    child = ScopedPK(
        Case, linkable_cases, help_text=_("Ärendet som blir underärende till detta ärende.")
    )


class AttachmentUpload(serializers.Serializer):
    """``POST /api/cases/{id}/attachments/`` (multipart/form-data); the attachment service
    checks size and type (by content)."""

    file = serializers.FileField(help_text=_("Filen."))
    visible_to_citizen = serializers.BooleanField(required=False, default=False)
    expected_version = serializers.IntegerField(
        required=False, allow_null=True, min_value=1, max_value=2**31 - 1
    )
