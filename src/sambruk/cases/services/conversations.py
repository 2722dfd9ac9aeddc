"""Conversations on a case: staff, the citizen and external e-mail participants.

Threading model (the inbound side is the Channel's e-mail gateway, which calls
:func:`thread_for_reply`):

* every :class:`Message` gets its own ``Message-ID``; the first message's becomes the
  conversation's ``thread_id``;
* an e-mail to an external participant carries the message's ``Message-ID``,
  ``In-Reply-To`` = the previous message of the conversation, ``References`` = the thread
  root and the previous message, and ``Reply-To: svar+<participant.reply_token>@<domain>``
  (``CASES_REPLY_DOMAIN``, default the domain of ``DEFAULT_FROM_EMAIL``);
* a reply is resolved by the token in the address it was sent to, or else by the
  ``In-Reply-To``/``References`` Message-IDs.

Internal notes are :func:`~sambruk.cases.services.details.do_add_note`.
"""

from __future__ import annotations

import re
from email.utils import getaddresses, make_msgid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.translation import gettext as _

from sambruk.core.notifications.services import queue_email

from .. import search_create
from ..errors import CaseActionError
from ..models import (
    Attachment,
    CaseContact,
    Conversation,
    ConversationParticipant,
    LogKind,
    Message,
    MessageChannel,
    ParticipantKind,
)
from ..predicates import can_see
from .attachments import delete_files_on_error, store_attachment
from .base import begin, commit_change, user_label

REPLY_PREFIX = "svar+"
TOPIC_MAX = 200
BODY_MAX = 100_000

_MSGID = re.compile(r"<[^<>\s]+>")


def reply_domain() -> str:
    default = settings.DEFAULT_FROM_EMAIL.rsplit("@", 1)[-1].strip("> ") or "sambruk.localhost"
    return getattr(settings, "CASES_REPLY_DOMAIN", "") or default


def reply_address(participant) -> str:
    return f"{REPLY_PREFIX}{participant.reply_token}@{reply_domain()}"


def new_message_id() -> str:
    return make_msgid(domain=reply_domain())


# --- participants ----------------------------------------------------------------------
def _participant_spec(item) -> dict:
    """A User, a Person, an e-mail string or ``{"email": …, "name": …}`` → field values."""
    from django.contrib.auth import get_user_model

    from sambruk.core.persons.models import Person

    if isinstance(item, get_user_model()):
        return {"kind": ParticipantKind.STAFF, "user": item, "name": user_label(item)}
    if isinstance(item, Person):
        return {"kind": ParticipantKind.CITIZEN, "person": item, "name": item.full_name}
    if isinstance(item, str):
        item = {"email": item}
    if isinstance(item, dict):
        name, address = getaddresses([item.get("email", "")])[0] if item.get("email") else ("", "")
        return {
            "kind": ParticipantKind.EXTERNAL,
            "email": address.strip(),
            "name": (item.get("name") or name or "").strip()[:200],
        }
    raise CaseActionError(_("Okänd deltagare."), code="invalid_participant")


def _add_participant(conversation, case, spec: dict) -> ConversationParticipant:
    kind = spec["kind"]
    if conversation.internal and kind != ParticipantKind.STAFF:
        raise CaseActionError(
            _("En intern konversation kan bara ha personal som deltagare."),
            code="internal_conversation",
        )
    existing = conversation.participants.all()
    if kind == ParticipantKind.STAFF:
        user = spec["user"]
        if not can_see(case, user):
            raise CaseActionError(
                _("%(user)s har ingen behörighet till ärendet.") % {"user": spec["name"]},
                code="invalid_participant",
            )
        duplicate = existing.filter(user=user).first()
    elif kind == ParticipantKind.CITIZEN:
        person = spec["person"]
        if not CaseContact.objects.filter(case=case, person=person).exists():
            raise CaseActionError(
                _("%(name)s är inte kontakt i ärendet.") % {"name": spec["name"]},
                code="invalid_participant",
            )
        duplicate = existing.filter(kind=ParticipantKind.CITIZEN, person=person).first()
    else:
        address = spec["email"]
        try:
            if not address:
                raise ValidationError("empty")
            validate_email(address)
        except ValidationError:
            raise CaseActionError(
                _("”%(email)s” är ingen giltig e-postadress.") % {"email": address},
                code="invalid_email",
            ) from None
        duplicate = existing.filter(kind=ParticipantKind.EXTERNAL, email__iexact=address).first()
        owner = _mina_sidor_owner(case, address)
        if owner is not None:
            # The address is verified on Mina sidor by a citizen who sees this case: they take
            # part as the citizen and get content-free notices, never the content by e-mail.
            person = owner[1]
            spec = {**spec, "kind": ParticipantKind.CITIZEN, "person": person}
            spec["name"] = spec["name"] or (person.full_name if person else "")
            duplicate = duplicate or (
                existing.filter(kind=ParticipantKind.CITIZEN, person=person).first()
                if person is not None
                else existing.filter(kind=ParticipantKind.CITIZEN, email__iexact=address).first()
            )
    if duplicate is not None:
        raise CaseActionError(
            _("%(name)s deltar redan i konversationen.") % {"name": str(duplicate)},
            code="duplicate_participant",
        )
    return ConversationParticipant.objects.create(conversation=conversation, **spec)


