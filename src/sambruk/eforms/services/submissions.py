"""The citizen's submission: start, save a page, resume, retired versions, expiry, submit.

Every state change is a ``do_*`` function (atomic, keyword-only ``actor``, audited). The
signing steps live in :mod:`.signing`, the receipt in :mod:`.receipts`, case creation in
:mod:`.casefile`.

Access to a draft: the ``draft_token`` in its URL is the capability for an anonymous draft;
a logged-in citizen's draft also needs that citizen to be logged in (an expired login keeps
the draft: the citizen logs in again and continues where they were).
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sambruk.cases.errors import CaseActionError
from sambruk.core.audit.models import AuditAction
from sambruk.core.audit.services import record

from .. import hooks
from ..compiled import attach_schema
from ..definition import field_map
from ..engine import (
    EngineError,
    PageResult,
    clean_page,
    initial_answers,
    merge_page,
    missing_answers,
)
from ..models import (
    EService,
    Submission,
    SubmissionFile,
    SubmissionStatus,
    VersionStatus,
)
from ..prefill import PrefillContext
from ..visibility import Visibility

#: The citizen's hot path: a submission with what every page needs, in one query; the
#: version's document comes from :mod:`..compiled` (``attach_schema``), the user lazily.
HOT = Submission.objects.select_related("eservice__organisation", "form_version__definition").defer(
    "form_version__schema"
)


class SubmissionError(CaseActionError):
    """A refused citizen action, with a Swedish message (``.message``) and a ``code``."""


def is_citizen(user) -> bool:
    return bool(
        user is not None
        and getattr(user, "is_authenticated", False)
        and getattr(user, "kind", "") == "citizen"
    )


def warning_days() -> int:
    return int(getattr(settings, "EFORMS_DRAFT_WARNING_DAYS", 3))


def _audit(action, *, actor, sub, changes=None, purpose=""):
    record(
        action,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        obj=sub,
        organisation=sub.eservice.organisation_id,
        changes=changes or {},
        purpose=purpose,
    )


# --- start / access ------------------------------------------------------------------------
def check_open(eservice: EService) -> None:
    if not eservice.is_open():
        raise SubmissionError(
            _("E-tjänsten ”%(name)s” är stängd just nu.") % {"name": eservice.display_name},
            code="closed",
        )


@transaction.atomic
def do_start(eservice: EService, *, actor, language: str = "sv", claims=None) -> Submission:
    """A new draft of ``eservice`` for ``actor`` (a citizen, or anonymous), prefilled."""
    check_open(eservice)
    citizen = is_citizen(actor)
    if eservice.login_required and not citizen:
        raise SubmissionError(
            _("Du behöver logga in med e-legitimation för att använda e-tjänsten."),
            code="login_required",
        )
    version = eservice.form_version
    answers = {}
    if citizen:
        context = PrefillContext.for_user(
            actor, claims=claims or {}, organisation=eservice.organisation
        )
        answers = initial_answers(version.schema, context)
    now = timezone.now()
    sub = Submission.objects.create(
        eservice=eservice,
        form_version=version,
        user=actor if citizen else None,
        data=answers,
        idempotency_key=secrets.token_hex(24),
        draft_token=secrets.token_urlsafe(32),
        language=(language or "sv")[:5],
        expires_at=now + timedelta(days=eservice.draft_ttl_days),
    )
    _audit(AuditAction.CREATE, actor=actor, sub=sub, changes={"eservice": eservice.pk})
    return sub


def find_draft(token: str) -> Submission | None:
    """The submission behind a draft link (``None`` for an unknown or malformed token)."""
    if not token or len(token) > 64:
        return None
    try:
        sub = HOT.get(draft_token=token)  # unique: no ORDER BY
    except Submission.DoesNotExist:
        return None
    attach_schema(sub.form_version)
    return sub


def may_access(sub: Submission, user) -> bool:
    """Anonymous drafts: the token is enough. A citizen's draft: that citizen only."""
    if sub.user_id is None:
        return True
    return bool(getattr(user, "is_authenticated", False) and user.pk == sub.user_id)


def is_expired(sub: Submission, at=None) -> bool:
    if sub.status == SubmissionStatus.EXPIRED:
        return True
    at = at or timezone.now()
    return sub.status == SubmissionStatus.DRAFT and bool(sub.expires_at and sub.expires_at <= at)


# --- versions ------------------------------------------------------------------------------
@dataclass
class VersionState:
    retired: bool
    compatible: bool
    new_version: object | None


