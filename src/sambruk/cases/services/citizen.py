"""The citizen's side of the case engine (Mina sidor).

A citizen is a party to a case, not a member of the organisation: the staff mechanism
(``restrict``/``visible_to``) gives them nothing. This module is the ONE place that decides
what a citizen may see and do on a case:

* a citizen sees a case when a contact on it is their person (``CaseContact.person``'s civic
  number is the logged-in citizen's) or carries one of the e-mail addresses they verified on
  Mina sidor (FixaMinGata reports confirmed by e-mail, later claimed); drafts and removed
  cases are never shown;
* of a case they see only the case-log entries and attachments flagged
  ``visible_to_citizen`` and the non-internal conversations they take part in (as the citizen
  participant, or as an external participant with a verified address);
* they reply with :func:`do_citizen_reply` (channel ``portal``). An external participant row
  with a verified address becomes the citizen participant at their first reply or when the
  address is verified (:func:`do_claim_email`): from then on the kommun's messages reach them
  as a content-free notice from Mina sidor, never as an e-mail with the content
  (``conversations._email_externals`` only mails *external* participants).

Every function takes the citizen's ``civic_number`` (12 digits) and ``emails`` (verified
addresses) and answers ``None``/empty for anything outside them, so a view answers 404.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from ..errors import CaseActionError
from ..models import (
    Attachment,
    Case,
    CaseContact,
    CaseLogEntry,
    Conversation,
    ConversationParticipant,
    LogKind,
    Message,
    MessageChannel,
    Origin,
    ParticipantKind,
)
from ..predicates import require_active
from .attachments import delete_files_on_error, store_attachment
from .base import commit_change, lock
from .conversations import BODY_MAX, _email_externals, new_threaded_message


@dataclass(frozen=True)
class Citizen:
    """Who is asking: the civic number of the e-legitimation and the verified addresses."""

    civic_number: str
    emails: tuple[str, ...] = ()

    @classmethod
    def of(cls, user, emails=()) -> Citizen:
        return cls(
            civic_number=getattr(user, "civic_number", "") or "",
            emails=tuple(sorted({e.strip().lower() for e in emails if e and e.strip()})),
        )

    def contact_q(self, prefix: str = "") -> Q | None:
        from sambruk.core.persons.models import Person

        q = Q()
        if self.civic_number:
            # The person's id first (unique civic number), so the contacts are found through
            # the index on ``person_id`` instead of a join over every contact.
            person = Person.objects.filter(civic_number=self.civic_number).values("pk")
            q |= Q(**{f"{prefix}person_id__in": person})
        for email in self.emails:
            q |= Q(**{f"{prefix}email__iexact": email})
        return q if q else None


# --- reads -------------------------------------------------------------------------------
#: What a citizen's case list and case page read of a case (no search document, no notes).
LIST_FIELDS = (
    "id",
    "organisation__name",
    "organisation__slug",
    "case_type__name",
    "status__name",
    "status__kind",
    "reference",
    "title",
    "state",
    "origin",
    "removed",
    "is_draft",
    "created_at",
    "updated_at",
    "closed_at",
)


#: Functions ``email -> [(Citizen, Person | None), …]``: whose verified Mina sidor address
#: ``email`` is. The portal registers one; the case engine does not know its models.
_address_owners: list = []


def register_address_owner(lookup) -> None:
    if lookup not in _address_owners:
        _address_owners.append(lookup)


def mina_sidor_owner(case: Case, email: str):
    """``(Citizen, Person | None)`` of the citizen who verified ``email`` on Mina sidor and
    sees ``case`` there, or ``None``."""
    email = (email or "").strip()
    if not email:
        return None
    for lookup in _address_owners:
        for citizen, person in lookup(email):
            if cases_for_citizen(citizen).filter(pk=case.pk).exists():
                return citizen, person
    return None


def cases_for_citizen(citizen: Citizen):
    """Every case the citizen is a contact on (open and closed), newest change first."""
    q = citizen.contact_q()
    if q is None:
        return Case.objects.none()
    ids = CaseContact.objects.filter(q).values("case_id")
    return (
        Case.objects.filter(pk__in=ids, is_draft=False, removed=False)
        .select_related("case_type", "status", "organisation")
        .only(*LIST_FIELDS)
        .order_by("-updated_at", "-pk")
    )


def case_list(citizen: Citizen) -> list[dict]:
    """The citizen's cases as plain values for a list (no model instances: cheap for a
    citizen with hundreds of cases), newest change first. Keys: ``id``, ``title``,
    ``reference``, ``state``, ``origin``, ``updated_at``, ``organisation_id``,
    ``organisation__name``, ``case_type__name``, ``status__name``."""
    return list(
        cases_for_citizen(citizen).values(
            "id",
            "title",
            "reference",
            "state",
            "origin",
            "updated_at",
            "organisation_id",
            "organisation__name",
            "case_type__name",
            "status__name",
        )
    )


def origin_labels() -> dict[str, str]:
    """``{origin code: label}`` in the active language (where a case came in from)."""
    return {code: str(label) for code, label in Origin.choices}


def citizen_case(citizen: Citizen, pk) -> Case | None:
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        return None
    return cases_for_citizen(citizen).filter(pk=pk).first()


def visible_log(case: Case, citizen: Citizen | None = None):
    """Case-log entries flagged visible to citizens. With ``citizen``, an entry about a
    conversation (``data["conversation"]``) is shown only to those who take part in it: a
    co-applicant does not learn the topics of the applicant's own threads."""
    rows = CaseLogEntry.objects.filter(case=case, visible_to_citizen=True)
    if citizen is not None:
        q = _participant_q(citizen)
        mine = (
            list(
                ConversationParticipant.objects.filter(q, conversation__case=case)
                .values_list("conversation_id", flat=True)
                .distinct()
            )
            if q is not None
            else []
        )
        rows = rows.filter(Q(data__conversation__isnull=True) | Q(data__conversation__in=mine))
    return rows.order_by("at", "pk")


