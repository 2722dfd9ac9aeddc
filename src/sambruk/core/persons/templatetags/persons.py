"""Template helpers for persons: ``{% load persons %}``.

``{{ person|civic_masked }}``: ``19121212-****`` for a Person, a Personnummer or a string.
``{% person_card person purpose="..." organisation=org %}``: the person as the current user
may see them (through :func:`~sambruk.core.persons.protection.visible_person_data`, which
hides address and contact details of protected persons and audits the access).
"""

from __future__ import annotations

from django import template
from django.core.exceptions import ValidationError

from ..models import Person
from ..personnummer import Personnummer
from ..protection import visible_person_data

register = template.Library()


@register.filter
def civic_masked(value) -> str:
    """Masked civic number; ``""`` for empty or invalid input (never echoes the input)."""
    if value in (None, ""):
        return ""
    if isinstance(value, Person):
        value = value.civic_number
    try:
        return Personnummer.parse(value).masked()
    except ValidationError:
        return ""


@register.inclusion_tag("persons/person_card.html", takes_context=True)
def person_card(context, person, *, purpose="", organisation=None, full_civic_number=False):
    """Render a person card for the user of the current request.

    ``organisation`` defaults to the context variable ``organisation`` (the organisation of
    the record being shown), if any.
    """
    request = context.get("request")
    user = getattr(request, "user", None) or context.get("user")
    if organisation is None:
        organisation = context.get("organisation")
    data = visible_person_data(
        person,
        user,
        organisation=organisation,
        purpose=purpose,
        full_civic_number=full_civic_number,
    )
    address_fields = ("care_of", "street_address", "postal_code", "city")
    return {
        "person": data,
        "has_address": any(data[name] for name in address_fields),
        "hidden": data["protected_data_hidden"],
    }
