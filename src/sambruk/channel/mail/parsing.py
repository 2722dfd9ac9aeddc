"""Raw RFC 5322 bytes → :class:`ParsedMail`, and the checks for auto-replies, bounces, loops.

Python's :mod:`email` package does the MIME work (``policy.default``). Every access that can
fail on broken input (header parsing, unknown charsets, bad transfer encodings) is guarded:
:func:`parse` never raises; what it could not read it reports in ``ParsedMail.problems``.
"""

from __future__ import annotations

import contextlib
import logging
import re
from collections import Counter
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.header import decode_header, make_header
from email.utils import getaddresses, parseaddr

log = logging.getLogger(__name__)

_MSGID = re.compile(r"<[^<>\s]+>")
_SPACES = re.compile(r"[ \t]+\n")
_BLANKS = re.compile(r"\n{3,}")

#: Subject prefixes of auto-replies from systems that set none of the RFC 3834 headers.
AUTO_SUBJECTS = (
    "autosvar:",
    "automatiskt svar:",
    "automatic reply:",
    "auto reply:",
    "autoreply:",
    "auto:",
    "out of office:",
    "frånvaromeddelande:",
    "abwesenheitsnotiz:",
)


@dataclass
class Part:
    """An attachment as found in the mail: a name, the declared type and the bytes."""

    name: str
    content_type: str
    data: bytes


@dataclass
class ParsedMail:
    sender_name: str = ""
    sender_email: str = ""
    to: list[str] = field(default_factory=list)  # To and Cc addresses
    subject: str = ""
    message_id: str = ""
    in_reply_to: list[str] = field(default_factory=list)
    references: list[str] = field(default_factory=list)
    body: str = ""
    attachments: list[Part] = field(default_factory=list)
    headers: dict[str, list[str]] = field(default_factory=dict)  # lower-case name → values
    content_type: str = ""
    report_type: str = ""
    problems: list[str] = field(default_factory=list)

    def header(self, name: str) -> str:
        values = self.headers.get(name.lower())
        return values[0] if values else ""

    @property
    def thread_ids(self) -> list[str]:
        """In-Reply-To first, then References from the newest back."""
        return list(dict.fromkeys([*self.in_reply_to, *reversed(self.references)]))


def _decode_words(value: str) -> str:
    try:
        return str(make_header(decode_header(value)))
    except Exception:  # noqa: BLE001 - broken encoded words: keep the raw text
        return value


def _clean_text(value: str) -> str:
    return "".join(ch for ch in value if ch.isprintable() or ch in "\t").strip()


def _headers(msg) -> dict[str, list[str]]:
    """All headers, decoded where possible, never raising."""
    found: dict[str, list[str]] = {}
    try:
        items = msg.raw_items()
    except Exception:  # noqa: BLE001
        return found
    for name, raw in items:
        try:
            value = " ".join(_decode_words(str(raw)).split())
        except Exception:  # noqa: BLE001
            value = ""
        found.setdefault(str(name).lower(), []).append(value)
    return found


def _part_text(part) -> str:
    """The text of a part: the declared charset if the bytes are valid in it, else UTF-8,
    else Windows-1252 (the usual undeclared Swedish charset), else Latin-1 (never fails)."""
    try:
        payload = part.get_payload(decode=True)
    except Exception:  # noqa: BLE001
        payload = None
    if not isinstance(payload, bytes):
        try:
            content = part.get_content()
            return content if isinstance(content, str) else ""
        except Exception as error:  # noqa: BLE001 - broken part
            log.info("mailin: text part not readable (%s)", error)
            return ""
    charset = "utf-8"
    with contextlib.suppress(Exception):
        charset = part.get_content_charset() or "utf-8"
    for candidate in (charset, "utf-8", "cp1252"):
        try:
            return payload.decode(candidate)
        except (LookupError, UnicodeDecodeError, TypeError):
            continue
    return payload.decode("latin-1")


