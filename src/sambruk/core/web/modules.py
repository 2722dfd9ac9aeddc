"""Registry of the platform's modules as shown on the staff start page."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse

from sambruk.core.authz.permissions import has_perm


@dataclass(frozen=True)
class ModuleEntry:
    code: str
    name: str
    description: str
    url_name: str
    permission: str | None  # None: every signed-in staff user
    order: int = 100

    @property
    def url(self) -> str:
        return reverse(self.url_name)


_MODULES: dict[str, ModuleEntry] = {}


def register_module(entry: ModuleEntry) -> None:
    _MODULES[entry.code] = entry


def modules_for(user) -> list[ModuleEntry]:
    visible = [m for m in _MODULES.values() if m.permission is None or has_perm(user, m.permission)]
    return sorted(visible, key=lambda m: (m.order, str(m.name)))


def all_modules() -> list[ModuleEntry]:
    return sorted(_MODULES.values(), key=lambda m: (m.order, str(m.name)))
