"""State changes for organisations and organisational units."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from sambruk.core.audit.services import record

from . import reference
from .models import Organisation, OrganisationType, OrgUnit, OrgUnitKind
from .validators import normalise_organisationsnummer

# The reference loader owns type, name, slug, kommunkod, lanskod (and organisationsnummer when
# it knows one). Everything else (email, website, is_member, active, ...) belongs to the
# administrators and is never touched by a reload.


def _sync(existing: Organisation | None, ref: reference.RefOrganisation, org_type: str, stats):
    values = {
        "type": org_type,
        "name": ref.name,
        "slug": ref.slug,
        "kommunkod": ref.kommunkod,
        "lanskod": ref.lanskod,
    }
    if ref.organisationsnummer:
        # Only set when we know the number; an empty reference value never erases an admin edit.
        values["organisationsnummer"] = normalise_organisationsnummer(ref.organisationsnummer)
    if existing is None:
        Organisation.objects.create(**values)
        stats["created"] += 1
        return
    changed = [name for name, value in values.items() if getattr(existing, name) != value]
    if changed:
        for name in changed:
            setattr(existing, name, values[name])
        existing.save(update_fields=changed)
        stats["updated"] += 1


def load_reference_data() -> dict[str, int]:
    """Create or update the 290 kommuner, 21 regioner and the agencies.

    Idempotent: kommuner are matched on kommunkod, regioner and myndigheter on slug. A second
    run writes nothing. Returns counts ``{"kommuner", "regioner", "myndigheter", "created",
    "updated"}``.
    """
    kommuner = reference.kommuner()
    stats = {
        "kommuner": len(kommuner),
        "regioner": len(reference.REGIONER),
        "myndigheter": len(reference.MYNDIGHETER),
        "created": 0,
        "updated": 0,
    }
    with transaction.atomic():
        by_code = {
            o.kommunkod: o
            for o in Organisation.objects.filter(kommunkod__in=[k.kommunkod for k in kommuner])
        }
        for ref in kommuner:
            _sync(by_code.get(ref.kommunkod), ref, OrganisationType.KOMMUN, stats)

        others = [
            *((ref, OrganisationType.REGION) for ref in reference.REGIONER),
            *((ref, OrganisationType.MYNDIGHET) for ref in reference.MYNDIGHETER),
        ]
        by_slug = {
            o.slug: o
            for o in Organisation.objects.filter(slug__in=[ref.slug for ref, _t in others])
        }
        for ref, org_type in others:
            _sync(by_slug.get(ref.slug), ref, org_type, stats)
    return stats


def create_orgunit(
    organisation: Organisation,
    *,
    actor,
    name: str,
    kind: str = OrgUnitKind.ENHET,
    parent: OrgUnit | None = None,
    code: str = "",
) -> OrgUnit:
    """Create a förvaltning/avdelning/enhet in ``organisation`` and audit it."""
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("Ange ett namn på enheten.")}, code="required")
    if kind not in OrgUnitKind.values:
        raise ValidationError({"kind": _("Okänd typ av enhet.")}, code="invalid")
    if parent is not None and parent.organisation_id != organisation.pk:
        raise ValidationError(
            {"parent": _("Den överordnade enheten tillhör en annan organisation.")}, code="invalid"
        )
    with transaction.atomic():
        # The database constraint does not cover top-level units (NULL parent), so check here.
        if OrgUnit.objects.filter(organisation=organisation, parent=parent, name=name).exists():
            raise ValidationError(
                {"name": _("Det finns redan en enhet med det namnet på samma nivå.")},
                code="unique",
            )
        unit = OrgUnit.objects.create(
            organisation=organisation, parent=parent, kind=kind, name=name, code=code
        )
        record(
            "create",
            actor=actor,
            obj=unit,
            organisation=organisation,
            changes={"name": name, "kind": kind, "parent": parent.pk if parent else None},
        )
    return unit