def _mina_sidor_owner(case, address: str):
    from .citizen import mina_sidor_owner  # citizen.py builds on this module

    return mina_sidor_owner(case, address)


def _staff_participant(conversation, user) -> ConversationParticipant:
    found = conversation.participants.filter(user=user).first()
    if found:
        return found
    return ConversationParticipant.objects.create(
        conversation=conversation,
        kind=ParticipantKind.STAFF,
        user=user,
        name=user_label(user),
    )


@transaction.atomic
def do_start_conversation(
    case, *, actor, topic: str, internal: bool = False, participants=(), expected_version=None
) -> Conversation:
    """Start a conversation on the case. The actor takes part; ``participants`` are staff
    users, the citizen (a ``Person`` who is a contact on the case) or e-mail addresses
    (``"a@b.se"`` or ``{"email": …, "name": …}``)."""
    case = begin("start_conversation", case, actor, expected_version)
    topic = " ".join((topic or "").split())
    if not topic:
        raise CaseActionError(_("Konversationen måste ha ett ämne."), code="topic_required")
    if len(topic) > TOPIC_MAX:
        raise CaseActionError(
            _("Ämnet får vara högst %(max)s tecken.") % {"max": TOPIC_MAX}, code="topic_too_long"
        )
    conversation = Conversation.objects.create(
        case=case, topic=topic, internal=internal, created_by=actor
    )
    _staff_participant(conversation, actor)
    added = [_add_participant(conversation, case, _participant_spec(p)) for p in participants]
    commit_change(
        case,
        actor=actor,
        event="case.conversation_started",
        kind=LogKind.CONVERSATION,
        text=(
            _("Intern konversation startad: %(topic)s.")
            if internal
            else _("Konversation startad: %(topic)s.")
        )
        % {"topic": topic},
        data={"conversation": conversation.pk},
        changes={"conversation": topic, "participants": [str(p) for p in added]},
        visible_to_citizen=_citizen_sees(conversation),
    )
    return conversation


@transaction.atomic
def do_add_participant(
    conversation, *, actor, participant, expected_version=None
) -> ConversationParticipant:
    """Add a staff user, the citizen or an external e-mail participant (not twice)."""
    case = begin("post_message", conversation.case, actor, expected_version)
    conversation = Conversation.objects.get(pk=conversation.pk)
    row = _add_participant(conversation, case, _participant_spec(participant))
    commit_change(
        case,
        actor=actor,
        event="case.participant_added",
        kind=LogKind.CONVERSATION,
        text=_("%(name)s lades till i konversationen %(topic)s.")
        % {"name": str(row), "topic": conversation.topic},
        data={"conversation": conversation.pk, "participant": row.pk},
        changes={"participant": [None, str(row)], "kind": row.kind},
        visible_to_citizen=_citizen_sees(conversation),
    )
    return row


def _citizen_sees(conversation) -> bool:
    return (
        not conversation.internal
        and conversation.participants.filter(kind=ParticipantKind.CITIZEN).exists()
    )


# --- messages --------------------------------------------------------------------------
def new_threaded_message(
    conversation, *, author, body: str, channel
) -> tuple[Message, Message | None]:
    """Create our next message in ``conversation`` (a new Message-ID, In-Reply-To the latest
    message, the conversation's thread id set by its first message). Returns (message, the
    previous message or None). Callers hold the conversation's row lock."""
    previous = conversation.messages.exclude(message_id="").order_by("-created_at", "-pk").first()
    message = Message.objects.create(
        conversation=conversation,
        author=author,
        body=body,
        channel=channel,
        message_id=new_message_id(),
        in_reply_to=previous.message_id if previous else "",
    )
    if not conversation.thread_id:
        conversation.thread_id = message.message_id
        conversation.save(update_fields=["thread_id"])
    return message, previous


