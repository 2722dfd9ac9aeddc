"""Inbound e-mail: store (before the SMTP answer), process (case / reply / ignore), retry.

Processing protocol (safe with several receiver threads, a task worker and staff retries):

1. *Claim* in a short transaction: ``received`` (or ``failed`` on a retry, or a
   ``processing`` claim older than the lease: its process died) → ``processing``.
2. *Process* in one transaction: parse, recognise bounces/loops/auto-replies (ignored),
   duplicates, replies (into the conversation) and new mail (a case through the access
   point). The outcome is written on the row in the same transaction as the case change.
3. On any error the transaction rolls back (no half-written case) and the row becomes
   ``failed`` with the error: visible on the staff page and in the admin, retryable.
"""

from __future__ import annotations

import logging
import mimetypes
from datetime import timedelta

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from sambruk.cases.errors import CaseActionError
from sambruk.cases.models import Origin
from sambruk.cases.services import do_create, thread_for_reply
from sambruk.cases.services.conversations import (
    do_receive_email,
    new_message_id,
    reply_address,
)
from sambruk.cases.system import SystemActor
from sambruk.core.audit.models import AuditAction
from sambruk.core.audit.services import record
from sambruk.core.notifications.services import queue_email

from . import bounces, routing
from .models import InboundMail, InboundResult, InboundStatus
from .parsing import ParsedMail, Verdict, check_auto_reply, check_bounce, check_loop, parse

log = logging.getLogger(__name__)

#: A ``processing`` claim older than this belongs to a process that died.
LEASE = timedelta(minutes=10)


def max_message_bytes() -> int:
    return int(getattr(settings, "MAILIN_MAX_MESSAGE_BYTES", 30 * 1024 * 1024))


def max_attachments() -> int:
    return int(getattr(settings, "MAILIN_MAX_ATTACHMENTS", 20))


# --- 1. store ----------------------------------------------------------------------------
def store(raw: bytes, *, envelope_from: str, recipients: list[str], peer: str = "") -> InboundMail:
    """Write the raw mail and commit. Called by the receiver before it answers 250."""
    with transaction.atomic():
        mail = InboundMail.objects.create(
            raw=bytes(raw),
            size=len(raw),
            envelope_from=(envelope_from or "")[:320],
            recipients=[str(r)[:320] for r in recipients][:100],
            peer=(peer or "")[:100],
        )
    log.debug(
        "inbound mail %s stored: %d bytes from %r to %r",
        mail.pk,
        mail.size,
        envelope_from,
        recipients,
    )
    return mail


# --- 2. process -------------------------------------------------------------------------
def process(pk, *, allow_failed: bool = False) -> InboundMail | None:
    """Process one stored mail; ``None`` when it is not due (done, or another process has it).

    The row is locked for the whole transaction (PostgreSQL ``FOR UPDATE SKIP LOCKED``;
    SQLite's ``BEGIN IMMEDIATE`` serialises writers), so a mail is processed once even when
    the receiver, the periodic task and a staff retry meet. Never raises for a problem of
    the mail or the configuration: the row records it.
    """
    due = Q(status=InboundStatus.RECEIVED) | Q(
        status=InboundStatus.PROCESSING, claimed_at__lt=timezone.now() - LEASE
    )
    if allow_failed:
        due |= Q(status=InboundStatus.FAILED)
    mail = None
    try:
        with transaction.atomic():
            mail = (
                InboundMail.objects.select_for_update(skip_locked=True).filter(due, pk=pk).first()
            )
            if mail is None:
                return None
            mail.attempts += 1
            mail.claimed_at = timezone.now()
            _process(mail)
    except Exception as error:  # noqa: BLE001 - every failure is recorded on the row
        log.exception("inbound mail %s failed", pk)
        reason = str(error) if isinstance(error, CaseActionError) else repr(error)
        InboundMail.objects.filter(pk=pk).update(
            status=InboundStatus.FAILED,
            result=InboundResult.ERROR,
            error=reason[:5000],
            attempts=F("attempts") + 1,
            claimed_at=timezone.now(),
            processed_at=timezone.now(),
            **_identify(mail or InboundMail.objects.get(pk=pk)),
        )
        return InboundMail.objects.defer("raw").get(pk=pk)
    log.info("inbound mail %s: %s %s %s", pk, mail.status, mail.result, mail.detail)
    return mail