def html_to_text(html: str) -> str:
    """Readable text of an HTML body (lxml): block elements and ``<br>`` become line breaks."""
    import lxml.html
    from lxml import etree

    try:
        root = lxml.html.document_fromstring(html)
    except (etree.ParserError, ValueError):
        return re.sub(r"<[^>]+>", " ", html)
    for bad in root.xpath("//script|//style|//head"):
        bad.drop_tree()
    for element in root.iter("br"):
        element.tail = "\n" + (element.tail or "")
    for element in root.iter("p", "div", "tr", "li", "h1", "h2", "h3", "h4", "blockquote"):
        element.tail = "\n" + (element.tail or "")
    return root.text_content()


def normalise_body(text: str) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "")
    text = _SPACES.sub("\n", text)
    return _BLANKS.sub("\n\n", text).strip()


def _filename(part) -> str:
    try:
        name = part.get_filename() or ""
    except Exception:  # noqa: BLE001
        name = ""
    return _clean_text(_decode_words(str(name)))


def _disposition(part) -> str:
    try:
        return (part.get_content_disposition() or "").lower()
    except Exception:  # noqa: BLE001
        return ""


def _walk(msg, parsed: ParsedMail) -> tuple[str, str]:
    """Collect attachments; return the first plain-text and the first HTML body."""
    plain, html = "", ""
    try:
        parts = list(msg.walk())
    except Exception as error:  # noqa: BLE001
        parsed.problems.append(f"MIME-strukturen kunde inte läsas: {error}")
        parts = [msg]
    for part in parts:
        try:
            if part.is_multipart():
                continue
            ctype = (part.get_content_type() or "text/plain").lower()
        except Exception as error:  # noqa: BLE001
            parsed.problems.append(f"En MIME-del kunde inte läsas: {error}")
            continue
        name, disposition = _filename(part), _disposition(part)
        if disposition == "attachment" or name:
            try:
                data = part.get_payload(decode=True) or b""
            except Exception:  # noqa: BLE001
                data = b""
            if isinstance(data, str):
                data = data.encode("utf-8", "replace")
            parsed.attachments.append(Part(name=name, content_type=ctype, data=data))
        elif ctype == "text/plain" and not plain:
            plain = _part_text(part)
        elif ctype == "text/html" and not html:
            html = _part_text(part)
        elif not ctype.startswith(("text/", "message/")) and ctype != "multipart/alternative":
            # A part without a name that is not text (e.g. an inline image without a name).
            try:
                data = part.get_payload(decode=True) or b""
            except Exception:  # noqa: BLE001
                data = b""
            if data:
                parsed.attachments.append(Part(name="", content_type=ctype, data=data))
    return plain, html


def parse(raw: bytes) -> ParsedMail:
    """Parse a raw message. Never raises; see ``problems`` for what could not be read."""
    parsed = ParsedMail()
    try:
        msg = message_from_bytes(raw, policy=policy.default)
    except Exception as error:  # noqa: BLE001
        parsed.problems.append(f"Meddelandet kunde inte tolkas: {error}")
        parsed.body = normalise_body(raw.decode("utf-8", "replace"))
        return parsed
    parsed.headers = _headers(msg)
    for defect in getattr(msg, "defects", [])[:5]:
        parsed.problems.append(type(defect).__name__)

    name, address = parseaddr(parsed.header("from"))
    parsed.sender_name = _clean_text(name)[:200]
    parsed.sender_email = address.strip().strip("<>")[:254]
    recipients = [*parsed.headers.get("to", []), *parsed.headers.get("cc", [])]
    try:
        parsed.to = [a for _n, a in getaddresses(recipients) if a]
    except Exception:  # noqa: BLE001
        parsed.to = []
    parsed.subject = _clean_text(parsed.header("subject"))[:300]
    ids = _MSGID.findall(parsed.header("message-id"))
    parsed.message_id = ids[0][:255] if ids else ""
    parsed.in_reply_to = _MSGID.findall(" ".join(parsed.headers.get("in-reply-to", [])))
    parsed.references = _MSGID.findall(" ".join(parsed.headers.get("references", [])))
    try:
        parsed.content_type = (msg.get_content_type() or "").lower()
        parsed.report_type = str(msg.get_param("report-type", "") or "").lower()
    except Exception:  # noqa: BLE001
        parsed.content_type = ""
    plain, html = _walk(msg, parsed)
    parsed.body = normalise_body(plain if plain.strip() else html_to_text(html) if html else "")
    return parsed


