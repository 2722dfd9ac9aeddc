"""Signing a submission: canonical content + SHA-256, signatures, the second signer.

The content (e-service, form version, answers, file hashes) is canonicalised as sorted,
compact JSON and hashed with SHA-256; the text shown to the signer names the hash, so the
e-legitimation signs the hash. Signing goes through
:mod:`sambruk.core.accounts.eleg.signing` (OIDC, BankID or the demo signer). If that module
is missing, the logged-in citizen's confirmation is recorded with method ``demo``.
"""

from __future__ import annotations

import json
import logging
import secrets
from dataclasses import asdict
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sambruk.core.audit.models import AuditAction
from sambruk.core.notifications.services import queue_email

from ..definition import has_file_fields
from ..engine import build_summary
from ..models import (
    Signature,
    SignatureInvitation,
    SignatureMethod,
    SignerRole,
    Signing,
    Submission,
    SubmissionStatus,
)
from .submissions import (
    SubmissionError,
    _audit,
    _check_editable,
    check_complete,
    contact_email,
    content_hash,
    finalise,
    is_citizen,
)

logger = logging.getLogger(__name__)


def invitation_days() -> int:
    return int(getattr(settings, "EFORMS_INVITATION_DAYS", 14))


def submission_files(sub: Submission) -> list:
    """The submission's files in upload order (no query when the form has no file field)."""
    if not has_file_fields(sub.form_version.schema):
        return []
    return list(sub.files.all().order_by("pk"))


def canonical_content(sub: Submission) -> str:
    files = sorted((f.field_name, f.original_name, f.sha256) for f in submission_files(sub))
    return json.dumps(
        {
            "eservice": sub.eservice_id,
            "form_version": sub.form_version_id,
            "answers": sub.data or {},
            "files": files,
        },
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
    )


def sign_text(sub: Submission, digest: str) -> str:
    """What the signer sees in the e-legitimation app (names the content's hash)."""
    lines = [
        _("Jag intygar att uppgifterna i ”%(name)s” är riktiga.")
        % {"name": sub.eservice.display_name}
    ]
    for section in build_summary(sub.form_version.schema, sub.data, language=sub.language):
        for item in section.items:
            if item.rows is None:
                lines.append(f"{item.label}: {item.value}")
    lines.append(_("Kontrollsumma (SHA-256): %(hash)s") % {"hash": digest})
    return "\n".join(lines)


def effective_signing(sub: Submission) -> str:
    """The e-service's signing, or single when a module's hook says one signer suffices."""
    from .. import hooks

    if sub.eservice.signing == Signing.TWO and hooks.signers_needed(sub) == 1:
        return Signing.SINGLE
    return sub.eservice.signing


def missing_signatures(sub: Submission) -> list[str]:
    """Roles that must still sign before the case is created."""
    signing = effective_signing(sub)
    if signing == Signing.NONE:
        return []
    have = set(
        sub.signatures.filter(content_hash=sub.content_hash or content_hash(sub)).values_list(
            "role", flat=True
        )
    )
    needed = [SignerRole.FIRST]
    if signing == Signing.TWO:
        needed.append(SignerRole.SECOND)
    return [r for r in needed if r not in have]


def _signing_module():
    try:
        from sambruk.core.accounts.eleg import signing
    except ImportError:  # e-legitimation not installed: demo confirmation only
        return None
    return signing


def start(sub: Submission, *, user, role: str, ip: str, return_url: str) -> dict:
    """Start a sign order; returns ``{"redirect": url, "order": dict | None}``."""
    if not is_citizen(user) or not user.civic_number:
        raise SubmissionError(
            _("Du behöver logga in med e-legitimation för att skriva under."),
            code="login_required",
        )
    digest = content_hash(sub)
    module = _signing_module()
    if module is None:
        return {"redirect": return_url, "order": None, "hash": digest}
    signer = module.get_signer()
    order = signer.start(
        sign_text(sub, digest),
        person_civic_number=user.civic_number,
        end_user_ip=ip or "127.0.0.1",
        return_url=return_url,
    )
    return {"redirect": order.redirect_url or return_url, "order": asdict(order), "hash": digest}