def _identify(mail: InboundMail) -> dict:
    """Best effort for a failed mail: the headers for the list and the organisation whose
    staff should see it (by reply thread or access point). Never raises."""
    found: dict = {}
    try:
        parsed = parse(bytes(mail.raw))
        found = {
            "message_id": parsed.message_id,
            "sender": (parsed.sender_email or mail.envelope_from)[:320],
            "subject": parsed.subject[:300],
        }
        thread = thread_for_reply([*mail.recipients, *parsed.to], parsed.thread_ids)
        if thread is not None:
            found["organisation_id"] = thread[0].case.organisation_id
        else:
            point, _how = routing.access_point_for(mail.recipients)
            found["organisation_id"] = (
                point.organisation_id if point else routing.organisation_for(mail.recipients)
            )
    except Exception:  # noqa: BLE001
        log.exception("inbound mail %s: could not identify the failed mail", mail.pk)
    return found


def process_pending(limit: int = 500) -> int:
    """Periodic safety net: mails stored but never processed (the receiver stopped between
    its 250 and the processing) and claims whose process died."""
    cutoff = timezone.now() - timedelta(minutes=1)
    pks = list(
        InboundMail.objects.filter(
            Q(status=InboundStatus.RECEIVED, received_at__lt=cutoff)
            | Q(status=InboundStatus.PROCESSING, claimed_at__lt=timezone.now() - LEASE)
        )
        .order_by("pk")
        .values_list("pk", flat=True)[:limit]
    )
    return sum(1 for pk in pks if process(pk) is not None)


@transaction.atomic
def retry(mail: InboundMail, *, actor) -> InboundMail | None:
    """Staff: process a failed mail again (after the configuration was fixed)."""
    record(
        AuditAction.UPDATE,
        actor=actor,
        obj=mail,
        organisation=mail.organisation_id,
        changes={"retry": True, "status": mail.status, "error": mail.error[:200]},
    )
    transaction.on_commit(lambda: process(mail.pk, allow_failed=True))
    return mail


# --- 3. process --------------------------------------------------------------------------
def _finish(mail: InboundMail, status: str, result: str, detail: str = "", **fields) -> None:
    """Write the outcome (never the raw bytes again)."""
    mail.status, mail.result, mail.detail = status, result, detail[:2000]
    mail.error = ""
    mail.processed_at = timezone.now()
    for name, value in fields.items():
        setattr(mail, name, value)
    mail.save(update_fields=[*_OUTCOME, *fields])


_OUTCOME = [
    "status",
    "result",
    "detail",
    "error",
    "processed_at",
    "attempts",
    "claimed_at",
    "message_id",
    "sender",
    "subject",
]