@transaction.atomic
def do_post_message(
    conversation,
    *,
    actor,
    body: str,
    attachments=(),
    expected_version=None,
) -> Message:
    """Post a message as ``actor`` (who joins the conversation if not already in it).

    ``attachments``: uploaded files (validated and stored as for ``do_add_attachment``) or
    existing :class:`Attachment` rows of the same case without a message. External
    participants get the message by e-mail through the outbox, threaded (see the module).
    """
    case = begin("post_message", conversation.case, actor, expected_version)
    conversation = Conversation.objects.select_for_update().get(pk=conversation.pk)
    body = (body or "").strip()
    if not body:
        raise CaseActionError(_("Meddelandet är tomt."), code="message_empty")
    if len(body) > BODY_MAX:
        raise CaseActionError(
            _("Meddelandet får vara högst %(max)s tecken.") % {"max": BODY_MAX},
            code="message_too_long",
        )
    author = _staff_participant(conversation, actor)
    message, previous = new_threaded_message(
        conversation, author=author, body=body, channel=MessageChannel.WEB
    )
    citizen_sees = _citizen_sees(conversation)
    with delete_files_on_error([]) as written:
        files = _attach(case, actor, message, attachments, citizen_sees, written)
        commit_change(
            case,
            actor=actor,
            event="case.message_posted",
            kind=LogKind.CONVERSATION,
            text=_("Nytt meddelande i konversationen %(topic)s från %(author)s.")
            % {"topic": conversation.topic, "author": str(author)},
            data={
                "conversation": conversation.pk,
                "message": message.pk,
                "attachments": [a.pk for a in files],
            },
            changes={
                "message": message.message_id,
                "attachments": [a.original_name for a in files],
            },
            visible_to_citizen=citizen_sees,
        )
        _email_externals(case, conversation, message, author, files, previous)
    return message


def _attach(case, actor, message, attachments, visible, written) -> list[Attachment]:
    rows = []
    for item in attachments:
        if isinstance(item, Attachment):
            if item.case_id != case.pk or item.message_id is not None:
                raise CaseActionError(
                    _("Bilagan %(name)s kan inte bifogas här.") % {"name": item.original_name},
                    code="invalid_attachment",
                )
            item.message = message
            item.visible_to_citizen = item.visible_to_citizen or visible
            item.save(update_fields=["message", "visible_to_citizen"])
            rows.append(item)
        else:
            rows.append(
                store_attachment(
                    case,
                    actor=actor,
                    uploaded_file=item,
                    message=message,
                    visible_to_citizen=visible,
                    written=written,
                )
            )
    return rows


def _email_externals(case, conversation, message, author, files, previous) -> None:
    if conversation.internal:
        return
    references = [r for r in (conversation.thread_id, getattr(previous, "message_id", "")) if r]
    references = list(dict.fromkeys(r for r in references if r != message.message_id))
    headers = {}
    if previous is not None:
        headers["In-Reply-To"] = previous.message_id
    if references:
        headers["References"] = " ".join(references)
    recipients = conversation.participants.filter(kind=ParticipantKind.EXTERNAL).exclude(
        pk=author.pk
    )
    for participant in recipients:
        queue_email(
            to=participant.email,
            template="cases/email/conversation_message",
            context={
                "case": case,
                "organisation_name": case.organisation.name,
                "conversation": conversation,
                "message": message,
                "author": str(author),
                "recipient": participant.name or participant.email,
                "attachments": [a.original_name for a in files],
            },
            organisation=case.organisation,
            reply_to=reply_address(participant),
            headers=headers,
            message_id=message.message_id,
        )


def message_for_outbound(message_id: str, organisation_id) -> Message | None:
    """The conversation message that an outbox e-mail carried (same ``Message-ID``: see
    :func:`_email_externals`), within the outbox message's organisation, or ``None``."""
    if not message_id or organisation_id is None:
        return None
    return (
        Message.objects.select_related("conversation__case")
        .filter(message_id=message_id, conversation__case__organisation_id=organisation_id)
        .order_by("pk")
        .first()
    )


