"""Contact lookup (Streamflow Channel's person lookup): civic number → name and address.

A *plugin* fetches a person from a register (Skatteverket's Navet through a kommun's
integration platform, a test register …). Plugins register under a name; the setting
``CONTACT_LOOKUP_PLUGIN`` picks one by name or by dotted path (default ``"demo"``, which reads
the platform's own person register — the demo persons in demo mode)::

    from sambruk.channel.lookup import ContactInfo, register_plugin

    @register_plugin("navet")
    class NavetLookup:
        def lookup(self, civic_number: str) -> ContactInfo | None: ...

Callers use :func:`lookup_contact` (protection and audit applied here, once) or, when adding
a case contact, :func:`person_for_contact` (the looked-up person in the person register,
ready for ``do_add_contact(case, person=…)``).
"""

from __future__ import annotations

import logging
from dataclasses import asdict, dataclass
from typing import Protocol

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string

from sambruk.core.audit.services import record_read
from sambruk.core.persons.models import PROTECTED_FIELDS, Person, Protection
from sambruk.core.persons.personnummer import Personnummer
from sambruk.core.persons.protection import can_see_protected

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ContactInfo:
    civic_number: str  # 12 digits
    given_name: str
    family_name: str
    care_of: str = ""
    street_address: str = ""
    postal_code: str = ""
    city: str = ""
    protection: str = Protection.NONE

    @property
    def is_protected(self) -> bool:
        return self.protection != Protection.NONE


class ContactLookupPlugin(Protocol):
    def lookup(self, civic_number: str) -> ContactInfo | None: ...


_PLUGINS: dict[str, type] = {}


def register_plugin(name: str):
    def decorator(cls):
        _PLUGINS[name] = cls
        return cls

    return decorator


def registered_plugins() -> list[str]:
    return sorted(_PLUGINS)


def get_plugin() -> ContactLookupPlugin:
    name = getattr(settings, "CONTACT_LOOKUP_PLUGIN", "demo") or "none"
    cls = _PLUGINS.get(name)
    if cls is None:
        try:
            cls = import_string(name)
        except ImportError as exc:
            raise ImproperlyConfigured(f"CONTACT_LOOKUP_PLUGIN: unknown plugin {name!r}") from exc
    return cls()


@register_plugin("none")
class NoLookup:
    """No register configured: every lookup finds nobody."""

    def lookup(self, civic_number: str) -> ContactInfo | None:
        return None


@register_plugin("demo")
class PersonRegisterLookup:
    """Reads the platform's person register (``core.persons``; the demo persons in demo mode)."""

    def lookup(self, civic_number: str) -> ContactInfo | None:
        person = Person.objects.filter(civic_number=civic_number).first()
        if person is None:
            return None
        return ContactInfo(
            civic_number=person.civic_number,
            given_name=person.given_name,
            family_name=person.family_name,
            care_of=person.care_of,
            street_address=person.street_address,
            postal_code=person.postal_code,
            city=person.city,
            protection=person.protection,
        )


ADDRESS_FIELDS = ("care_of", "street_address", "postal_code", "city")


def lookup_contact(civic_number, *, user, organisation=None, purpose: str = "") -> dict | None:
    """Look the person up in the configured register, as ``user`` may see them.

    Raises ``ValidationError`` for an invalid civic number. Returns ``None`` when the
    register does not know the person. For protected persons (sekretessmarkering, skyddad
    folkbokföring) the address is ``None`` unless ``user`` holds ``persons.view_protected``.
    Every lookup is audited as a read of personal data.
    """
    pnr = Personnummer.parse(str(civic_number))
    info = get_plugin().lookup(pnr.value)
    record_read(
        actor=user,
        organisation=organisation,
        object_type="channel.contactlookup",
        object_id=pnr.masked(),
        person_civic_number=pnr.value,
        purpose=purpose or "Kontaktuppslag",
    )
    if info is None:
        return None
    show = not info.is_protected or can_see_protected(user, organisation)
    data = asdict(info)
    data["civic_number"] = pnr.long()
    data["full_name"] = f"{info.given_name} {info.family_name}".strip()
    data["is_protected"] = info.is_protected
    data["address_hidden"] = not show
    for name in ADDRESS_FIELDS:
        if not show:
            data[name] = None
    return data


def person_for_contact(civic_number, *, user, organisation=None):
    """The person for a new case contact: looked up, then found or created in the register.

    Returns a ``Person`` (pass it as ``do_add_contact(case, person=…)``; the case engine then
    shows the address according to the person's protection) or ``None`` when unknown.
    """
    from sambruk.core.persons.services import get_or_create_person

    pnr = Personnummer.parse(str(civic_number))
    info = get_plugin().lookup(pnr.value)
    record_read(
        actor=user,
        organisation=organisation,
        object_type="channel.contactlookup",
        object_id=pnr.masked(),
        person_civic_number=pnr.value,
        purpose="Kontaktuppslag vid ny ärendekontakt",
    )
    if info is None:
        return None
    fields = {
        name: getattr(info, name)
        for name in (*ADDRESS_FIELDS, "protection")
        if name in PROTECTED_FIELDS or name == "protection"
    }
    person, _created = get_or_create_person(
        actor=user,
        civic_number=pnr.value,
        given_name=info.given_name,
        family_name=info.family_name,
        **{k: v for k, v in fields.items() if v},
    )
    return person
