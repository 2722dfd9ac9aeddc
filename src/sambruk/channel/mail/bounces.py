"""Bounces of the platform's own outbound e-mail: a DSN comes back → the outbox row and the case.

Outbound outbox mail is sent with the VERP envelope sender ``bounces+<token>@<domain>``
(``core.notifications.services.envelope_sender``): a bounce is addressed to it, and the token
names the :class:`~sambruk.core.notifications.models.OutboxMessage`. Without a token (VERP
not configured, or a server that answers the From address) a delivery status notification
(RFC 3464, ``multipart/report; report-type=delivery-status``) is matched by the Message-ID
in its returned headers (``text/rfc822-headers`` or ``message/rfc822``) and its failed
recipient.

Only ``Action: failed`` is a bounce: the outbox row becomes *bounced* and, when the mail
carried a case conversation message, the case log gets an entry for staff. ``delayed`` (and
``delivered``, ``relayed``, ``expanded``) is written on the inbound mail row only. A bounce
never creates a case and is never answered. Parsing uses the stdlib :mod:`email` package,
which understands ``message/delivery-status``; nothing here raises on broken input.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.parser import HeaderParser
from email.utils import parseaddr

from django.db import transaction
from django.utils.translation import gettext as _

from sambruk.cases.services.conversations import do_record_bounce, message_for_outbound
from sambruk.cases.system import SystemActor
from sambruk.core.notifications.models import OutboxMessage
from sambruk.core.notifications.services import (
    BOUNCE_PREFIX,
    mark_bounced,
    message_for_bounce_token,
)

from .models import InboundResult, InboundStatus

log = logging.getLogger(__name__)

_MSGID = re.compile(r"<[^<>\s]+>")
_STATUS = re.compile(r"^[245]\.\d{1,3}\.\d{1,3}$")
MAX_DIAGNOSTIC = 500


@dataclass
class RecipientReport:
    """One per-recipient block of a ``message/delivery-status`` part."""

    recipient: str
    original_recipient: str = ""
    action: str = ""
    status: str = ""
    diagnostic: str = ""

    @property
    def failed(self) -> bool:
        return self.action == "failed"


@dataclass
class DeliveryReport:
    recipients: list[RecipientReport] = field(default_factory=list)
    #: Message-IDs in the returned headers of the original message.
    message_ids: list[str] = field(default_factory=list)

    @property
    def failed(self) -> list[RecipientReport]:
        return [r for r in self.recipients if r.failed]


def _clean(value, limit: int = 254) -> str:
    text = " ".join(str(value or "").split())
    return "".join(ch for ch in text if ch.isprintable())[:limit]


def _typed(value) -> str:
    """``rfc822; a@b.se`` → ``a@b.se``; ``smtp; 550 …`` → ``550 …``."""
    text = _clean(value, 2000)
    return text.split(";", 1)[1].strip() if ";" in text else text


def _address(value) -> str:
    text = _typed(value)
    found = parseaddr(text)[1]
    return (found or text).strip().strip("<>").lower()[:254]


def parse_report(raw: bytes) -> DeliveryReport | None:
    """The delivery status notification in ``raw``; ``None`` when it is none (or unreadable).

    Never raises.
    """
    try:
        msg = message_from_bytes(bytes(raw), policy=policy.default)
        if msg.get_content_type() != "multipart/report":
            return None
        if str(msg.get_param("report-type", "") or "").lower() != "delivery-status":
            return None
        report = DeliveryReport()
        seen_status = False
        for part in msg.iter_parts():
            ctype = part.get_content_type()
            if ctype == "message/delivery-status":
                blocks = part.get_payload()
                if not isinstance(blocks, list):
                    continue
                seen_status = True
                for block in blocks[1:]:  # the first block is about the message
                    recipient = _address(block.get("final-recipient", ""))
                    original = _address(block.get("original-recipient", ""))
                    if not (recipient or original):
                        continue
                    status = _clean(block.get("status", ""), 20)
                    report.recipients.append(
                        RecipientReport(
                            recipient=recipient or original,
                            original_recipient=original,
                            action=_clean(block.get("action", ""), 20).lower(),
                            status=status if _STATUS.match(status) else "",
                            diagnostic=_typed(block.get("diagnostic-code", ""))[:MAX_DIAGNOSTIC],
                        )
                    )
            elif ctype == "text/rfc822-headers":
                headers = HeaderParser(policy=policy.default).parsestr(str(part.get_content()))
                report.message_ids += _MSGID.findall(str(headers.get("message-id", "")))
            elif ctype == "message/rfc822":
                payload = part.get_payload()
                original = payload[0] if isinstance(payload, list) and payload else None
                if original is not None:
                    report.message_ids += _MSGID.findall(str(original.get("message-id", "")))
        return report if seen_status else None
    except Exception as error:  # noqa: BLE001 - a broken report is ignored, never a crash
        log.info("mailin: delivery report not readable (%s)", error)
        return None


def bounce_token(recipients) -> str | None:
    """The token of the first envelope recipient ``bounces+<token>@…``, else ``None``."""
    for address in recipients or ():
        local = parseaddr(str(address))[1].rsplit("@", 1)[0].lower()
        if local.startswith(BOUNCE_PREFIX):
            return local[len(BOUNCE_PREFIX) :]
    return None


def _outbox_for(report: RecipientReport, message_ids: list[str]) -> OutboxMessage | None:
    """Match by Message-ID (and recipient, when several rows carried the same message)."""
    for message_id in message_ids:
        rows = list(OutboxMessage.objects.filter(message_id=message_id[:255]).order_by("pk"))
        for row in rows:
            to = {a.lower() for a in row.to}
            if report.recipient in to or report.original_recipient in to:
                return row
        if len(rows) == 1:  # one recipient, reported under its final (forwarded) address
            return rows[0]
    return None


def handle(mail, verdict_reason: str = "") -> dict | None:
    """Process a bounce; the outcome for the inbound row (``status``, ``result``, ``detail``
    and the fields to set), or ``None`` when the mail is neither addressed to a bounce
    address nor a delivery status notification (the caller ignores it as before)."""
    outcome = _handle(mail)
    if outcome and outcome["status"] == InboundStatus.IGNORED and verdict_reason:
        outcome["detail"] = f"{outcome['detail']} ({verdict_reason})"
    return outcome


def _handle(mail) -> dict | None:
    token = bounce_token(mail.recipients)
    report = parse_report(mail.raw)
    if token is None and report is None:
        return None
    ignored = {"status": InboundStatus.IGNORED, "result": InboundResult.BOUNCE}
    by_token = None
    if token is not None:
        by_token = message_for_bounce_token(token)
        if by_token is None:
            log.warning("inbound mail %s: unknown bounce address %r", mail.pk, mail.recipients)
            return {**ignored, "detail": _("Okänd studsadress: utskicket finns inte.")}
    organisation = {"organisation_id": by_token.organisation_id} if by_token else {}
    if report is None:
        return {
            **ignored,
            **organisation,
            "detail": _("Ingen läsbar leveransrapport (RFC 3464) till studsadressen."),
        }
    failed = report.failed
    if not failed:
        other = report.recipients[0] if report.recipients else None
        detail = (
            _("Leveransrapport: %(action)s för %(address)s (%(status)s); ärendet ändras inte.")
            % {"action": other.action or "?", "address": other.recipient, "status": other.status}
            if other
            else _("Leveransrapporten saknar mottagare.")
        )
        if by_token is None:
            row = _outbox_for(other, report.message_ids) if other else None
            organisation = {"organisation_id": row.organisation_id} if row else {}
        return {**ignored, **organisation, "detail": detail}
    outcomes = []
    for item in failed:
        row = by_token or _outbox_for(item, report.message_ids)
        if row is not None and all(row.pk != done.pk for done, _item in outcomes):
            outcomes.append((row, item))
    if not outcomes:
        return {**ignored, "detail": _("Leveransrapporten gäller inget utskick härifrån.")}
    case_ids, details = [], []
    for row, item in outcomes:
        case_id, detail = record_bounce(row, item)
        details.append(detail)
        if case_id:
            case_ids.append(case_id)
    first = outcomes[0][0]
    return {
        "status": InboundStatus.PROCESSED,
        "result": InboundResult.BOUNCE,
        "detail": " ".join(details),
        "organisation_id": first.organisation_id,
        "case_id": case_ids[0] if case_ids else None,
    }


@transaction.atomic
def record_bounce(outbox: OutboxMessage, item: RecipientReport) -> tuple:
    """The effects of one permanent failure, in one transaction: the outbox row is bounced
    and, if it carried a case conversation message, the case log says so (staff only).
    Returns ``(case id or None, detail for the inbound row)``."""
    recipient = item.recipient or (outbox.to[0] if outbox.to else "")
    diagnostic = " ".join(filter(None, [item.status, item.diagnostic]))
    label = _("e-post (studsrapport)")
    if not mark_bounced(outbox, recipient=recipient, diagnostic=diagnostic, actor_label=label):
        message = message_for_outbound(outbox.message_id, outbox.organisation_id)
        return (
            message.conversation.case_id if message else None,
            _("Studsen för %(address)s var redan registrerad.") % {"address": recipient},
        )
    detail = _("E-post till %(address)s kunde inte levereras (%(status)s).") % {
        "address": recipient,
        "status": item.status or "?",
    }
    message = message_for_outbound(outbox.message_id, outbox.organisation_id)
    if message is None and outbox.headers.get("In-Reply-To"):  # a receipt for an inbound mail
        message = message_for_outbound(outbox.headers["In-Reply-To"], outbox.organisation_id)
    if message is None or message.conversation.case.removed:
        return None, detail
    do_record_bounce(
        message,
        actor=SystemActor(label),
        recipient=recipient,
        status=item.status,
        diagnostic=item.diagnostic,
    )
    case = message.conversation.case
    return case.pk, detail + " " + _("Noterat i ärende %(ref)s.") % {"ref": case.reference}
