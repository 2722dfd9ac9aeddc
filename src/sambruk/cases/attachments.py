"""Attachment files: what we accept (content sniffing), safe names, and audited download.

The type of a file is decided by its *content* (magic bytes with the pure-Python ``filetype``
package, the members of zip-based office documents, a byte check for plain text), never by
the name or the browser's content type. The name's extension must agree with the content:
an ``.exe`` renamed ``.pdf`` or a PNG named ``.pdf`` is refused as *disguised*.

:func:`open_attachment` is the only way to read a stored file: it checks that the user may see
the case and writes a read :class:`~sambruk.core.audit.models.AuditEvent`.
"""

from __future__ import annotations

import hashlib
import unicodedata
import zipfile
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _

from sambruk.core.audit.services import record_read

from .errors import CaseActionError
from .predicates import require_visible

#: Bytes read for magic-number sniffing (``filetype`` needs at most 8 KiB).
HEAD = 8192
#: Bytes checked to decide that a file is plain text.
TEXT_SAMPLE = 1024 * 1024


@dataclass(frozen=True)
class Kind:
    code: str
    label: str
    mime: str
    extensions: frozenset[str]


KINDS = {
    k.code: k
    for k in (
        Kind("pdf", "PDF", "application/pdf", frozenset({"pdf"})),
        Kind("png", "PNG-bild", "image/png", frozenset({"png"})),
        Kind("jpeg", "JPEG-bild", "image/jpeg", frozenset({"jpg", "jpeg", "jpe", "jfif"})),
        Kind("gif", "GIF-bild", "image/gif", frozenset({"gif"})),
        Kind("webp", "WebP-bild", "image/webp", frozenset({"webp"})),
        Kind("heic", "HEIC-bild", "image/heic", frozenset({"heic", "heif"})),
        Kind(
            "docx",
            "Word-dokument",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            frozenset({"docx"}),
        ),
        Kind(
            "xlsx",
            "Excel-arbetsbok",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            frozenset({"xlsx"}),
        ),
        Kind(
            "odt",
            "OpenDocument-text",
            "application/vnd.oasis.opendocument.text",
            frozenset({"odt"}),
        ),
        Kind("text", "textfil", "text/plain", frozenset({"txt", "text", "log"})),
        Kind("csv", "CSV-fil", "text/csv", frozenset({"csv"})),
    )
}

#: ``filetype`` extension → our kind (only these magic numbers are accepted).
_MAGIC = {"pdf": "pdf", "png": "png", "jpg": "jpeg", "gif": "gif", "webp": "webp", "heic": "heic"}

_FORBIDDEN_IN_NAME = set('<>:"/\\|?*')


def max_bytes() -> int:
    return int(getattr(settings, "CASES_MAX_ATTACHMENT_BYTES", 20 * 1024 * 1024))


def allowed_label() -> str:
    return (
        "PDF, PNG, JPEG, GIF, WebP, HEIC, Word (docx), Excel (xlsx), OpenDocument (odt), text, CSV"
    )


def clean_filename(name: str) -> str:
    """The original name, safe to store and show: no path, no control characters, ≤ 255."""
    name = unicodedata.normalize("NFC", str(name or ""))
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(
        ch for ch in name if unicodedata.category(ch)[0] != "C" and ch not in _FORBIDDEN_IN_NAME
    )
    name = " ".join(name.split()).strip(" .")
    if not name:
        return _("bilaga")
    if len(name) > 255:
        stem, dot, ext = name.rpartition(".")
        keep_ext = dot and 0 < len(ext) <= 16
        name = stem[: 255 - len(ext) - 1] + "." + ext if keep_ext else name[:255]
    return name


def extension(name: str) -> str:
    stem, dot, ext = name.rpartition(".")
    return ext.lower() if dot and stem else ""


def _zip_kind(fileobj) -> str | None:
    """docx / xlsx / odt by their members; None for any other (or broken) zip."""
    try:
        fileobj.seek(0)
        with zipfile.ZipFile(fileobj) as archive:
            names = set(archive.namelist())
            if "mimetype" in names:
                info = archive.getinfo("mimetype")
                if info.file_size <= 100:
                    mimetype = archive.read("mimetype").decode("ascii", "replace").strip()
                    if mimetype == KINDS["odt"].mime:
                        return "odt"
                return None
            if "[Content_Types].xml" in names:
                if "word/document.xml" in names:
                    return "docx"
                if "xl/workbook.xml" in names:
                    return "xlsx"
    except (zipfile.BadZipFile, OSError, ValueError, KeyError):
        return None
    finally:
        fileobj.seek(0)
    return None


