"""Shared helpers of the configuration services (see :mod:`.config`)."""

from __future__ import annotations

import re

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from sambruk.core.audit.models import AuditAction
from sambruk.core.audit.services import _jsonable, record
from sambruk.core.authz.permissions import has_perm

from ..errors import CaseActionError
from ..models import QueueRule
from ..roles import MANAGE_CONFIG

CODE_RE = re.compile(r"^[-a-zA-Z0-9_]+$")
FIELD_TYPES = ("text", "textarea", "choice", "date", "number")


# --- shared ----------------------------------------------------------------------------
def require_manage(actor, organisation_id) -> None:
    if not has_perm(actor, MANAGE_CONFIG, organisation_id):
        raise CaseActionError(
            _("Du saknar behörighet att ändra organisationens ärendeinställningar."),
            code="permission_denied",
        )


def org_id_of(organisation) -> int:
    return getattr(organisation, "pk", organisation)


def _text(value, label: str, max_length: int, *, required: bool = True) -> str:
    value = (value or "").strip()
    if required and not value:
        raise CaseActionError(_("%(field)s måste fyllas i.") % {"field": label}, code="required")
    if len(value) > max_length:
        raise CaseActionError(
            _("%(field)s får vara högst %(n)d tecken.") % {"field": label, "n": max_length},
            code="too_long",
        )
    return value


def _code(value) -> str:
    code = _text(value, _("Koden"), 40)
    if not CODE_RE.match(code):
        raise CaseActionError(
            _("Koden får bara innehålla bokstäverna a–z, siffror, bindestreck och understreck."),
            code="invalid_code",
        )
    return code


def _number(value, label: str, *, required: bool = False) -> int | None:
    if value in (None, ""):
        if required:
            raise CaseActionError(
                _("%(field)s måste fyllas i.") % {"field": label}, code="required"
            )
        return None
    try:
        number = int(value)
    except (TypeError, ValueError):
        number = -1
    if number < 0:
        raise CaseActionError(
            _("%(field)s måste vara ett heltal, noll eller större.") % {"field": label},
            code="invalid_number",
        )
    return number


def _store(model, instance, values: dict, *, actor, organisation_id, m2m: dict | None = None):
    """Create (``instance`` None) or update a row, set many-to-many fields, audit the change."""
    m2m = m2m or {}
    if instance is None:
        instance = model(**values)
        before = None
    else:
        before = {k: _jsonable(getattr(instance, k)) for k in values}
        before.update({k: sorted(getattr(instance, k).values_list("pk", flat=True)) for k in m2m})
        for key, value in values.items():
            setattr(instance, key, value)
    try:
        with transaction.atomic():
            instance.save()
    except IntegrityError:
        raise CaseActionError(
            _("Det finns redan en rad med samma namn eller kod."), code="duplicate"
        ) from None
    for key, rows in m2m.items():
        getattr(instance, key).set(rows)
    after = {k: _jsonable(getattr(instance, k)) for k in values}
    after.update({k: sorted(r.pk for r in rows) for k, rows in m2m.items()})
    if before is None:
        action, changes = AuditAction.CREATE, after
    else:
        action = AuditAction.UPDATE
        changes = {k: [before[k], v] for k, v in after.items() if before[k] != v}
    record(action, actor=actor, obj=instance, organisation=organisation_id, changes=changes)
    return instance


def _delete(instance, *, actor, organisation_id, changes: dict) -> None:
    record(
        AuditAction.DELETE,
        actor=actor,
        obj=instance,
        organisation=organisation_id,
        changes=_jsonable(changes),
    )
    instance.delete()


def _unique(queryset, instance, message: str) -> None:
    if instance is not None:
        queryset = queryset.exclude(pk=instance.pk)
    if queryset.exists():
        raise CaseActionError(message, code="duplicate")


def _same_org(instance, organisation_id, attr="organisation_id") -> None:
    if instance is not None and getattr(instance, attr) != organisation_id:
        raise CaseActionError(_("Raden hör till en annan organisation."), code="wrong_organisation")


# --- closing form ----------------------------------------------------------------------
def clean_closing_form_spec(value) -> list[dict]:
    """Validate ``CaseType.closing_form``: a list of field specifications (see
    :mod:`sambruk.cases.closing_form`). Returns the cleaned list."""
    if value in (None, ""):
        return []
    if not isinstance(value, list):
        raise CaseActionError(
            _("Avslutningsformuläret måste vara en lista av fält."), code="invalid_form"
        )
    cleaned, names = [], set()
    for number, spec in enumerate(value, start=1):
        where = _("Fält %(n)d") % {"n": number}
        if not isinstance(spec, dict):
            raise CaseActionError(
                _("%(where)s: varje fält ska vara ett objekt.") % {"where": where},
                code="invalid_form",
            )
        unknown = set(spec) - {"name", "label", "type", "required", "choices"}
        if unknown:
            raise CaseActionError(
                _("%(where)s: okända nycklar: %(keys)s.")
                % {"where": where, "keys": ", ".join(sorted(map(str, unknown)))},
                code="invalid_form",
            )
        name = spec.get("name")
        if not isinstance(name, str) or not CODE_RE.match(name):
            raise CaseActionError(
                _("%(where)s: ”name” måste vara ett namn av a–z, siffror, - och _.")
                % {"where": where},
                code="invalid_form",
            )
        if name in names:
            raise CaseActionError(
                _("Fältnamnet ”%(name)s” förekommer två gånger.") % {"name": name},
                code="invalid_form",
            )
        names.add(name)
        kind = spec.get("type", "text")
        if kind not in FIELD_TYPES:
            raise CaseActionError(
                _("%(where)s: ”type” måste vara en av %(types)s.")
                % {"where": where, "types": ", ".join(FIELD_TYPES)},
                code="invalid_form",
            )
        item = {
            "name": name,
            "label": str(spec.get("label") or name)[:200],
            "type": kind,
            "required": bool(spec.get("required", False)),
        }
        if kind == "choice":
            choices = spec.get("choices")
            if not isinstance(choices, list) or not choices:
                raise CaseActionError(
                    _("%(where)s: ett valfält behöver en lista ”choices”.") % {"where": where},
                    code="invalid_form",
                )
            for choice in choices:
                ok = isinstance(choice, str | int) or (
                    isinstance(choice, dict) and str(choice.get("value", "")).strip()
                )
                if not ok:
                    raise CaseActionError(
                        _("%(where)s: varje val är en text eller {”value”, ”label”}.")
                        % {"where": where},
                        code="invalid_form",
                    )
            item["choices"] = choices
        cleaned.append(item)
    return cleaned


def rule_references(organisation_id, key: str, pk: int) -> list[QueueRule]:
    """Queue rules of the organisation whose action or a condition names ``key`` = ``pk``."""
    found = []
    for rule in QueueRule.objects.filter(queue__organisation_id=organisation_id):
        in_params = str((rule.params or {}).get(key, "")) == str(pk)
        in_conditions = any(
            isinstance(c, dict) and c.get("field") == key and str(c.get("value")) == str(pk)
            for c in rule.conditions or ()
        )
        if in_params or in_conditions:
            found.append(rule)
    return found


def _refuse_if_rules(organisation_id, key: str, pk: int, what: str) -> None:
    rules = rule_references(organisation_id, key, pk)
    if rules:
        raise CaseActionError(
            _("%(what)s används i reglerna %(rules)s. Ändra reglerna först.")
            % {"what": what, "rules": ", ".join(f"”{r.name}”" for r in rules)},
            code="in_use",
        )
