"""What of a person a viewer may see (skydd av personuppgifter, OSL 21 kap. 3 §).

This module is the ONE place that decides it. Modules that show, serialise or export a
:class:`~sambruk.core.persons.models.Person` must go through :func:`visible_person_data` (or
the ``persons`` template tags / :class:`~sambruk.core.persons.api.serializers.PersonSerializer`,
which use it) instead of reading ``street_address``, ``email`` … from the model:

* the civic number is masked (``19121212-****``) unless the caller asks for the full number;
* for persons with ``protection != ingen`` (sekretessmarkering, skyddad folkbokföring) the
  address and contact fields (:data:`~sambruk.core.persons.models.PROTECTED_FIELDS`) are
  replaced by ``None`` unless the viewer holds ``persons.view_protected`` in the
  organisation the person is reached through (role ``protected_data``);
* every access to a protected person's data writes a read :class:`AuditEvent` with the
  purpose, whether or not the address was shown.

Pass ``organisation`` = the organisation of the record through which the person is reached
(the case, the application …). Without it, ``persons.view_protected`` in any of the
viewer's organisations is enough.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from sambruk.core.audit.services import record_read
from sambruk.core.authz.permissions import has_perm

from .models import PROTECTED_FIELDS, Person, Protection

VIEW_PROTECTED = "persons.view_protected"


def can_see_protected(user, organisation=None) -> bool:
    """True when ``user`` may see address and contact details of protected persons."""
    return has_perm(user, VIEW_PROTECTED, organisation)


def visible_person_data(
    person: Person,
    user,
    *,
    organisation=None,
    purpose: str = "",
    full_civic_number: bool = False,
    audit: bool | None = None,
) -> dict:
    """The person as ``user`` may see them, as a plain dict.

    Keys: ``id``, ``given_name``, ``family_name``, ``full_name``, ``civic_number`` (masked
    unless ``full_civic_number``), ``civic_number_masked``, ``is_coordination_number``,
    ``protection``, ``protection_label``, ``is_protected``, ``protected_data_hidden``,
    ``hidden_fields`` and one key per field of ``PROTECTED_FIELDS`` (``None`` when hidden).

    ``audit``: ``None`` (default) audits protected persons only; ``True`` always writes a
    read event (for callers that must log every read, e.g. a lookup); ``False`` is not
    allowed for protected persons and is ignored for them.
    """
    is_protected = person.protection != Protection.NONE
    show_protected = not is_protected or can_see_protected(user, organisation)
    pnr = person.personnummer
    data = {
        "id": person.pk,
        "given_name": person.given_name,
        "family_name": person.family_name,
        "full_name": person.full_name,
        "civic_number": pnr.long() if full_civic_number else pnr.masked(),
        "civic_number_masked": pnr.masked(),
        "is_coordination_number": pnr.is_coordination_number,
        "protection": person.protection,
        "protection_label": str(Protection(person.protection).label),
        "is_protected": is_protected,
        "protected_data_hidden": not show_protected,
        "hidden_fields": [] if show_protected else list(PROTECTED_FIELDS),
    }
    for name in PROTECTED_FIELDS:
        data[name] = getattr(person, name) if show_protected else None
    if is_protected or audit:
        record_read(
            actor=user,
            obj=person,
            person=person,
            organisation=organisation,
            purpose=purpose or _("Visning av personuppgifter"),
        )
    return data