def collect(order: dict | None, *, user, loa: str):
    """``(status, completion dict, message)`` of a started order."""
    module = _signing_module()
    if order is None or module is None:
        return (
            "complete",
            {
                "civic_number": user.civic_number,
                "loa": loa or "",
                "method": SignatureMethod.DEMO,
                "signed_at": timezone.now().isoformat(),
                "signature": "",
            },
            "",
        )
    signer = module.SIGNERS[order["method"]]() if order["method"] in module.SIGNERS else None
    if signer is None:
        return "failed", None, _("Okänt sätt att skriva under.")
    status = signer.collect(module.SignOrder(**order))
    if status.status != "complete":
        return status.status, None, status.message
    return "complete", asdict(status.completion), ""


@transaction.atomic
def do_record_signature(
    sub: Submission, *, actor, role: str, completion: dict, expected_hash: str
) -> Signature:
    """Record a completed signature of ``role`` over the submission's current content."""
    sub = (
        Submission.objects.select_for_update(of=("self",)).select_related("eservice").get(pk=sub.pk)
    )
    if role == SignerRole.FIRST:
        _check_editable(sub)
        check_complete(sub)
    elif sub.status != SubmissionStatus.AWAITING_SIGNATURE:
        raise SubmissionError(_("Ansökan väntar inte på någon underskrift."), code="not_waiting")
    digest = content_hash(sub)
    if digest != expected_hash:
        raise SubmissionError(
            _("Ansökan har ändrats sedan du började skriva under. Skriv under igen."),
            code="content_changed",
        )
    if completion.get("civic_number") != actor.civic_number:
        raise SubmissionError(
            _("Underskriften gjordes med en annan persons e-legitimation."), code="wrong_person"
        )
    if (
        role == SignerRole.SECOND
        and sub.signatures.filter(civic_number=actor.civic_number).exists()
    ):
        raise SubmissionError(
            _("Medsökande måste vara en annan person än den som redan har skrivit under."),
            code="same_person",
        )
    if sub.signatures.filter(role=role).exists():
        raise SubmissionError(_("Ansökan är redan underskriven."), code="already_signed")
    method = completion.get("method") or SignatureMethod.DEMO
    if method not in SignatureMethod.values:
        method = SignatureMethod.DEMO
    signature = Signature.objects.create(
        submission=sub,
        signer=actor,
        civic_number=actor.civic_number,
        role=role,
        signed_at=timezone.now(),
        loa=(completion.get("loa") or "")[:100],
        method=method,
        content_hash=digest,
        evidence={
            k: completion.get(k, "")
            for k in ("signature", "signed_at", "text_hash", "given_name", "family_name")
        },
    )
    sub.content_hash = digest
    sub.save(update_fields=["content_hash", "updated_at"])
    _audit(
        AuditAction.CREATE,
        actor=actor,
        sub=sub,
        changes={"signature": role, "loa": signature.loa, "hash": digest, "method": method},
        purpose="underskrift",
    )
    return signature