def _is_text(sample: bytes) -> bool:
    if b"\x00" in sample:
        return False
    try:
        text = sample.decode("utf-8")
    except UnicodeDecodeError as error:
        # A multi-byte character cut at the end of the sample is still UTF-8.
        if error.start >= len(sample) - 3 and len(sample) >= TEXT_SAMPLE:
            text = sample[: error.start].decode("utf-8", "replace")
        else:
            text = sample.decode("latin-1")
    return not any(ord(ch) < 32 and ch not in "\t\n\r\f" for ch in text) and "\x7f" not in text


def sniff(fileobj, name: str) -> tuple[Kind | None, str]:
    """The kind of the content (``None`` if not allowed) and what it looks like otherwise."""
    import filetype

    fileobj.seek(0)
    head = fileobj.read(HEAD)
    fileobj.seek(0)
    guess = filetype.guess(head) if head else None
    if guess is not None and guess.extension in _MAGIC:
        return KINDS[_MAGIC[guess.extension]], guess.mime
    if head.startswith(b"PK\x03\x04"):
        code = _zip_kind(fileobj)
        return (KINDS[code], KINDS[code].mime) if code else (None, "application/zip")
    if guess is not None:
        return None, guess.mime
    fileobj.seek(0)
    sample = fileobj.read(TEXT_SAMPLE)
    fileobj.seek(0)
    if _is_text(sample):
        return (KINDS["csv"] if extension(name) == "csv" else KINDS["text"]), "text/plain"
    return None, "application/octet-stream"


@dataclass(frozen=True)
class CheckedFile:
    name: str
    kind: Kind
    size: int
    sha256: str


def check_upload(uploaded_file) -> CheckedFile:
    """Validate an upload before anything is written. Raises :class:`CaseActionError`."""
    name = clean_filename(getattr(uploaded_file, "name", "") or "")
    size = getattr(uploaded_file, "size", None)
    limit = max_bytes()
    if size is not None and size > limit:
        raise _too_large(name, limit)
    digest = hashlib.sha256()
    counted = 0
    uploaded_file.seek(0)
    for chunk in (
        uploaded_file.chunks() if hasattr(uploaded_file, "chunks") else [uploaded_file.read()]
    ):
        counted += len(chunk)
        if counted > limit:
            raise _too_large(name, limit)
        digest.update(chunk)
    uploaded_file.seek(0)
    if counted == 0:
        raise CaseActionError(_("Filen ”%(name)s” är tom.") % {"name": name}, code="empty_file")
    kind, looks_like = sniff(uploaded_file, name)
    ext = extension(name)
    if kind is None:
        if ext and any(ext in k.extensions for k in KINDS.values()):
            raise CaseActionError(
                _(
                    "Innehållet i ”%(name)s” stämmer inte med filändelsen .%(ext)s. "
                    "Filen har inte laddats upp."
                )
                % {"name": name, "ext": ext},
                code="disguised_file",
            )
        raise CaseActionError(
            _("Filtypen för ”%(name)s” är inte tillåten. Tillåtna filtyper: %(allowed)s.")
            % {"name": name, "allowed": allowed_label()},
            code="file_type_not_allowed",
        )
    if not ext:
        raise CaseActionError(
            _("Filnamnet ”%(name)s” saknar filändelse. Ange till exempel .%(ext)s.")
            % {"name": name, "ext": sorted(kind.extensions)[0]},
            code="no_extension",
        )
    if ext not in kind.extensions:
        raise CaseActionError(
            _(
                "Innehållet i ”%(name)s” stämmer inte med filändelsen .%(ext)s: "
                "filen är en %(kind)s. Filen har inte laddats upp."
            )
            % {"name": name, "ext": ext, "kind": kind.label},
            code="disguised_file",
        )
    return CheckedFile(name=name, kind=kind, size=counted, sha256=digest.hexdigest())


def _too_large(name: str, limit: int) -> CaseActionError:
    return CaseActionError(
        _("Filen ”%(name)s” är för stor. Största tillåtna storlek är %(max)s MB.")
        % {"name": name, "max": _megabytes(limit)},
        code="file_too_large",
    )


def _megabytes(size: int) -> str:
    value = size / (1024 * 1024)
    return f"{value:.0f}" if value >= 10 or value.is_integer() else f"{value:.1f}".replace(".", ",")


def open_attachment(attachment, *, actor, purpose: str = ""):
    """Open the stored file for reading (``rb``) after checking access; audits the read.

    Raises :class:`CaseActionError` (``not_found``) when the user may not see the case. The
    caller streams the returned file (``FileResponse(f, filename=attachment.original_name)``)
    and closes it.
    """
    case = attachment.case
    require_visible(case, actor)
    record_read(
        actor=actor,
        obj=attachment,
        organisation=case.organisation_id,
        purpose=purpose or _("Nedladdning av bilaga i ärende %(ref)s") % {"ref": case.reference},
        changes={"case": case.pk, "sha256": attachment.sha256},
    )
    return attachment.file.storage.open(attachment.file.name, "rb")
