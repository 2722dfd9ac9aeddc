"""Resolve which organisations a principal may exercise a permission in."""

from __future__ import annotations

from dataclasses import dataclass

ALL = "__all__"


@dataclass(frozen=True)
class Grant:
    organisation_id: int
    orgunit_ids: frozenset[int] | None  # None = the whole organisation


def grants(user, permission: str) -> list[Grant] | str:
    """Return the grants that give ``user`` the ``permission``, or ``ALL`` for superusers.

    Memoised on the user object for the duration of a request.
    """
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    if user.is_superuser:
        return ALL
    cache = user.__dict__.setdefault("_sambruk_grants", {})
    if permission in cache:
        return cache[permission]
    from sambruk.core.accounts.roles import role_permissions

    result: list[Grant] = []
    api_client = getattr(user, "api_client", None) if user.kind == "api" else None
    if api_client is not None:
        if api_client.active and permission in set(api_client.scopes):
            result.append(Grant(api_client.organisation_id, None))
    else:
        for membership in user.memberships.all():
            if permission in role_permissions(membership.role):
                units = None
                if membership.orgunit_id:
                    units = frozenset(membership.orgunit.subtree_ids())
                result.append(Grant(membership.organisation_id, units))
    cache[permission] = result
    return result


def permitted_organisation_ids(user, permission: str) -> set[int] | str:
    g = grants(user, permission)
    if g == ALL:
        return ALL
    return {grant.organisation_id for grant in g}


def has_perm(user, permission: str, organisation=None) -> bool:
    """True when the user holds ``permission`` (in ``organisation`` when given)."""
    orgs = permitted_organisation_ids(user, permission)
    if orgs == ALL:
        return True
    if organisation is None:
        return bool(orgs)
    org_id = getattr(organisation, "pk", organisation)
    return org_id in orgs


def clear_cache(user) -> None:
    user.__dict__.pop("_sambruk_grants", None)