def version_state(sub: Submission) -> VersionState:
    """Is the draft's form version retired, and can the answers move to the current one?"""
    version = sub.form_version
    if version.status != VersionStatus.RETIRED:
        return VersionState(False, True, None)
    current = sub.eservice.form_version
    if current.pk == version.pk or current.status != VersionStatus.PUBLISHED:
        return VersionState(True, False, None)
    return VersionState(True, answers_fit(version.schema, current.schema, sub.data), current)


def answers_fit(old: dict, new: dict, answers: dict) -> bool:
    """Every answered field exists in ``new`` with the same type (and same sub-fields)."""
    old_refs, new_refs = field_map(old), field_map(new)
    for name in answers or {}:
        a, b = old_refs.get(name), new_refs.get(name)
        if a is None or b is None or a.field["type"] != b.field["type"]:
            return False
        if a.field["type"] == "group":
            subs_a = {f["name"]: f["type"] for f in a.field.get("fields") or [] if f.get("name")}
            subs_b = {f["name"]: f["type"] for f in b.field.get("fields") or [] if f.get("name")}
            if any(subs_b.get(k) != t for k, t in subs_a.items()):
                return False
    return True


@transaction.atomic
def do_move_to_current_version(sub: Submission, *, actor) -> Submission:
    sub = _lock(sub)
    state = version_state(sub)
    if not state.retired:
        return sub
    if not state.compatible:
        raise SubmissionError(
            _(
                "Formuläret har ändrats så att dina svar inte kan flyttas över. Dina svar "
                "visas nedan – börja om och fyll i det nya formuläret."
            ),
            code="version_incompatible",
        )
    old = sub.form_version_id
    sub.form_version = state.new_version
    sub.current_page = 0
    sub.save(update_fields=["form_version", "current_page", "updated_at"])
    _audit(
        AuditAction.UPDATE,
        actor=actor,
        sub=sub,
        changes={"form_version": [old, sub.form_version_id]},
    )
    return sub


def _check_editable(sub: Submission) -> None:
    if sub.status != SubmissionStatus.DRAFT:
        raise SubmissionError(_("Ansökan är redan inskickad eller låst."), code="not_draft")
    if is_expired(sub):
        raise SubmissionError(
            _("Utkastet har gått ut och sparas inte längre. Börja om från e-tjänstens sida."),
            code="expired",
        )
    if version_state(sub).retired:
        raise SubmissionError(
            _("Formuläret du började fylla i har ersatts av en ny version. Dina svar finns kvar."),
            code="version_retired",
        )


def _lock(sub: Submission) -> Submission:
    """The submission re-read and locked — only its own row (``of=("self",)``): locking the
    joined e-service, organisation and version rows too would make every citizen of an
    e-service wait for each other's page saves."""
    locked = HOT.select_for_update(of=("self",)).get(pk=sub.pk)
    attach_schema(locked.form_version)
    return locked


# --- pages ---------------------------------------------------------------------------------
def schema_of(sub: Submission) -> dict:
    return sub.form_version.schema


def visible_pages(sub: Submission, answers: dict | None = None) -> list[int]:
    return list(Visibility(schema_of(sub), sub.data if answers is None else answers).pages)


def next_page(sub: Submission, current: int) -> int | None:
    pages = visible_pages(sub)
    later = [p for p in pages if p > current]
    return later[0] if later else None


def previous_page(sub: Submission, current: int) -> int | None:
    pages = visible_pages(sub)
    earlier = [p for p in pages if p < current]
    return earlier[-1] if earlier else None


def prefill_for(sub: Submission, user) -> dict:
    from ..engine import resolve_prefill

    if not is_citizen(user) or user.pk != sub.user_id:
        # Saved without the citizen's login (it expired mid-form): read-only prefilled
        # answers keep their stored values whatever was posted.
        stored = sub.data or {}
        return {
            ref.field["name"]: stored[ref.field["name"]]
            for ref in field_map(schema_of(sub)).values()
            if ref.group is None
            and ref.field.get("readonly")
            and ref.field.get("prefill")
            and ref.field["name"] in stored
        }
    context = PrefillContext.for_user(user, organisation=sub.eservice.organisation)
    return resolve_prefill(schema_of(sub), context, readonly_only=True)


