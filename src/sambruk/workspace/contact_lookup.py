"""The add-contact form's person lookup, through the channel's contact lookup plugin.

``sambruk.channel.lookup`` applies the rules once (the configured register, protected
persons' addresses hidden without ``persons.view_protected``, every lookup audited); this
module only decides whether the form offers it and turns an answer into form values. The
workspace works without the channel module (no civic-number field then).
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from sambruk.core.authz.permissions import has_perm

from . import optional

PURPOSE = "Handläggning: ny ärendekontakt"


def _lookup_module():
    return optional.module("sambruk.channel.lookup")


def may_look_up(user, case) -> bool:
    """The form offers the lookup: channel installed and the user holds the permission."""
    if _lookup_module() is None:
        return False
    permission = optional.attr("sambruk.channel.roles", "LOOKUP_CONTACT")
    return bool(permission) and has_perm(user, permission, case.organisation_id)


def address_line(data: dict) -> str:
    """``c/o …, street, postcode city`` from a lookup answer (empty when hidden)."""
    care_of = data.get("care_of") or ""
    town = " ".join(x for x in (data.get("postal_code"), data.get("city")) if x)
    parts = [f"c/o {care_of}" if care_of else "", data.get("street_address") or "", town]
    return ", ".join(p for p in parts if p)


def look_up(civic_number: str, *, user, case) -> dict | None:
    """The person as ``user`` may see them (audited), or ``None`` when not in the register.

    Raises ``django.core.exceptions.ValidationError`` for an invalid number."""
    return _lookup_module().lookup_contact(
        civic_number, user=user, organisation=case.organisation, purpose=PURPOSE
    )


def person_for(civic_number: str, *, user, case):
    """The register's ``Person`` for the new contact (found or created), or ``None``."""
    return _lookup_module().person_for_contact(
        civic_number, user=user, organisation=case.organisation
    )


def status_message(data: dict | None) -> tuple[str, str]:
    """(kind, Swedish text) shown next to the button after a lookup."""
    if data is None:
        return "error", _("Personen finns inte i registret. Fyll i uppgifterna själv.")
    if data.get("address_hidden"):
        return "warning", _("%(name)s har skyddade personuppgifter. Adressen visas inte.") % {
            "name": data.get("full_name")
        }
    if data.get("is_protected"):
        return "warning", _("%(name)s har skyddade personuppgifter. Lämna inte ut adressen.") % {
            "name": data.get("full_name")
        }
    return "success", _("Uppgifterna för %(name)s hämtades från registret.") % {
        "name": data.get("full_name")
    }
