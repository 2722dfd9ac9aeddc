"""Roles: named sets of permissions, defined in code by each module.

A module declares its roles in ``<module>/roles.py`` (imported from its AppConfig.ready)::

    register_role("caseworker", _("Handläggare"), {"cases.view_case", ...}, module="cases")

Calling ``register_role`` again with an existing code adds permissions to that role, so a
module can extend the kernel's roles (for example give ``org_admin`` its admin rights).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _


@dataclass
class Role:
    code: str
    name: str
    permissions: set[str] = field(default_factory=set)
    modules: set[str] = field(default_factory=set)
    description: str = ""


_ROLES: dict[str, Role] = {}


def register_role(code: str, name, permissions, *, module: str, description: str = "") -> Role:
    role = _ROLES.get(code)
    if role is None:
        role = _ROLES[code] = Role(code=code, name=name, description=description)
    role.permissions |= set(permissions)
    role.modules.add(module)
    return role


def get_role(code: str) -> Role | None:
    return _ROLES.get(code)


def role_permissions(code: str) -> frozenset[str]:
    role = _ROLES.get(code)
    return frozenset(role.permissions) if role else frozenset()


def all_roles() -> list[Role]:
    return sorted(_ROLES.values(), key=lambda r: r.code)


def role_choices():
    return [(r.code, r.name) for r in all_roles()]


def all_permissions() -> set[str]:
    perms: set[str] = set()
    for role in _ROLES.values():
        perms |= role.permissions
    return perms


# --- the kernel's own roles -------------------------------------------------------------
CORE_ADMIN_PERMISSIONS = {
    "organisations.view_orgunit",
    "organisations.change_orgunit",
    "accounts.view_membership",
    "accounts.change_membership",
    "api.view_apiclient",
    "api.change_apiclient",
    "notifications.view_outboxmessage",
    "notifications.retry_outboxmessage",
    "persons.view_person",
}

register_role(
    "org_admin",
    _("Administratör"),
    CORE_ADMIN_PERMISSIONS,
    module="core",
    description=_("Förvaltar organisationens användare, enheter, API-klienter och utskick."),
)
register_role(
    "caseworker",
    _("Handläggare"),
    {"persons.view_person", "organisations.view_orgunit"},
    module="core",
    description=_("Handlägger ärenden i organisationen."),
)
register_role(
    "auditor",
    _("Logggranskare"),
    {"audit.view_auditevent", "organisations.view_orgunit"},
    module="core",
    description=_("Följer upp vem som har tagit del av personuppgifter (logguppföljning)."),
)
register_role(
    "protected_data",
    _("Behörig till skyddade personuppgifter"),
    {"persons.view_protected"},
    module="core",
    description=_("Får se adress och kontaktuppgifter för personer med skydd."),
)
