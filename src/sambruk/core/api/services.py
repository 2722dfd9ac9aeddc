"""API client services: create, rotate and revoke tokens (audited)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from sambruk.core.accounts.models import User, UserKind
from sambruk.core.accounts.roles import all_permissions
from sambruk.core.audit.services import record

from .models import TOKEN_PREFIX_LENGTH, ApiClient, hash_token, new_token


def _check_scopes(scopes) -> list[str]:
    unknown = sorted(set(scopes) - all_permissions())
    if unknown:
        raise ValidationError(_("Okända behörigheter: %(s)s") % {"s": ", ".join(unknown)})
    return sorted(set(scopes))


@transaction.atomic
def create_api_client(
    *, actor, organisation, name: str, scopes, token: str | None = None
) -> tuple[ApiClient, str]:
    """Create a client and return it with its token. The token is shown once, stored hashed."""
    scopes = _check_scopes(scopes)
    token = token or new_token()
    user = User.objects.create(
        email=f"api-{organisation.slug}-{ApiClient.objects.count() + 1}-{new_token()[4:12]}@api.invalid".lower(),
        full_name=name,
        kind=UserKind.API,
    )
    user.set_unusable_password()
    user.save(update_fields=["password"])
    client = ApiClient.objects.create(
        organisation=organisation,
        name=name,
        user=user,
        token_prefix=token[:TOKEN_PREFIX_LENGTH],
        token_hash=hash_token(token),
        scopes=scopes,
    )
    record("create", actor=actor, obj=client, changes={"scopes": scopes, "name": name})
    return client, token


@transaction.atomic
def rotate_token(client: ApiClient, *, actor) -> str:
    token = new_token()
    client.token_prefix = token[:TOKEN_PREFIX_LENGTH]
    client.token_hash = hash_token(token)
    client.save(update_fields=["token_prefix", "token_hash"])
    record("update", actor=actor, obj=client, changes={"token": "rotated"})
    return token


@transaction.atomic
def set_active(client: ApiClient, *, actor, active: bool) -> ApiClient:
    client.active = active
    client.save(update_fields=["active"])
    record("update", actor=actor, obj=client, changes={"active": active})
    return client


@transaction.atomic
def set_scopes(client: ApiClient, *, actor, scopes) -> ApiClient:
    before = list(client.scopes)
    client.scopes = _check_scopes(scopes)
    client.save(update_fields=["scopes"])
    record("update", actor=actor, obj=client, changes={"scopes": [before, client.scopes]})
    return client
