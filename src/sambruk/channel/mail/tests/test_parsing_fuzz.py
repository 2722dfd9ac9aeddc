"""The parser and the classifiers never raise, whatever bytes arrive (hypothesis)."""

from __future__ import annotations

from email.message import EmailMessage

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sambruk.channel.mail.parsing import (
    check_auto_reply,
    check_bounce,
    check_loop,
    html_to_text,
    parse,
)

HEADER_NAMES = [
    "From", "To", "Cc", "Subject", "Message-ID", "In-Reply-To", "References", "Content-Type",
    "Content-Transfer-Encoding", "Content-Disposition", "MIME-Version", "Auto-Submitted",
    "Precedence", "X-Autoreply", "Received", "Return-Path", "X-Loop",
]  # fmt: skip
header_line = st.tuples(
    st.sampled_from(HEADER_NAMES), st.text(max_size=80).map(lambda t: t.replace("\n", " "))
)


def classify(parsed) -> None:
    check_bounce(parsed, "")
    check_bounce(parsed, "x@y")
    check_auto_reply(parsed)
    check_loop(
        parsed,
        own_domains={"sambruk.example"},
        own_addresses={"noreply@sambruk.example"},
        max_received=30,
        max_own_references=25,
    )


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=3000))
def test_arbitrary_bytes(raw):
    parsed = parse(raw)
    assert isinstance(parsed.body, str)
    classify(parsed)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(header_line, max_size=12),
    st.binary(max_size=500),
    st.sampled_from(["", "multipart/mixed; boundary=b", "text/plain; charset=", "text/html"]),
)
def test_header_soup(headers, body, ctype):
    lines = [f"{name}: {value}" for name, value in headers]
    if ctype:
        lines.append(f"Content-Type: {ctype}")
    raw = "\r\n".join(lines).encode("utf-8", "surrogatepass") + b"\r\n\r\n" + body
    if ctype.startswith("multipart"):
        raw += b"\r\n--b\r\nContent-Type: text/plain; charset=bogus\r\n\r\n" + body + b"\r\n--b"
    parsed = parse(raw)
    assert "\x00" not in parsed.body
    classify(parsed)


@settings(max_examples=100, deadline=None)
@given(
    st.text(max_size=200),
    st.text(max_size=200),
    st.binary(max_size=300),
    st.text(st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp")), max_size=40),
)
def test_well_formed_messages_round_trip(subject, body, attachment, filename):
    message = EmailMessage()
    message["From"] = "Tolvan <tolvan@medborgare.example>"
    message["To"] = "kundcenter@sandviken.example"
    message["Subject"] = " ".join(subject.split())
    message.set_content(body)
    message.add_attachment(
        attachment, maintype="application", subtype="octet-stream", filename=filename or "x"
    )
    parsed = parse(bytes(message))
    assert parsed.sender_email == "tolvan@medborgare.example"
    assert len(parsed.attachments) == 1 and parsed.attachments[0].data == attachment


@given(st.text(max_size=500))
def test_html_to_text_never_raises(html):
    assert isinstance(html_to_text(html), str)