@transaction.atomic
def do_invite_second_signer(
    sub: Submission, *, actor, email: str, civic_number: str = ""
) -> SignatureInvitation:
    """After the first signature: lock the submission and e-mail the co-applicant a link."""
    from django.core.exceptions import ValidationError
    from django.core.validators import validate_email

    from .receipts import invitation_url

    sub = (
        Submission.objects.select_for_update(of=("self",)).select_related("eservice").get(pk=sub.pk)
    )
    if effective_signing(sub) != Signing.TWO:
        raise SubmissionError(_("E-tjänsten har bara en undertecknare."), code="no_second")
    if not sub.signatures.filter(role=SignerRole.FIRST, content_hash=content_hash(sub)).exists():
        raise SubmissionError(_("Skriv under själv först."), code="first_missing")
    try:
        validate_email((email or "").strip())
    except ValidationError:
        raise SubmissionError(
            _("Ange medsökandes e-postadress, till exempel namn@exempel.se."), code="bad_email"
        ) from None
    civic_number = "".join(ch for ch in (civic_number or "") if ch.isdigit())
    if civic_number and len(civic_number) != 12:
        raise SubmissionError(
            _("Ange medsökandes personnummer med 12 siffror (ÅÅÅÅMMDDNNNN)."), code="bad_pnr"
        )
    SignatureInvitation.objects.filter(
        submission=sub, accepted_at__isnull=True, declined=False
    ).update(declined=True)
    invitation = SignatureInvitation.objects.create(
        submission=sub,
        email=email.strip(),
        civic_number=civic_number,
        token=secrets.token_urlsafe(32),
        expires_at=timezone.now() + timedelta(days=invitation_days()),
    )
    sub.status = SubmissionStatus.AWAITING_SIGNATURE
    sub.save(update_fields=["status", "updated_at"])
    queue_email(
        to=invitation.email,
        template=sub.eservice.second_signer_template or "eforms/email/signature_invitation",
        context={
            "eservice": sub.eservice.text("name", sub.language),
            "first_signer": actor.get_full_name() if hasattr(actor, "get_full_name") else "",
            "url": invitation_url(invitation),
            "expires_at": invitation.expires_at,
        },
        language=sub.language,
        organisation=sub.eservice.organisation,
    )
    _audit(
        AuditAction.CREATE,
        actor=actor,
        sub=sub,
        changes={"invitation": invitation.pk, "expires_at": invitation.expires_at},
    )
    return invitation


def find_invitation(token: str) -> SignatureInvitation | None:
    if not token or len(token) > 64:
        return None
    return (
        SignatureInvitation.objects.select_related(
            "submission__eservice__organisation", "submission__form_version"
        )
        .filter(token=token)
        .first()
    )


def invitation_problem(invitation: SignatureInvitation | None, user=None) -> str:
    """Why the link cannot be used now ("" if it can)."""
    if invitation is None:
        return _("Länken är ogiltig. Kontrollera att du har kopierat hela länken från e-posten.")
    if invitation.accepted_at is not None:
        return _("Ansökan är redan underskriven med den här länken.")
    if invitation.expires_at <= timezone.now() or invitation.expired_notice_sent_at:
        return _(
            "Inbjudan har gått ut. Ansökan har skickats in utan din underskrift. "
            "Kontakta den som skickade ansökan eller kommunen om du vill komplettera."
        )
    if invitation.declined or invitation.submission.status != SubmissionStatus.AWAITING_SIGNATURE:
        return _("Länken gäller inte längre.")
    if (
        user is not None
        and invitation.civic_number
        and getattr(user, "civic_number", "") != invitation.civic_number
    ):
        return _("Inbjudan gäller en annan person. Logga in med rätt e-legitimation.")
    return ""


@transaction.atomic
def do_second_signature(
    invitation: SignatureInvitation, *, actor, completion: dict, expected_hash: str
) -> Submission:
    """The co-applicant signs through the invitation; then the submission is sent in."""
    invitation = SignatureInvitation.objects.select_for_update().get(pk=invitation.pk)
    problem = invitation_problem(invitation, actor)
    if problem:
        raise SubmissionError(problem, code="bad_invitation")
    do_record_signature(
        invitation.submission,
        actor=actor,
        role=SignerRole.SECOND,
        completion=completion,
        expected_hash=expected_hash,
    )
    invitation.accepted_at = timezone.now()
    invitation.save(update_fields=["accepted_at"])
    sub = (
        Submission.objects.select_for_update(of=("self",))
        .select_related("eservice__organisation", "form_version")
        .get(pk=invitation.submission_id)
    )
    if sub.status == SubmissionStatus.SUBMITTED:
        return sub
    return finalise(sub, actor=actor)


