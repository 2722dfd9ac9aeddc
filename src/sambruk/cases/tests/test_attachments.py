"""Attachments: content sniffing, size limit, disguised files, storage and audited download."""

from __future__ import annotations

import hashlib
import io
import zipfile
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from sambruk.cases import services
from sambruk.cases.attachments import open_attachment
from sambruk.cases.errors import CaseActionError
from sambruk.cases.models import Attachment, Case, CaseEvent, CaseLogEntry, LogKind
from sambruk.core.audit.models import AuditEvent

from .factories import caseworker

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def image(fmt: str) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(buf, fmt)
    return buf.getvalue()


def zipped(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buf.getvalue()


DOCX = zipped({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>"})
XLSX = zipped({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<workbook/>"})
ODT = zipped({"mimetype": b"application/vnd.oasis.opendocument.text", "content.xml": b"<x/>"})
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 200


def upload(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


def stored_files(media_root) -> list[Path]:
    root = Path(media_root)
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


@pytest.fixture
def case(setup):
    return services.do_create(
        actor=setup.worker, queue=setup.queue, case_type=setup.case_type, title="Bygglov"
    )


def test_pdf_is_stored_under_random_name_with_original_name_and_hash(setup, case, _media_root):
    attachment = services.do_add_attachment(
        case, actor=setup.worker, uploaded_file=upload("../../etc/Beslut om bygglov.pdf", PDF)
    )
    attachment.refresh_from_db()
    assert attachment.original_name == "Beslut om bygglov.pdf"
    assert attachment.content_type == "application/pdf"
    assert attachment.size == len(PDF)
    assert attachment.sha256 == hashlib.sha256(PDF).hexdigest()
    assert "Beslut" not in attachment.file.name
    assert attachment.file.name.startswith(f"cases/{case.organisation_id}/{case.pk}/")
    files = stored_files(_media_root)
    assert len(files) == 1 and files[0].read_bytes() == PDF
    entry = CaseLogEntry.objects.get(case=case, kind=LogKind.ATTACHMENT)
    assert entry.text == "Bilaga tillagd: Beslut om bygglov.pdf."
    assert not entry.visible_to_citizen
    assert CaseEvent.objects.filter(case=case, name="case.attachment_added").exists()
    assert AuditEvent.objects.filter(
        object_type="cases.case", object_id=str(case.pk), action="update", actor=setup.worker
    ).exists()
    assert Case.objects.get(pk=case.pk).version == case.version + 1


@pytest.mark.parametrize(
    ("name", "data", "mime"),
    [
        ("karta.png", image("PNG"), "image/png"),
        ("foto.JPG", image("JPEG"), "image/jpeg"),
        ("anim.gif", image("GIF"), "image/gif"),
        ("bild.webp", image("WEBP"), "image/webp"),
        (
            "yttrande.docx",
            DOCX,
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        ("budget.xlsx", XLSX, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        ("protokoll.odt", ODT, "application/vnd.oasis.opendocument.text"),
        ("anteckning.txt", "Hej från Åsa, öppet ärende\n".encode(), "text/plain"),
        ("lista.csv", "namn;ort\nÅsa;Gävle\n".encode("latin-1"), "text/csv"),
    ],
)
def test_allowed_types_are_recognised_by_content(setup, case, name, data, mime):
    attachment = services.do_add_attachment(
        case, actor=setup.worker, uploaded_file=upload(name, data), visible_to_citizen=True
    )
    assert attachment.content_type == mime
    assert attachment.visible_to_citizen
    assert CaseLogEntry.objects.get(case=case, kind=LogKind.ATTACHMENT).visible_to_citizen


def _refused(setup, case, media_root, name, data) -> CaseActionError:
    with pytest.raises(CaseActionError) as err:
        services.do_add_attachment(case, actor=setup.worker, uploaded_file=upload(name, data))
    assert not Attachment.objects.exists()
    assert stored_files(media_root) == []
    assert not CaseLogEntry.objects.filter(case=case, kind=LogKind.ATTACHMENT).exists()
    assert Case.objects.get(pk=case.pk).version == case.version
    return err.value


def test_oversized_file_is_refused_and_nothing_written(setup, case, settings, _media_root):
    settings.CASES_MAX_ATTACHMENT_BYTES = 2 * 1024 * 1024
    data = PDF + b"0" * (2 * 1024 * 1024)
    error = _refused(setup, case, _media_root, "stor.pdf", data)
    assert error.code == "file_too_large"
    assert error.message == "Filen ”stor.pdf” är för stor. Största tillåtna storlek är 2 MB."


def test_default_limit_is_20_mb(setup, case, _media_root):
    error = _refused(setup, case, _media_root, "stor.pdf", PDF + b"0" * (20 * 1024 * 1024))
    assert error.code == "file_too_large"
    assert "20 MB" in error.message


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        (
            "faktura.pdf",
            EXE,
            "Innehållet i ”faktura.pdf” stämmer inte med filändelsen .pdf. "
            "Filen har inte laddats upp.",
        ),
        (
            "intyg.pdf",
            image("PNG"),
            "Innehållet i ”intyg.pdf” stämmer inte med filändelsen .pdf: filen är en PNG-bild. "
            "Filen har inte laddats upp.",
        ),
        (
            "brev.docx",
            zipped({"payload.js": b"alert(1)"}),
            "Innehållet i ”brev.docx” stämmer inte med filändelsen .docx. "
            "Filen har inte laddats upp.",
        ),
        (
            "readme.txt",
            b"ELF\x00\x01\x02binary\x00\x00",
            "Innehållet i ”readme.txt” stämmer inte med filändelsen .txt. "
            "Filen har inte laddats upp.",
        ),
        (
            "anteckning.txt",
            PDF,
            "Innehållet i ”anteckning.txt” stämmer inte med filändelsen .txt: filen är en PDF. "
            "Filen har inte laddats upp.",
        ),
    ],
)
def test_disguised_files_are_refused(setup, case, _media_root, name, data, message):
    error = _refused(setup, case, _media_root, name, data)
    assert error.code == "disguised_file"
    assert error.message == message


def test_type_outside_allowlist_is_refused(setup, case, _media_root):
    error = _refused(setup, case, _media_root, "program.exe", EXE)
    assert error.code == "file_type_not_allowed"
    assert error.message.startswith("Filtypen för ”program.exe” är inte tillåten.")


def test_empty_and_nameless_files_are_refused(setup, case, _media_root):
    assert _refused(setup, case, _media_root, "tom.pdf", b"").code == "empty_file"
    error = _refused(setup, case, _media_root, "skanning", PDF)
    assert error.code == "no_extension"
    assert error.message == "Filnamnet ”skanning” saknar filändelse. Ange till exempel .pdf."


def test_closed_case_takes_no_attachments(setup, case, _media_root):
    closed = services.do_close(case, actor=setup.worker)
    with pytest.raises(CaseActionError) as err:
        services.do_add_attachment(closed, actor=setup.worker, uploaded_file=upload("a.pdf", PDF))
    assert err.value.message == "Ärendet är avslutat."
    assert stored_files(_media_root) == []


def test_download_is_audited_and_returns_the_bytes(setup, case):
    attachment = services.do_add_attachment(
        case, actor=setup.worker, uploaded_file=upload("karta.png", image("PNG"))
    )
    before = AuditEvent.objects.filter(action="read").count()
    with open_attachment(attachment, actor=setup.other, purpose="Handläggning") as fh:
        assert fh.read() == image("PNG")
    read = AuditEvent.objects.filter(action="read").order_by("-pk").first()
    assert AuditEvent.objects.filter(action="read").count() == before + 1
    assert read.actor == setup.other
    assert read.object_type == "cases.attachment"
    assert read.object_id == str(attachment.pk)
    assert read.purpose == "Handläggning"
    assert read.organisation_id == case.organisation_id


def test_download_refused_for_other_organisation_and_not_audited(setup, case, org_factory):
    attachment = services.do_add_attachment(
        case, actor=setup.worker, uploaded_file=upload("karta.png", image("PNG"))
    )
    outsider = caseworker(org_factory())
    with pytest.raises(CaseActionError) as err:
        open_attachment(attachment, actor=outsider)
    assert err.value.code == "not_found"
    assert not AuditEvent.objects.filter(action="read", object_type="cases.attachment").exists()


def test_remove_deletes_row_and_file_on_commit(
    setup, case, _media_root, django_capture_on_commit_callbacks
):
    attachment = services.do_add_attachment(
        case, actor=setup.worker, uploaded_file=upload("karta.png", image("PNG"))
    )
    assert len(stored_files(_media_root)) == 1
    with django_capture_on_commit_callbacks(execute=True):
        services.do_remove_attachment(attachment, actor=setup.worker)
    assert not Attachment.objects.exists()
    assert stored_files(_media_root) == []
    assert CaseLogEntry.objects.filter(
        case=case, kind=LogKind.ATTACHMENT, text="Bilaga borttagen: karta.png."
    ).exists()
    assert AuditEvent.objects.filter(
        action="delete", object_type="cases.attachment", object_id=str(attachment.pk)
    ).exists()


def test_system_actor_adds_attachment_without_uploader(setup, case, _media_root):
    from sambruk.cases.system import SystemActor

    robot = SystemActor("E-tjänst: Kontakta kommunen")
    upload = SimpleUploadedFile("intyg.pdf", PDF, content_type="application/pdf")
    attachment = services.do_add_attachment(case, actor=robot, uploaded_file=upload)
    attachment.refresh_from_db()
    assert attachment.uploaded_by is None
    assert attachment.original_name == "intyg.pdf"
    entry = CaseLogEntry.objects.filter(case=case, kind=LogKind.ATTACHMENT).get()
    assert entry.data["actor_label"] == "E-tjänst: Kontakta kommunen"