def _process(mail: InboundMail) -> None:
    parsed = parse(bytes(mail.raw))
    if not parsed.sender_email and "@" in mail.envelope_from:
        parsed.sender_email = routing.normalise(mail.envelope_from)
    mail.message_id = parsed.message_id
    mail.sender = (parsed.sender_email or mail.envelope_from)[:320]
    mail.subject = parsed.subject[:300]
    notes = "; ".join(parsed.problems[:5])

    verdict = check_bounce(parsed, mail.envelope_from) or check_loop(
        parsed,
        own_domains=routing.platform_domains(),
        own_addresses=routing.own_addresses(among=[parsed.sender_email.lower()]),
        max_received=int(getattr(settings, "MAILIN_MAX_RECEIVED", 30)),
        max_own_references=int(getattr(settings, "MAILIN_MAX_OWN_REFERENCES", 25)),
    )
    verdict = verdict or check_auto_reply(parsed)
    to_bounce_address = bounces.bounce_token(mail.recipients) is not None
    if verdict is not None or to_bounce_address:
        # Mail to a VERP bounce address, or a delivery report: our outbound mail bounced?
        # (Never a case, never answered: whatever it is, it ends here.)
        outcome = (
            bounces.handle(mail, verdict.reason if verdict else "")
            if to_bounce_address or verdict.result == InboundResult.BOUNCE
            else None
        )
        if outcome is not None:
            log.warning("inbound mail %s: %s %s", mail.pk, outcome["result"], outcome["detail"])
            _finish(mail, outcome.pop("status"), outcome.pop("result"), **outcome)
            return
        verdict = verdict or Verdict("bounce", _("e-post till en studsadress"))
        point, _how = routing.access_point_for(mail.recipients)
        thread = thread_for_reply(list(mail.recipients), parsed.thread_ids)
        organisation = (
            thread[0].case.organisation_id if thread else point.organisation_id if point else None
        )
        log.warning("inbound mail %s ignored: %s (%s)", mail.pk, verdict.result, verdict.reason)
        _finish(
            mail,
            InboundStatus.IGNORED,
            verdict.result,
            verdict.reason,
            organisation_id=organisation,
            case_id=thread[0].case_id if thread else None,
        )
        return

    if parsed.message_id:
        earlier = (
            InboundMail.objects.filter(
                message_id=parsed.message_id,
                status=InboundStatus.PROCESSED,
                sender__iexact=mail.sender,
            )
            .exclude(pk=mail.pk)
            .order_by("pk")
            .values_list("pk", "organisation_id", "case_id")  # not the earlier raw bytes
            .first()
        )
        if earlier is not None:
            earlier_pk, organisation_id, case_id = earlier
            _finish(
                mail,
                InboundStatus.IGNORED,
                InboundResult.DUPLICATE,
                _("Samma meddelande togs emot tidigare (#%(pk)s).") % {"pk": earlier_pk},
                organisation_id=organisation_id,
                case_id=case_id,
            )
            return

    files, skipped = _attachments(parsed)
    thread = thread_for_reply(
        [*mail.recipients, *parsed.to], parsed.thread_ids, from_address=parsed.sender_email
    )
    if thread is not None and not thread[0].case.removed:
        conversation, participant = thread
        actor = SystemActor(_("e-post från %(sender)s") % {"sender": mail.sender})
        message = do_receive_email(
            conversation.case,
            actor=actor,
            conversation=conversation,
            participant=participant,
            sender_email=parsed.sender_email,
            sender_name=parsed.sender_name,
            body=_with_notes(parsed.body, skipped),
            message_id=parsed.message_id,
            in_reply_to=(parsed.in_reply_to or [""])[0],
            attachments=files,
        )
        _finish(
            mail,
            InboundStatus.PROCESSED,
            InboundResult.REPLY,
            _("Svar i konversationen ”%(topic)s”.") % {"topic": conversation.topic}
            + (f" {notes}" if notes else ""),
            organisation_id=conversation.case.organisation_id,
            case_id=conversation.case_id,
            message_id=message.message_id,
        )
        return

    point, how = routing.access_point_for(mail.recipients)
    if point is None:
        log.error("inbound mail %s: no access point for %r", mail.pk, mail.recipients)
        _finish(
            mail,
            InboundStatus.FAILED,
            InboundResult.UNROUTED,
            _(
                "Ingen e-postingång tar emot %(to)s och ingen supportingång är inställd "
                "(MAILIN_SUPPORT_ADDRESS)."
            )
            % {"to": ", ".join(mail.recipients)},
            organisation_id=routing.organisation_for(mail.recipients),
        )
        mail.error = mail.detail
        mail.save(update_fields=["error"])
        return
    case, message = _new_case(mail, parsed, point, files, skipped)
    detail = {
        "address": _("Nytt ärende %(ref)s via %(point)s."),
        "catch_all": _("Nytt ärende %(ref)s via %(point)s (okänd adress i domänen)."),
        "support": _("Nytt ärende %(ref)s via supportingången %(point)s (okänd adress)."),
    }[how] % {"ref": case.reference, "point": point.address}
    _finish(
        mail,
        InboundStatus.PROCESSED,
        InboundResult.NEW_CASE,
        detail + (f" {notes}" if notes else ""),
        organisation_id=point.organisation_id,
        access_point=point,
        case_id=case.pk,
        message_id=message.message_id,
    )


