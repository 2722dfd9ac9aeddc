"""Attachments (bilagor) on a case: add (validated by content) and remove.

Files go to Django's default storage (local disk embedded, S3-compatible in production)
under a random name (``Attachment.file``'s ``upload_to``); the original name is kept in
``original_name``. Everything is validated *before* a byte is written, so a refused file
leaves neither a file nor a row. If the database write fails after the file was stored, the
file is deleted again. (A file whose surrounding transaction is rolled back later, by a
caller's outer transaction, stays as an orphan without a row: harmless, not reachable.)
"""

from __future__ import annotations

import contextlib

from django.core.files import File
from django.db import transaction
from django.utils.translation import gettext as _

from sambruk.core.audit.models import AuditAction
from sambruk.core.audit.services import record

from ..attachments import check_upload
from ..errors import CaseActionError
from ..models import Attachment, LogKind
from ..predicates import check_edit
from ..system import db_user
from .base import begin, commit_change, lock


@contextlib.contextmanager
def delete_files_on_error(written: list):
    """Yield a list; on any exception, delete the stored file names appended to it."""
    try:
        yield written
    except BaseException:
        for storage, name in written:
            with contextlib.suppress(Exception):
                storage.delete(name)
        raise


def store_attachment(
    case, *, actor, uploaded_file, message=None, visible_to_citizen=False, written: list
) -> Attachment:
    """Validate and store one file on the (locked) case. No log entry: the caller writes it.

    ``written`` collects ``(storage, name)`` of the stored file for :func:`delete_files_on_error`.
    """
    if message is not None and message.conversation.case_id != case.pk:
        raise CaseActionError(_("Meddelandet hör till ett annat ärende."), code="invalid_message")
    checked = check_upload(uploaded_file)
    attachment = Attachment(
        case=case,
        message=message,
        original_name=checked.name,
        content_type=checked.kind.mime,
        size=checked.size,
        sha256=checked.sha256,
        uploaded_by=db_user(actor),
        visible_to_citizen=visible_to_citizen,
    )
    content = uploaded_file if isinstance(uploaded_file, File) else File(uploaded_file)
    content.seek(0)
    attachment.file.save(checked.name, content, save=False)
    written.append((attachment.file.storage, attachment.file.name))
    attachment.save()
    return attachment


@transaction.atomic
def do_add_attachment(
    case,
    *,
    actor,
    uploaded_file,
    message=None,
    visible_to_citizen: bool = False,
    expected_version=None,
) -> Attachment:
    """Add a file to the case (optionally on ``message``). Returns the :class:`Attachment`.

    Refused with a Swedish message: too large (``CASES_MAX_ATTACHMENT_BYTES``, default
    20 MB), empty, a type outside the allowlist, or a name whose extension disagrees with
    the content (a disguised file).
    """
    case = begin("add_attachment", case, actor, expected_version)
    with delete_files_on_error([]) as written:
        attachment = store_attachment(
            case,
            actor=actor,
            uploaded_file=uploaded_file,
            message=message,
            visible_to_citizen=visible_to_citizen,
            written=written,
        )
        commit_change(
            case,
            actor=actor,
            event="case.attachment_added",
            kind=LogKind.ATTACHMENT,
            text=_("Bilaga tillagd: %(name)s.") % {"name": attachment.original_name},
            data={"attachment": attachment.pk},
            changes={
                "attachment": [None, attachment.original_name],
                "sha256": attachment.sha256,
                "size": attachment.size,
            },
            visible_to_citizen=visible_to_citizen,
        )
    return attachment


@transaction.atomic
def do_remove_attachment(attachment, *, actor, expected_version=None):
    """Remove an attachment: the row now, the stored file once the transaction commits."""
    case = lock(attachment.case, expected_version=expected_version)
    check_edit(case, actor)
    row = Attachment.objects.filter(pk=attachment.pk, case=case).first()
    if row is None:
        raise CaseActionError(_("Bilagan finns inte."), code="not_found")
    storage, stored_name = row.file.storage, row.file.name
    record(
        AuditAction.DELETE,
        actor=actor,
        obj=row,
        organisation=case.organisation_id,
        changes={"original_name": row.original_name, "sha256": row.sha256, "case": case.pk},
    )
    name, visible = row.original_name, row.visible_to_citizen
    row.delete()
    case = commit_change(
        case,
        actor=actor,
        event="case.attachment_removed",
        kind=LogKind.ATTACHMENT,
        text=_("Bilaga borttagen: %(name)s.") % {"name": name},
        changes={"attachment": [name, None]},
        visible_to_citizen=visible,
    )
    transaction.on_commit(lambda: storage.delete(stored_name))
    return case
