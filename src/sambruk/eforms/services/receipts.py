"""The receipt: links, the PDF copy (rendered by the task worker) and the receipt e-mail.

On commit of a submission :func:`schedule_receipt` queues :func:`sambruk.eforms.tasks.make_receipt`,
which renders ``eforms/pdf/receipt.html`` with WeasyPrint, stores it on the submission and
queues the receipt e-mail (template triplet ``EService.receipt_template``) with a signed link
to the PDF. Nothing of this runs in the citizen's request.

The PDF holds personal data (personnummer, household), so the e-mailed link is no bearer
token for a citizen's submission: when the e-service requires login, or the citizen was logged
in, the PDF is shown only to the submitter or a signer, logged in with e-legitimation
(:func:`may_read_pdf`). Anonymous submissions' links expire after
``EFORMS_RECEIPT_LINK_DAYS`` (default 30) days.
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


def link_days() -> int:
    """How long an e-mailed receipt link of an anonymous submission works."""
    return int(getattr(settings, "EFORMS_RECEIPT_LINK_DAYS", 30))


def needs_login(sub: Submission) -> bool:
    """The PDF of a login-required e-service, or of a logged-in citizen, needs their login."""
    return bool(sub.eservice.login_required or sub.user_id)


def may_read_pdf(sub: Submission, user) -> bool:
    """Whether ``user`` may read ``sub``'s PDF (see :func:`needs_login`)."""
    if not needs_login(sub):
        return True
    if not getattr(user, "is_authenticated", False):
        return False
    if sub.user_id == user.pk:
        return True
    return sub.signatures.filter(signer_id=user.pk).exists()


def submission_for_receipt_token(token: str) -> Submission | None:
    """The submission of a receipt token (``None``: tampered). Anonymous submissions' tokens
    expire after :func:`link_days`; login-protected ones are checked by :func:`may_read_pdf`."""
    try:
        data = signing.loads(token, salt=SALT)
    except signing.BadSignature:
        return None
    sub = Submission.objects.filter(pk=data.get("s")).select_related("eservice").first()
    if sub is None or not sub.idempotency_key.startswith(data.get("k") or "-"):
        return None
    if not needs_login(sub):
        try:
            signing.loads(token, salt=SALT, max_age=60 * 60 * 24 * link_days())
        except signing.BadSignature:  # expired
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
            _queue_receipt(sub, address, mina_sidor=bool(sub.user_id))
        co_address = co_applicant_email(sub)
        if co_address and co_address.lower() != (address or "").lower():
            _queue_receipt(sub, co_address, mina_sidor=False)
    return locked


def co_applicant_email(sub: Submission) -> str:
    """The second signer's (medsökande) address: their own account's (verified Mina sidor
    address or account e-mail), else the address their invitation was sent to."""
    from ..models import SignerRole
    from .submissions import account_email

    second = sub.signatures.filter(role=SignerRole.SECOND).select_related("signer").first()
    if second is None:
        return ""
    own = account_email(second.signer) if second.signer_id else ""
    if own:
        return own
    invitation = sub.invitations.filter(accepted_at__isnull=False).order_by("-accepted_at").first()
    return invitation.email if invitation is not None else ""


def _queue_receipt(sub: Submission, address: str, *, mina_sidor: bool) -> None:
    from sambruk.core.notifications.services import queue_email

    eservice = sub.eservice
    language = sub.language or "sv"
    queue_email(
        to=address,
        template=eservice.receipt_template or "eforms/email/receipt",
        context={
            "eservice": eservice.text("name", language),
            "organisation": eservice.organisation.name,
            "reference": sub.case.reference if sub.case_id else "",
            "submitted_at": sub.submitted_at,
            "pdf_url": receipt_pdf_url(sub),
            "custom_subject": eservice.text("receipt_subject", language),
            "custom_text": eservice.text("receipt_text", language),
            "content_hash": sub.content_hash,
            "login_needed": needs_login(sub),
            "link_days": link_days(),
            "mina_sidor": mina_sidor,
        },
        language=language,
        organisation=eservice.organisation,
    )