def expire_invitations(now=None) -> int:
    """Expired invitations: the case is created with the first signer's signature only.

    Nothing is lost: the submission is sent in as it was signed; the case's form data
    records that the second signature is missing, the case log says so (staff, and a
    shorter line for the citizen on Mina sidor) and the first signer gets an e-mail that
    names only the e-service. Idempotent: the invitation is marked in the same
    transaction, so a second run finds nothing to do.
    """
    now = now or timezone.now()
    count = 0
    due = SignatureInvitation.objects.filter(
        accepted_at__isnull=True,
        declined=False,
        expired_notice_sent_at__isnull=True,
        expires_at__lte=now,
    ).values_list("pk", flat=True)
    for pk in list(due):
        try:
            with transaction.atomic():
                invitation = (
                    SignatureInvitation.objects.select_for_update()
                    .filter(
                        pk=pk,
                        accepted_at__isnull=True,
                        declined=False,
                        expired_notice_sent_at__isnull=True,
                    )
                    .first()
                )
                if invitation is None:
                    continue
                invitation.expired_notice_sent_at = now
                invitation.declined = True
                invitation.save(update_fields=["expired_notice_sent_at", "declined"])
                sub = (
                    Submission.objects.select_for_update(of=("self",))
                    .select_related("eservice__organisation", "form_version")
                    .get(pk=invitation.submission_id)
                )
                if sub.status != SubmissionStatus.AWAITING_SIGNATURE:
                    continue
                _send_in_with_one_signature(sub, invitation, now=now)
                count += 1
        except Exception:  # one refused submission must not stop the others
            logger.exception("Could not send in submission after invitation %s expired", pk)
    return count


def _send_in_with_one_signature(sub: Submission, invitation: SignatureInvitation, *, now):
    """Create the case from the first signature; record and tell that the second is missing."""
    from django.utils import formats

    from sambruk.cases.models import CaseFormData, CaseLogEntry, LogKind

    first = sub.signatures.filter(role=SignerRole.FIRST).order_by("pk").first()
    sub.content_hash = first.content_hash if first else content_hash(sub)
    finalise(sub, actor=None)
    expired_on = timezone.localtime(invitation.expires_at)
    missing = {
        "role": SignerRole.SECOND,
        "reason": "invitation_expired",
        "invitation_expired_at": invitation.expires_at.isoformat(),
    }
    for form in CaseFormData.objects.filter(case=sub.case, form_code__startswith="etjanst-"):
        if form.data.get("submission") != sub.pk:
            continue
        form.data = {**form.data, "missing_signatures": [missing]}
        form.save(update_fields=["data"])
    date_text = formats.date_format(expired_on, "Y-m-d")
    CaseLogEntry.objects.create(
        case=sub.case,
        at=now,
        actor=None,
        kind=LogKind.SYSTEM,
        text=_("Medsökande signerade inte inom tiden (inbjudan gick ut %(date)s).")
        % {"date": date_text},
        data={"missing_signatures": [missing]},
    )
    CaseLogEntry.objects.create(
        case=sub.case,
        at=now,
        actor=None,
        kind=LogKind.SYSTEM,
        text=_(
            "Medsökande skrev inte under innan inbjudan gick ut. Ansökan skickades in "
            "med din underskrift."
        ),
        visible_to_citizen=True,
    )
    address = contact_email(sub)
    if address:
        queue_email(
            to=address,
            template="eforms/email/invitation_expired",
            context={"eservice": sub.eservice.text("name", sub.language), "expired_on": date_text},
            language=sub.language,
            organisation=sub.eservice.organisation,
        )
    _audit(
        AuditAction.UPDATE,
        actor=None,
        sub=sub,
        changes={
            "invitation_expired": invitation.pk,
            "case": sub.case_id,
            "missing_signatures": [SignerRole.SECOND],
        },
    )
