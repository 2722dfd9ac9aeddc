"""The receipt: links, the PDF copy (rendered by the task worker) and the receipt e-mail.

On commit of a submission :func:`schedule_receipt` queues :func:`sambruk.eforms.tasks.make_receipt`,
which renders ``eforms/pdf/receipt.html`` with WeasyPrint, stores it on the submission and
queues the receipt e-mail (template triplet ``EService.receipt_template``) with a signed link
to the PDF. Nothing of this runs in the citizen's request.
"""

from __future__ import annotations

from django.conf import settings
from django.core import signing
from django.core.files.base import ContentFile
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from ..engine import build_summary
from ..models import Submission

SALT = "eforms.receipt"


def absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def draft_url(sub: Submission) -> str:
    return absolute(
        reverse(
            "eforms:resume",
            args=[sub.eservice.organisation.slug, sub.eservice.slug, sub.draft_token],
        )
    )


def invitation_url(invitation) -> str:
    return absolute(reverse("eforms:cosign", args=[invitation.token]))


def receipt_token(sub: Submission) -> str:
    return signing.dumps({"s": sub.pk, "k": sub.idempotency_key[:12]}, salt=SALT, compress=True)


def submission_for_receipt_token(token: str) -> Submission | None:
    try:
        data = signing.loads(token, salt=SALT, max_age=60 * 60 * 24 * 365)
    except signing.BadSignature:
        return None
    sub = Submission.objects.filter(pk=data.get("s")).select_related("eservice").first()
    if sub is None or not sub.idempotency_key.startswith(data.get("k") or "-"):
        return None
    return sub


def receipt_pdf_url(sub: Submission) -> str:
    return absolute(reverse("eforms:receipt_pdf", args=[receipt_token(sub)]))


def receipt_context(sub: Submission) -> dict:
    return {
        "submission": sub,
        "eservice": sub.eservice,
        "organisation": sub.eservice.organisation,
        "sections": build_summary(sub.form_version.schema, sub.data, language=sub.language),
        "files": list(sub.files.all()),
        "signatures": list(sub.signatures.all()),
        "reference": sub.case.reference if sub.case_id else "",
        "submitted_at": sub.submitted_at,
        "content_hash": sub.content_hash,
    }


def render_receipt_pdf(sub: Submission) -> bytes:
    import weasyprint  # slow to import: only in the worker

    with translation.override(sub.language or "sv"):
        html = render_to_string("eforms/pdf/receipt.html", receipt_context(sub))
    return weasyprint.HTML(string=html, url_fetcher=_no_fetch).write_pdf()


def _no_fetch(url, *args, **kwargs):
    raise ValueError("External resources are not loaded in receipts.")


def schedule_receipt(sub: Submission) -> None:
    pk = sub.pk

    def run():
        from ..tasks import make_receipt

        make_receipt(pk)

    transaction.on_commit(run, robust=True)


def make_receipt_now(submission_id: int) -> Submission | None:
    """Render and store the PDF, then queue the receipt e-mail (once)."""
    from sambruk.core.audit.models import AuditAction
    from sambruk.core.audit.services import record
    from sambruk.core.notifications.services import queue_email

    from .submissions import contact_email

    sub = (
        Submission.objects.select_related("eservice__organisation", "form_version", "case")
        .filter(pk=submission_id)
        .first()
    )
    if sub is None or sub.status != "submitted" or sub.receipt_pdf:
        return sub
    pdf = render_receipt_pdf(sub)
    with transaction.atomic():
        locked = Submission.objects.select_for_update().get(pk=sub.pk)
        if locked.receipt_pdf:
            return locked
        stamp = timezone.localtime(sub.submitted_at or timezone.now()).strftime("%Y%m%d")
        locked.receipt_pdf.save(f"kvittens-{stamp}-{sub.pk}.pdf", ContentFile(pdf), save=False)
        locked.save(update_fields=["receipt_pdf", "updated_at"])
        record(
            AuditAction.EXPORT,
            actor=None,
            actor_label="e-tjänster: kvittens",
            obj=locked,
            organisation=sub.eservice.organisation_id,
            changes={"format": "pdf", "size": len(pdf)},
        )
        address = contact_email(sub)
        if address:
            eservice = sub.eservice
            queue_email(
                to=address,
                template=eservice.receipt_template or "eforms/email/receipt",
                context={
                    "eservice": eservice.name,
                    "organisation": eservice.organisation.name,
                    "reference": sub.case.reference if sub.case_id else "",
                    "submitted_at": sub.submitted_at,
                    "pdf_url": receipt_pdf_url(sub),
                    "custom_text": eservice.receipt_text,
                    "content_hash": sub.content_hash,
                },
                language=sub.language,
                organisation=eservice.organisation,
            )
    return locked