@transaction.atomic
def do_record_bounce(message, *, actor, recipient: str, status: str, diagnostic: str) -> None:
    """An e-mail of ``message`` to ``recipient`` could not be delivered (a bounce came back).

    A case-log entry for staff only (never the citizen: it names an address), the audit event
    and the stored event ``case.email_bounced``. ``actor``: a SystemActor naming the channel.
    """
    from .base import lock

    case = lock(message.conversation.case)
    reason = " ".join(f"{status} {diagnostic}".split())[:500]
    commit_change(
        case,
        actor=actor,
        event="case.email_bounced",
        kind=LogKind.CONVERSATION,
        text=_("E-post till %(address)s kunde inte levereras: %(reason)s")
        % {"address": recipient, "reason": reason},
        data={"conversation": message.conversation_id, "message": message.pk},
        changes={
            "message": message.message_id,
            "bounced": recipient,
            "status": status,
            "diagnostic": diagnostic[:500],
        },
        visible_to_citizen=False,
    )


# --- inbound threading -----------------------------------------------------------------
def _message_ids(value) -> list[str]:
    if not value:
        return []
    if not isinstance(value, str):
        value = " ".join(str(v) for v in value if v)
    return _MSGID.findall(value)


def thread_for_reply(to_address, in_reply_to="", *, from_address: str = ""):
    """Resolve an inbound e-mail to ``(conversation, participant)``, or ``None``.

    ``to_address``: the recipient header(s) (a string or a list), searched for
    ``svar+<token>@…``: the token names the participant and so the conversation.
    ``in_reply_to``: the ``In-Reply-To`` and ``References`` values (a string or a list); a
    known Message-ID names the conversation. The participant is then the external
    participant whose address is ``from_address``, or ``None`` (the caller decides).
    """
    addresses = [to_address] if isinstance(to_address, str) else list(to_address or ())
    for _name, address in getaddresses([a for a in addresses if a]):
        local = address.rsplit("@", 1)[0]
        if local.lower().startswith(REPLY_PREFIX) and len(local) > len(REPLY_PREFIX):
            token = local[len(REPLY_PREFIX) :]
            participant = (
                ConversationParticipant.objects.select_related("conversation__case")
                .filter(reply_token=token)
                .first()
            ) or (
                ConversationParticipant.objects.select_related("conversation__case")
                .filter(reply_token__iexact=token)
                .first()
            )
            if participant is not None:
                return participant.conversation, participant
    ids = _message_ids(in_reply_to)
    if not ids:
        return None
    conversation = None
    found = (
        Message.objects.select_related("conversation__case")
        .filter(message_id__in=ids)
        .order_by("-created_at", "-pk")
        .first()
    )
    if found is not None:
        conversation = found.conversation
    else:
        conversation = Conversation.objects.select_related("case").filter(thread_id__in=ids).first()
    if conversation is None:
        return None
    participant = None
    sender = getaddresses([from_address])[0][1] if from_address else ""
    if sender:
        participant = conversation.participants.filter(
            kind=ParticipantKind.EXTERNAL, email__iexact=sender
        ).first()
    return conversation, participant