def visible_attachments(case: Case, citizen: Citizen):
    """Attachments flagged visible to the citizen — of a message only when the citizen takes
    part in its conversation (a co-applicant's own thread stays theirs)."""
    rows = Attachment.objects.filter(case=case, visible_to_citizen=True)
    q = _participant_q(citizen)
    mine = (
        ConversationParticipant.objects.filter(q).values("conversation_id")
        if q is not None
        else ConversationParticipant.objects.none().values("conversation_id")
    )
    return rows.filter(Q(message__isnull=True) | Q(message__conversation_id__in=mine)).order_by(
        "uploaded_at", "pk"
    )


def citizen_attachment(citizen: Citizen, case_pk, attachment_pk) -> Attachment | None:
    case = citizen_case(citizen, case_pk)
    if case is None:
        return None
    try:
        return visible_attachments(case, citizen).filter(pk=int(attachment_pk)).first()
    except (TypeError, ValueError):
        return None


def _participant_q(citizen: Citizen) -> Q | None:
    q = Q()
    if citizen.civic_number:
        q |= Q(kind=ParticipantKind.CITIZEN, person__civic_number=citizen.civic_number)
    for email in citizen.emails:
        q |= Q(kind__in=[ParticipantKind.EXTERNAL, ParticipantKind.CITIZEN], email__iexact=email)
    return q if q else None


def citizen_participant(citizen: Citizen, conversation) -> ConversationParticipant | None:
    q = _participant_q(citizen)
    if q is None or conversation.internal:
        return None
    return conversation.participants.filter(q).order_by("kind", "pk").first()


def citizen_conversations(citizen: Citizen, case: Case) -> list[Conversation]:
    """The case's non-internal conversations the citizen takes part in, with their messages
    (``conversation.thread``: messages with author and attachments, oldest first)."""
    q = _participant_q(citizen)
    if q is None:
        return []
    mine = ConversationParticipant.objects.filter(q).values("conversation_id")
    conversations = list(
        Conversation.objects.filter(case=case, internal=False, pk__in=mine).order_by(
            "created_at", "pk"
        )
    )
    messages = (
        Message.objects.filter(conversation__in=conversations)
        .select_related("author")
        .prefetch_related("attachments")
        .order_by("created_at", "pk")
    )
    by_conversation: dict[int, list] = {c.pk: [] for c in conversations}
    for message in messages:
        by_conversation[message.conversation_id].append(message)
    for conversation in conversations:
        conversation.thread = by_conversation[conversation.pk]
    return conversations


def citizen_conversation(citizen: Citizen, case_pk, conversation_pk) -> Conversation | None:
    case = citizen_case(citizen, case_pk)
    if case is None:
        return None
    try:
        conversation = Conversation.objects.filter(
            case=case, internal=False, pk=int(conversation_pk)
        ).first()
    except (TypeError, ValueError):
        return None
    if conversation is None or citizen_participant(citizen, conversation) is None:
        return None
    return conversation


def notice_recipients(event) -> list:
    """For a stored ``case.message_posted`` event: the citizen participants (``Person`` rows)
    who should get a "new message on Mina sidor" notice, i.e. everybody of kind citizen in a
    non-internal conversation except the author. Empty for other events."""
    if event.name != "case.message_posted":
        return []
    message_id = (event.payload or {}).get("changes", {}).get("message")
    if not message_id:
        return []
    message = (
        Message.objects.filter(message_id=message_id, conversation__case_id=event.case_id)
        .select_related("conversation", "author")
        .first()
    )
    if message is None or message.conversation.internal:
        return []
    rows = message.conversation.participants.filter(
        kind=ParticipantKind.CITIZEN, person__isnull=False
    ).select_related("person")
    return [p.person for p in rows if p.pk != message.author_id]