# --- classification --------------------------------------------------------------------
@dataclass(frozen=True)
class Verdict:
    result: str  # "auto_reply", "bounce", "loop"
    reason: str


def _domain(address: str) -> str:
    return address.rsplit("@", 1)[-1].lower() if "@" in address else ""


def check_bounce(parsed: ParsedMail, envelope_from: str) -> Verdict | None:
    """Delivery status notifications and other mail to the null reverse-path (RFC 5321)."""
    if parsed.content_type == "multipart/report":
        return Verdict("bounce", f"multipart/report; report-type={parsed.report_type or '?'}")
    if envelope_from.strip() in ("", "<>"):
        return Verdict("bounce", "tom kuvertavsändare (<>)")
    local = (parsed.sender_email or envelope_from).rsplit("@", 1)[0].lower()
    if local in ("mailer-daemon", "postmaster"):
        return Verdict("bounce", f"avsändaren är {local.upper()}")
    if parsed.header("return-path").strip() == "<>":
        return Verdict("bounce", "Return-Path: <>")
    return None


def check_auto_reply(parsed: ParsedMail) -> Verdict | None:
    """RFC 3834 and the vendor headers of out-of-office and other automatic answers."""
    auto = parsed.header("auto-submitted").strip().lower()
    if auto and auto != "no":
        return Verdict("auto_reply", f"Auto-Submitted: {auto}")
    for name in ("x-autoreply", "x-autorespond", "x-autogenerated", "x-fc-machinegenerated"):
        if name in parsed.headers:
            return Verdict("auto_reply", f"{name}: {parsed.header(name)}")
    suppress = parsed.header("x-auto-response-suppress").lower()
    if suppress:  # Exchange: set on machine-generated mail (All, OOF, AutoReply, DR, RN …)
        return Verdict("auto_reply", f"X-Auto-Response-Suppress: {suppress}")
    precedence = parsed.header("precedence").strip().lower()
    if precedence in ("bulk", "junk", "list", "auto_reply"):
        return Verdict("auto_reply", f"Precedence: {precedence}")
    if parsed.header("x-auto-response") or parsed.header("x-mail-autoreply"):
        return Verdict("auto_reply", "X-Mail-Autoreply")
    if parsed.subject.lower().startswith(AUTO_SUBJECTS):
        return Verdict("auto_reply", f"ämnesraden ”{parsed.subject[:60]}”")
    return None


def check_loop(
    parsed: ParsedMail,
    *,
    own_domains: set[str],
    own_addresses: set[str],
    max_received: int,
    max_own_references: int,
) -> Verdict | None:
    """Mail from ourselves, too many hops, or References that keep citing our own mails."""
    sender = parsed.sender_email.lower()
    if sender and (sender in own_addresses or _domain(sender) in own_domains):
        return Verdict("loop", f"avsändaren {sender} är plattformens egen adress")
    hops = len(parsed.headers.get("received", []))
    if hops > max_received:
        return Verdict("loop", f"{hops} Received-rader (högst {max_received})")
    x_loop = " ".join(parsed.headers.get("x-loop", [])).lower()
    if x_loop and any(domain in x_loop for domain in own_domains):
        return Verdict("loop", f"X-Loop: {x_loop[:80]}")
    counts = Counter(parsed.references)
    if counts and counts.most_common(1)[0][1] >= 3:
        return Verdict("loop", "samma Message-ID upprepas i References")
    own = sum(1 for ref in parsed.references if _domain(ref.strip("<>")) in own_domains)
    if own > max_own_references:
        return Verdict("loop", f"{own} egna Message-ID i References (högst {max_own_references})")
    return None
