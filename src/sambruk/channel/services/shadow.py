"""Create, update and close shadow cases (the write path of the integration API)."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sambruk.core.audit.models import AuditAction
from sambruk.core.audit.services import record
from sambruk.core.persons.personnummer import Personnummer

from ..models import ShadowCase, ShadowCaseLogEntry

MAX_CONTENT_ITEMS = 200
MAX_LOG_ENTRIES = 200


def _clean_content(content) -> list[dict]:
    if content is None:
        return []
    if not isinstance(content, list | tuple):
        raise ValidationError({"content": _("Innehållet ska vara en lista.")}, code="invalid")
    cleaned: list[dict] = []
    for item in content:
        if not isinstance(item, dict) or not isinstance(item.get("key"), str):
            raise ValidationError(
                {"content": _("Varje rad i innehållet ska ha en nyckel och ett värde.")},
                code="invalid",
            )
        value = item.get("value")
        if value is not None and not isinstance(value, str):
            value = str(value)
        cleaned.append({"key": item["key"], "value": value})
    return cleaned


def _merge_content(current: list[dict], changes: list[dict]) -> list[dict]:
    """Merge by key: a known key gets the new value, a new key is appended, ``None`` removes."""
    merged = [dict(x) for x in current]
    index = {x["key"]: i for i, x in enumerate(merged)}
    for item in changes:
        key, value = item["key"], item["value"]
        if key in index:
            merged[index[key]]["value"] = value
        else:
            index[key] = len(merged)
            merged.append({"key": key, "value": value})
    merged = [x for x in merged if x["value"] is not None]
    if len(merged) > MAX_CONTENT_ITEMS:
        raise ValidationError(
            {"content": _("Högst %(n)d rader innehåll.") % {"n": MAX_CONTENT_ITEMS}},
            code="invalid",
        )
    return merged


def _clean_log(log) -> list[tuple[dt.datetime, str]]:
    if log is None:
        return []
    entries = []
    for item in log:
        at = item.get("at") or timezone.now()
        if isinstance(at, str):
            from django.utils.dateparse import parse_datetime

            at = parse_datetime(at)
            if at is None:
                raise ValidationError({"log": _("Ogiltig tidpunkt i loggen.")}, code="invalid")
        if timezone.is_naive(at):
            at = timezone.make_aware(at)
        message = str(item.get("message") or "").strip()
        if not message:
            raise ValidationError({"log": _("Logghändelsen saknar meddelande.")}, code="invalid")
        entries.append((at, message))
    return entries


def _append_log(shadow: ShadowCase, entries) -> int:
    """Append entries not already logged (same time and message): repeated calls add nothing."""
    if not entries:
        return 0
    existing = set(shadow.log.values_list("at", "message"))
    new = []
    for at, message in entries:
        if (at, message) in existing:
            continue
        existing.add((at, message))
        new.append(ShadowCaseLogEntry(shadow_case=shadow, at=at, message=message))
    if shadow.log.count() + len(new) > MAX_LOG_ENTRIES * 50:
        raise ValidationError({"log": _("Skuggärendet har för många logghändelser.")})
    ShadowCaseLogEntry.objects.bulk_create(new)
    return len(new)


def upsert_shadow_case(
    *,
    organisation,
    system_name: str,
    external_id: str,
    civic_number: str | None = None,
    title: str | None = None,
    status: str | None = None,
    content: list | None = None,
    log: list | None = None,
    closed: bool | None = None,
    actor=None,
) -> tuple[ShadowCase, bool]:
    """Create or update the shadow case ``(organisation, system_name, external_id)``.

    On create ``civic_number`` and ``title`` are required. On update every argument left
    ``None`` is kept; ``content`` is merged by key (a value ``None`` removes the key) and
    ``log`` entries are appended unless the same ``(at, message)`` is already logged, so a
    repeated request changes nothing. ``closed=True`` closes, ``closed=False`` reopens.
    Returns ``(shadow_case, created)``. Raises ``ValidationError`` on bad input.
    """
    system_name = (system_name or "").strip()
    external_id = (external_id or "").strip()
    if not system_name or not external_id:
        raise ValidationError(_("System och externt id måste anges."), code="invalid")
    pnr = Personnummer.parse(civic_number).value if civic_number not in (None, "") else None
    content_changes = _clean_content(content) if content is not None else None
    entries = _clean_log(log)
    try:
        with transaction.atomic():
            return _upsert(
                organisation,
                system_name,
                external_id,
                pnr,
                title,
                status,
                content_changes,
                entries,
                closed,
                actor,
            )
    except IntegrityError:
        # Two concurrent creates of the same case: the loser retries as an update.
        with transaction.atomic():
            return _upsert(
                organisation,
                system_name,
                external_id,
                pnr,
                title,
                status,
                content_changes,
                entries,
                closed,
                actor,
            )


def _upsert(
    organisation, system_name, external_id, pnr, title, status, content, entries, closed, actor
):
    shadow = (
        ShadowCase.objects.select_for_update()
        .filter(organisation=organisation, system_name=system_name, external_id=external_id)
        .first()
    )
    now = timezone.now()
    if shadow is None:
        if pnr is None:
            raise ValidationError({"civic_number": _("Personnummer måste anges.")}, code="required")
        if not (title or "").strip():
            raise ValidationError({"title": _("Rubrik måste anges.")}, code="required")
        shadow = ShadowCase.objects.create(
            organisation=organisation,
            system_name=system_name,
            external_id=external_id,
            civic_number=pnr,
            title=title.strip(),
            status=(status or "").strip(),
            content=_merge_content([], content or []),
            closed=bool(closed),
            closed_at=now if closed else None,
            created_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        added = _append_log(shadow, entries)
        record(
            AuditAction.CREATE,
            actor=actor,
            obj=shadow,
            person_civic_number=pnr,
            changes={"title": shadow.title, "status": shadow.status, "log_added": added},
        )
        return shadow, True

    if pnr is not None and pnr != shadow.civic_number:
        raise ValidationError(
            {"civic_number": _("Skuggärendet gäller en annan person och kan inte flyttas.")},
            code="civic_number_mismatch",
        )
    changes: dict = {}
    if title is not None and title.strip() and title.strip() != shadow.title:
        changes["title"] = [shadow.title, title.strip()]
        shadow.title = title.strip()
    if status is not None and status.strip() != shadow.status:
        changes["status"] = [shadow.status, status.strip()]
        shadow.status = status.strip()
    if content is not None:
        merged = _merge_content(shadow.content, content)
        if merged != shadow.content:
            changes["content"] = [x["key"] for x in content]
            shadow.content = merged
    if closed is not None and closed != shadow.closed:
        changes["closed"] = [shadow.closed, closed]
        shadow.closed = closed
        shadow.closed_at = now if closed else None
    added = _append_log(shadow, entries)
    if added:
        changes["log_added"] = added
    if changes:
        shadow.save()
        record(
            AuditAction.UPDATE,
            actor=actor,
            obj=shadow,
            person_civic_number=shadow.civic_number,
            changes=changes,
        )
    return shadow, False


def close_shadow_case(shadow: ShadowCase, *, actor=None, status: str | None = None, log=None):
    """Close ``shadow`` (idempotent), optionally with a final status and log entries."""
    result, _created = upsert_shadow_case(
        organisation=shadow.organisation,
        system_name=shadow.system_name,
        external_id=shadow.external_id,
        status=status,
        log=log,
        closed=True,
        actor=actor,
    )
    return result