# --- writes ------------------------------------------------------------------------------
def _as_citizen_participant(participant, person) -> ConversationParticipant:
    """An external participant with a verified address becomes the citizen participant."""
    if participant.kind == ParticipantKind.CITIZEN:
        if participant.person_id is None and person is not None:
            participant.person = person
            participant.save(update_fields=["person"])
        return participant
    participant.kind = ParticipantKind.CITIZEN
    participant.person = person
    participant.name = participant.name or (person.full_name if person else "")
    participant.save(update_fields=["kind", "person", "name"])
    return participant


@transaction.atomic
def do_citizen_reply(
    conversation, *, actor, citizen: Citizen, person=None, body: str, attachments=()
) -> Message:
    """The citizen ``actor`` (logged in on Mina sidor) writes in ``conversation``.

    Refused (``CaseActionError``) when the citizen does not take part, the conversation is
    internal, the case is closed, removed or a draft, the message is empty or too long, or an
    attachment is refused (type, size, disguised). Attachments are visible to the citizen.
    External participants of the conversation get the message by e-mail as for staff
    messages; staff see it in the workspace conversation.
    """
    found = citizen_conversation(citizen, conversation.case_id, conversation.pk)
    if found is None:
        raise CaseActionError(
            _("Konversationen finns inte eller så deltar du inte i den."), code="not_found"
        )
    case = lock(found.case)
    require_active(case)
    conversation = Conversation.objects.select_for_update().get(pk=found.pk)
    body = (body or "").strip()
    if not body:
        raise CaseActionError(_("Meddelandet är tomt."), code="message_empty")
    if len(body) > BODY_MAX:
        raise CaseActionError(
            _("Meddelandet får vara högst %(max)s tecken.") % {"max": BODY_MAX},
            code="message_too_long",
        )
    author = _as_citizen_participant(citizen_participant(citizen, conversation), person)
    message, previous = new_threaded_message(
        conversation, author=author, body=body, channel=MessageChannel.PORTAL
    )
    with delete_files_on_error([]) as written:
        files = [
            store_attachment(
                case,
                actor=actor,
                uploaded_file=item,
                message=message,
                visible_to_citizen=True,
                written=written,
            )
            for item in attachments
        ]
        commit_change(
            case,
            actor=actor,
            event="case.message_posted",
            kind=LogKind.CONVERSATION,
            text=_("Nytt meddelande i konversationen %(topic)s från %(author)s (Mina sidor).")
            % {"topic": conversation.topic, "author": str(author)},
            data={
                "conversation": conversation.pk,
                "message": message.pk,
                "attachments": [a.pk for a in files],
            },
            changes={
                "message": message.message_id,
                "attachments": [a.original_name for a in files],
                "channel": MessageChannel.PORTAL,
            },
            visible_to_citizen=True,
        )
        _email_externals(case, conversation, message, author, files, previous)
    return message


@transaction.atomic
def do_claim_email(*, actor, citizen: Citizen, person, email: str) -> int:
    """After the citizen verified ``email``: every external participant with that address on
    a non-internal conversation of the citizen's cases becomes the citizen participant (so
    the kommun's messages no longer go out by e-mail with their content). Returns how many.
    Each case affected gets a case-log entry, an audit event and a stored event."""
    email = (email or "").strip().lower()
    if not email or email not in citizen.emails:
        raise CaseActionError(_("E-postadressen är inte bekräftad."), code="not_verified")
    rows = list(
        ConversationParticipant.objects.filter(
            kind=ParticipantKind.EXTERNAL,
            email__iexact=email,
            conversation__internal=False,
            conversation__case__in=cases_for_citizen(citizen),
        ).select_related("conversation")
    )
    by_case: dict[int, list] = {}
    for row in rows:
        by_case.setdefault(row.conversation.case_id, []).append(row)
    for case_id, participants in by_case.items():
        case = lock(Case(pk=case_id))
        for participant in participants:
            _as_citizen_participant(participant, person)
        commit_change(
            case,
            actor=actor,
            event="case.participant_claimed",
            kind=LogKind.CONVERSATION,
            text=_("Invånaren följer nu konversationen på Mina sidor."),
            data={"participants": [p.pk for p in participants]},
            changes={"participants": [p.pk for p in participants], "channel": "portal"},
            visible_to_citizen=True,
        )
    return len(rows)