def _new_case(mail, parsed: ParsedMail, point, files, skipped):
    contact_email = routing.normalise(parsed.sender_email)
    contact = {
        "name": parsed.sender_name or ("" if contact_email else mail.sender[:200]),
        "email": contact_email if _valid(contact_email) else "",
        "role": _("Avsändare"),
    }
    if not (contact["name"] or contact["email"]):
        contact["name"] = mail.envelope_from[:200] or _("okänd avsändare")
    case = do_create(
        actor=None,
        queue=point.queue,
        case_type=point.case_type,
        title=(parsed.subject or _("E-post utan ämne"))[:300],
        origin=Origin.EMAIL,
        labels=list(point.labels.all()),
        contacts=[contact],
        _skip_permission=True,  # the e-mail access point creates the case
    )
    actor = SystemActor(_("e-postingång %(address)s") % {"address": point.address})
    message = do_receive_email(
        case,
        actor=actor,
        topic=parsed.subject,
        sender_email=contact["email"],
        sender_name=parsed.sender_name,
        body=_with_notes(parsed.body, skipped),
        message_id=parsed.message_id or new_message_id(),
        in_reply_to=(parsed.in_reply_to or [""])[0],
        attachments=files,
    )
    if point.send_receipt and message.author_id and contact["email"]:
        _queue_receipt(case, point, message)
    return case, message


def _queue_receipt(case, point, message) -> None:
    """The access point's receipt (RFC 3834: marked auto-replied, never answered by us)."""
    participant = message.author
    queue_email(
        to=participant.email,
        template="channel_mail/email/receipt",
        context={
            "case": case,
            "organisation_name": case.organisation.name,
            "access_point": point,
            "subject": message.conversation.topic,
            "recipient": participant.name or participant.email,
        },
        organisation=case.organisation,
        reply_to=reply_address(participant),
        headers={
            "Auto-Submitted": "auto-replied",
            "X-Auto-Response-Suppress": "All",
            "Precedence": "auto_reply",
            "X-Loop": f"sambruk@{routing.reply_domain()}",
            "In-Reply-To": message.message_id,
            "References": message.message_id,
        },
    )


def _valid(address: str) -> bool:
    from django.core.exceptions import ValidationError
    from django.core.validators import validate_email

    try:
        validate_email(address)
    except ValidationError:
        return False
    return True


def _attachments(parsed: ParsedMail) -> tuple[list, list[str]]:
    """Uploaded files for the case engine (which validates them), and notes for the rest."""
    files, skipped = [], []
    limit = max_attachments()
    for number, part in enumerate(parsed.attachments, start=1):
        if not part.data:
            continue
        if len(files) >= limit:
            skipped.append(
                _("”%(name)s”: fler än %(max)s bilagor.")
                % {"name": part.name or number, "max": limit}
            )
            continue
        name = part.name or _("bilaga-%(n)s") % {"n": number} + (
            mimetypes.guess_extension(part.content_type or "") or ""
        )
        files.append(SimpleUploadedFile(name, part.data, content_type=part.content_type))
    return files, skipped


def _with_notes(body: str, skipped: list[str]) -> str:
    if not skipped:
        return body
    notes = "\n".join(_("[Bilagan togs inte med: %(reason)s]") % {"reason": s} for s in skipped)
    return f"{body}\n\n{notes}"