@transaction.atomic
def do_save_page(
    sub: Submission,
    page_index: int,
    post,
    files=None,
    *,
    actor,
    keep_invalid: bool = False,
) -> PageResult:
    """Clean and save one page. Errors come back in the result; valid answers are saved.

    With ``keep_invalid`` (the "Spara och fortsätt senare" button) the valid answers of the
    page are saved even when others have errors. Uploaded files are stored as
    :class:`SubmissionFile` rows; the answer keeps ``{"id", "name", "size"}`` per file.
    """
    sub = _lock(sub)
    _check_editable(sub)
    schema = schema_of(sub)
    if page_index not in visible_pages(sub):
        raise SubmissionError(_("Sidan finns inte i formuläret."), code="no_such_page")
    result = clean_page(
        schema,
        page_index,
        post,
        files,
        answers=sub.data,
        prefill=prefill_for(sub, actor),
        language=sub.language,
    )
    result.submission = sub  # the saved row, for the caller (no second read)
    if result.action is not None:
        return result
    if not result.errors and not keep_invalid:  # checks spanning fields (eforms.hooks)
        merged = merge_page(schema, page_index, sub.data, result.values)
        for key, message in hooks.problems(sub, merged, page_index):
            result.errors.append(EngineError(key, "", message, page_index))
    if result.errors and not keep_invalid:
        return result
    values = dict(result.values)
    for name, removed in result.removed_files.items():
        SubmissionFile.objects.filter(submission=sub, field_name=name, pk__in=removed).delete()
    for name, uploads in result.uploads.items():
        stored = list(values.get(name) or [])
        for upload in uploads:
            row = SubmissionFile(
                submission=sub,
                field_name=name,
                original_name=upload.name,
                content_type=upload.content_type,
                size=upload.size,
                sha256=upload.sha256,
            )
            upload.file.seek(0)
            row.file.save(upload.name, upload.file, save=False)
            row.save()
            stored.append({"id": row.pk, "name": row.original_name, "size": row.size})
        values[name] = stored
    if keep_invalid:
        bad = {e.key.split("-", 1)[0] for e in result.errors}
        values = {k: v for k, v in values.items() if k not in bad}
    sub.data = merge_page(schema, page_index, sub.data, values)
    sub.current_page = page_index
    sub.expires_at = timezone.now() + timedelta(days=sub.eservice.draft_ttl_days)
    sub.expiry_notice_sent_at = None
    if actor is not None and is_citizen(actor) and sub.user_id is None:
        sub.user = actor
    sub.save(
        update_fields=[
            "data",
            "current_page",
            "expires_at",
            "expiry_notice_sent_at",
            "user",
            "updated_at",
        ]
    )
    _audit(
        AuditAction.UPDATE,
        actor=actor,
        sub=sub,
        changes={"page": page_index, "fields": sorted(values)},
    )
    return result


@transaction.atomic
def do_set_answers(sub: Submission, values: dict, *, actor, purpose: str = "") -> Submission:
    """Set answers of a draft from a module's own step (``None`` removes an answer).

    The caller has validated ``values`` (stored format, e.g. amounts in öre); audited.
    """
    sub = _lock(sub)
    _check_editable(sub)
    data = dict(sub.data or {})
    for name, value in values.items():
        if value is None:
            data.pop(name, None)
        else:
            data[name] = value
    sub.data = data
    sub.save(update_fields=["data", "updated_at"])
    _audit(
        AuditAction.UPDATE,
        actor=actor,
        sub=sub,
        changes={"fields": sorted(values)},
        purpose=purpose,
    )
    return sub


@transaction.atomic
def do_set_current_page(sub: Submission, page_index: int, *, actor) -> None:
    Submission.objects.filter(pk=sub.pk, status=SubmissionStatus.DRAFT).update(
        current_page=page_index, updated_at=timezone.now()
    )


def check_complete(sub: Submission) -> None:
    missing = missing_answers(schema_of(sub), sub.data, language=sub.language)
    if missing:
        raise SubmissionError(
            _("Alla obligatoriska frågor är inte besvarade: %(fields)s.")
            % {"fields": ", ".join(e.label for e in missing)},
            code="incomplete",
        )
    found = hooks.problems(sub, sub.data or {}, None)
    if found:
        raise SubmissionError(" ".join(message for _key, message in found), code="invalid")


# --- submit --------------------------------------------------------------------------------
def content_hash(sub: Submission) -> str:
    from .signing import canonical_content

    return hashlib.sha256(canonical_content(sub).encode("utf-8")).hexdigest()


@transaction.atomic
def do_submit(sub: Submission, *, actor, idempotency_key: str) -> Submission:
    """Send the submission in (idempotent): no signing, or after the first signature.

    The posted ``idempotency_key`` must be the submission's own; the row is locked, so a
    double-click or a resubmit finds it already submitted and gets it back unchanged.
    """
    from .signing import missing_signatures

    locked = (
        HOT.select_for_update(of=("self",))
        .select_related("eservice__queue", "eservice__case_type")
        .filter(pk=sub.pk, idempotency_key=idempotency_key or "")
        .order_by()
        .first()
    )
    if locked is None:
        raise SubmissionError(
            _("Länken till inskicket är ogiltig. Ladda om sidan och försök igen."),
            code="bad_idempotency_key",
        )
    sub = locked
    attach_schema(sub.form_version)
    if sub.status in (SubmissionStatus.SUBMITTED, SubmissionStatus.AWAITING_SIGNATURE):
        return sub
    _check_editable(sub)
    check_complete(sub)
    sub.content_hash = content_hash(sub)
    missing = missing_signatures(sub)
    if missing:
        raise SubmissionError(
            _("Ansökan måste skrivas under innan den skickas in."), code="signature_required"
        )
    return finalise(sub, actor=actor)


