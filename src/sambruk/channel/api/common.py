"""Helpers shared by the channel's API views."""

from __future__ import annotations

from django.utils.translation import gettext as _
from rest_framework import exceptions

from sambruk.core.authz.permissions import ALL, permitted_organisation_ids
from sambruk.core.organisations.models import Organisation


def acting_organisation(request, permission: str, explicit=None) -> Organisation:
    """The organisation the caller acts for with ``permission``.

    An API client acts for its own organisation. A staff member with the permission in one
    organisation acts there; with several, ``organisation`` (an id) must say which.
    """
    client = getattr(request.user, "api_client", None)
    if client is not None and getattr(client, "pk", None):
        if explicit not in (None, "") and str(explicit) != str(client.organisation_id):
            raise exceptions.ValidationError({"organisation": [_("Okänd organisation.")]})
        return client.organisation
    allowed = permitted_organisation_ids(request.user, permission)
    if explicit in (None, ""):
        if allowed != ALL and len(allowed) == 1:
            return Organisation.objects.get(pk=next(iter(allowed)))
        raise exceptions.ValidationError(
            {"organisation": [_("Ange vilken organisation (id) begäran gäller.")]}
        )
    try:
        org_id = int(str(explicit))
    except ValueError:
        raise exceptions.ValidationError({"organisation": [_("Ogiltigt id.")]}) from None
    if allowed != ALL and org_id not in allowed:
        raise exceptions.ValidationError({"organisation": [_("Okänd organisation.")]})
    org = Organisation.objects.filter(pk=org_id).first()
    if org is None:
        raise exceptions.ValidationError({"organisation": [_("Okänd organisation.")]})
    return org


def _has_surrogates(value, depth=0) -> bool:
    if isinstance(value, str):
        return any("\ud800" <= ch <= "\udfff" for ch in value)
    if depth > 20:
        return False
    if isinstance(value, dict):
        return any(_has_surrogates(k) or _has_surrogates(v, depth + 1) for k, v in value.items())
    if isinstance(value, list | tuple):
        return any(_has_surrogates(v, depth + 1) for v in value)
    return False


class StrictFieldsMixin:
    """Refuse unknown fields in the request body (a typo must not be silently ignored).

    Also refuses lone UTF-16 surrogates (``"\\ud800"`` in JSON): they are not text, cannot be
    stored (PostgreSQL) nor echoed back in an error message.
    """

    def to_internal_value(self, data):
        if _has_surrogates(data):
            raise exceptions.ValidationError(
                {"non_field_errors": [_("Texten innehåller ogiltiga tecken.")]}
            )
        if isinstance(data, dict):
            unknown = set(data) - set(self.fields)
            if unknown:
                raise exceptions.ValidationError(
                    {name: [_("Okänt fält.")] for name in sorted(unknown)}
                )
        return super().to_internal_value(data)
