"""Demo data registry. Each module registers a loader; ``sambruk demo`` runs them in order.

Loaders must be idempotent (get_or_create): a second ``make run`` keeps existing data.
Demo data exists only in demo mode (``SAMBRUK_DEMO``); it is refused in production.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

DEMO_PASSWORD = "Demo-2026-sambruk"  # noqa: S105 (documented demo credential)
DEMO_API_TOKEN = "demo-api-token"  # noqa: S105


@dataclass(frozen=True)
class DemoLoader:
    order: int
    name: str
    load: Callable[[Callable[[str], None]], None]


_LOADERS: dict[str, DemoLoader] = {}


def register_demo_loader(name: str, order: int):
    def decorator(fn):
        _LOADERS[name] = DemoLoader(order, name, fn)
        return fn

    return decorator


def loaders() -> list[DemoLoader]:
    return sorted(_LOADERS.values(), key=lambda x: (x.order, x.name))


# Demo logins that modules create in their own loaders (printed by ``sambruk serve`` after the
# kernel's DEMO_USERS): e-mail → who.
_EXTRA_LOGINS: dict[str, str] = {}


def register_demo_login(email: str, who: str) -> None:
    _EXTRA_LOGINS[email] = who


def extra_demo_logins() -> list[tuple[str, str]]:
    return list(_EXTRA_LOGINS.items())