def finalise(sub: Submission, *, actor) -> Submission:
    """Mark submitted, create the case; the receipt PDF and e-mail follow on commit."""
    from .casefile import create_case
    from .receipts import schedule_receipt

    sub.status = SubmissionStatus.SUBMITTED
    sub.submitted_at = timezone.now()
    sub.draft_token = sub.draft_token or secrets.token_urlsafe(32)
    sub.case = create_case(sub)
    hooks.on_submit(sub)  # in this transaction: a refusal leaves nothing behind
    sub.save(
        update_fields=[
            "status",
            "submitted_at",
            "content_hash",
            "case",
            "draft_token",
            "updated_at",
        ]
    )
    _audit(
        AuditAction.UPDATE,
        actor=actor,
        sub=sub,
        changes={
            "status": [SubmissionStatus.DRAFT, SubmissionStatus.SUBMITTED],
            "case": sub.case_id,
        },
    )
    schedule_receipt(sub)
    return sub


# --- expiry --------------------------------------------------------------------------------
def contact_email(sub: Submission) -> str:
    """The citizen's e-mail: the first e-mail answer, else their account's address
    (:func:`account_email`: the verified Mina sidor address or a real account e-mail)."""
    for ref in field_map(schema_of(sub)).values():
        if ref.group is None and ref.field["type"] == "email":
            value = (sub.data or {}).get(ref.field["name"])
            if value:
                return str(value)
    return account_email(sub.user) if sub.user_id else ""


def account_email(user) -> str:
    """A citizen's address: the Mina sidor profile address when it is verified, else another
    verified Mina sidor address, else the account's e-mail (not the e-legitimation
    placeholder). ``""`` when there is none."""
    if user is None:
        return ""
    from sambruk.portal.models import CitizenProfile  # the portal builds on eforms
    from sambruk.portal.services import verified_emails

    verified = verified_emails(user)
    if verified:
        profile = CitizenProfile.objects.filter(user=user).only("email").first()
        wanted = (profile.email if profile is not None else "").strip().lower()
        by_lower = {e.lower(): e for e in verified}
        return by_lower.get(wanted) or verified[0]
    if user.email and not user.email.endswith("@e-legitimation.invalid"):
        return user.email
    return ""


def send_expiry_warnings(now=None) -> int:
    """Warn citizens whose draft expires within ``EFORMS_DRAFT_WARNING_DAYS`` (once)."""
    from sambruk.core.notifications.services import queue_email

    from .receipts import draft_url

    now = now or timezone.now()
    sent = 0
    due = Submission.objects.filter(
        status=SubmissionStatus.DRAFT,
        expires_at__gt=now,
        expires_at__lte=now + timedelta(days=warning_days()),
        expiry_notice_sent_at__isnull=True,
    ).select_related("eservice__organisation", "form_version", "user")
    for sub in due.iterator():
        with transaction.atomic():
            if not Submission.objects.filter(pk=sub.pk, expiry_notice_sent_at__isnull=True).update(
                expiry_notice_sent_at=now
            ):
                continue
            address = contact_email(sub)
            if address:
                queue_email(
                    to=address,
                    template="eforms/email/draft_expiry",
                    context={
                        "eservice": sub.eservice.text("name", sub.language),
                        "expires_at": sub.expires_at,
                        "url": draft_url(sub),
                    },
                    language=sub.language,
                    organisation=sub.eservice.organisation,
                )
                sent += 1
    return sent


def expire_drafts(now=None) -> int:
    """Drafts past their date become expired: answers and files are removed."""
    now = now or timezone.now()
    count = 0
    for sub in Submission.objects.filter(
        status=SubmissionStatus.DRAFT, expires_at__lte=now
    ).select_related("eservice"):
        with transaction.atomic():
            for row in SubmissionFile.objects.filter(submission=sub):
                row.file.delete(save=False)
                row.delete()
            Submission.objects.filter(pk=sub.pk).update(
                status=SubmissionStatus.EXPIRED, data={}, updated_at=now
            )
            record(
                AuditAction.DELETE,
                actor=None,
                actor_label="e-tjänster: gallring av utkast",
                obj=sub,
                organisation=sub.eservice.organisation_id,
                changes={"status": ["draft", "expired"]},
            )
            count += 1
    return count