# --- inbound e-mail --------------------------------------------------------------------
@transaction.atomic
def do_receive_email(
    case,
    *,
    actor,
    conversation=None,
    participant=None,
    topic: str = "",
    sender_email: str = "",
    sender_name: str = "",
    body: str,
    message_id: str = "",
    in_reply_to: str = "",
    attachments=(),
) -> Message:
    """Record an inbound e-mail (the Channel's SMTP receiver) as a message, channel "email".

    ``actor`` is a :class:`~sambruk.cases.system.SystemActor` naming the e-mail channel.
    Without ``conversation`` a new one is started on the case with ``topic`` (the mail's
    subject) whose thread root is the mail's own ``Message-ID``. The sender becomes (or is
    found as) the external participant; a sender without a valid address leaves the message
    without an author participant (the name is kept in the log). A closed case is reopened
    when its workflow allows it, else the message is recorded on the closed case. A removed
    case refuses (``code="removed"``): the caller treats the mail as a new one.

    ``attachments``: uploaded files; a file the case engine refuses (type, size, empty) is
    skipped with a note in the message and the log, never failing the whole mail.
    Idempotent by ``message_id`` within the conversation (a resent mail returns the message
    already recorded).
    """
    from ..models import CaseState
    from ..predicates import require_not_removed
    from ..workflow import non_closing_targets
    from .base import lock
    from .lifecycle import do_reopen

    created = case  # maybe just created by do_create in this transaction (search document)
    case = _created_here(case) or lock(case)
    require_not_removed(case)
    reopened = False
    if case.state == CaseState.CLOSED and non_closing_targets(case):
        do_reopen(case, actor=actor)
        case, reopened = lock(case), True
    if conversation is not None:
        conversation = Conversation.objects.select_for_update().get(pk=conversation.pk)
        if message_id:
            existing = conversation.messages.filter(message_id=message_id).first()
            if existing is not None:
                return existing
    body = (body or "").strip() or _("(Meddelandet saknar text.)")
    if len(body) > BODY_MAX:
        body = (
            body[: BODY_MAX - 200]
            + "\n\n"
            + _("[Meddelandet är avkortat. Hela e-postmeddelandet finns sparat i e-postingången.]")
        )
    address = _valid_address(sender_email)
    new_conversation = conversation is None
    if conversation is None:
        topic = " ".join((topic or "").split())[:TOPIC_MAX] or _("E-post utan ämne")
        conversation = Conversation.objects.create(
            case=case, topic=topic, created_by=None, thread_id=message_id[:255]
        )
    if participant is None and address:
        # (a conversation started here has no participants yet)
        participant = (
            None
            if new_conversation
            else conversation.participants.filter(
                kind=ParticipantKind.EXTERNAL, email__iexact=address
            ).first()
        ) or ConversationParticipant.objects.create(
            conversation=conversation,
            kind=ParticipantKind.EXTERNAL,
            email=address,
            name=(sender_name or "").strip()[:200],
        )
    message = Message.objects.create(
        conversation=conversation,
        author=participant,
        body=body,
        channel=MessageChannel.EMAIL,
        message_id=(message_id or new_message_id())[:255],
        in_reply_to=(in_reply_to or "")[:255],
    )
    if not conversation.thread_id:
        conversation.thread_id = message.message_id
        conversation.save(update_fields=["thread_id"])
    citizen_sees = False if new_conversation else _citizen_sees(conversation)
    author = str(participant) if participant else (sender_name or sender_email or _("okänd"))
    with delete_files_on_error([]) as written:
        files, skipped = [], []
        for item in attachments:
            try:
                files.append(
                    store_attachment(
                        case,
                        actor=actor,
                        uploaded_file=item,
                        message=message,
                        visible_to_citizen=citizen_sees,
                        written=written,
                    )
                )
            except CaseActionError as error:
                skipped.append(str(error))
        if skipped:
            message.body += "\n\n" + "\n".join(
                _("[Bilagan togs inte med: %(reason)s]") % {"reason": reason} for reason in skipped
            )
            message.save(update_fields=["body"])
        text = _("E-post från %(author)s i konversationen %(topic)s.") % {
            "author": author,
            "topic": conversation.topic,
        }
        # A case created in this transaction (a new mail): extend its creation document
        # here instead of a full re-index after commit.
        indexed = new_conversation and search_create.index_first_message(
            created, case, conversation.topic, message.body
        )
        if reopened:
            text += " " + _("Ärendet återöppnades.")
        elif case.state == CaseState.CLOSED:
            text += " " + _("Ärendet är avslutat.")
        commit_change(
            case,
            actor=actor,
            event="case.message_received",
            kind=LogKind.CONVERSATION,
            text=text,
            data={
                "conversation": conversation.pk,
                "message": message.pk,
                "attachments": [a.pk for a in files],
                "channel": MessageChannel.EMAIL,
            },
            changes={
                "message": message.message_id,
                "from": address or sender_name,
                "attachments": [a.original_name for a in files],
                "skipped_attachments": skipped,
            },
            visible_to_citizen=citizen_sees,
            indexed=indexed,
        )
    return message


def _created_here(case):
    """``case`` itself when ``do_create`` returned it in this transaction and nothing changed
    it since (same version in the database), else None (the caller locks as usual).

    A row inserted by this transaction needs no lock: PostgreSQL shows it to nobody else
    before commit, and SQLite's write lock is already ours. Saves the locking re-read of an
    inbound mail's new case.
    """
    from ..models import Case

    if getattr(case, "_creation_search", None) is None:
        return None
    if not Case.objects.filter(pk=case.pk, version=case.version).exists():
        return None
    return case


def _valid_address(address: str) -> str:
    address = (address or "").strip()
    try:
        validate_email(address)
    except ValidationError:
        return ""
    return address
