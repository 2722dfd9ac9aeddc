"""Prefill sources: values put into a form before the citizen starts typing.

A field names its source in ``"prefill"``:

* ``eleg.civic_number`` / ``eleg.given_name`` / ``eleg.family_name`` / ``eleg.full_name`` —
  from the citizen's e-legitimation (the logged-in user and the claims of the login);
* ``plugin:<name>.<path>`` — a named plugin registered in :data:`registry`, Open Forms style::

      from sambruk.eforms.prefill import PrefillContext, register_prefill

      @register_prefill("folkbokforing")
      class Folkbokforing:
          label = "Folkbokföringen"

          def resolve(self, context: PrefillContext, path: str):
              ...  # return the value for "adress.postnummer", or None when unknown

Tests build their own :class:`PrefillRegistry` and pass it to the engine instead of
registering into (or patching) the global one.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol, TypeVar, runtime_checkable

logger = logging.getLogger(__name__)

ELEG_SOURCES = ("civic_number", "given_name", "family_name", "full_name")


@dataclass(frozen=True)
class PrefillContext:
    """What a prefill source may use: the citizen and the claims of their login.

    ``claims`` holds the e-legitimation attributes read at login (keys ``civic_number``,
    ``given_name``, ``family_name``, ``loa``); ``user`` and ``person`` may be ``None``
    (anonymous e-service).
    """

    user: Any = None
    person: Any = None
    claims: dict = field(default_factory=dict)
    organisation: Any = None

    @classmethod
    def for_user(cls, user, *, claims: dict | None = None, person=None, organisation=None):
        """Context of a (possibly anonymous) request user; fills claims from the user row."""
        claims = dict(claims or {})
        if user is not None and getattr(user, "is_authenticated", False):
            if getattr(user, "civic_number", "") and "civic_number" not in claims:
                claims["civic_number"] = user.civic_number
            full = getattr(user, "full_name", "") or ""
            if full and "full_name" not in claims:
                claims["full_name"] = full
        else:
            user = None
        if person is not None:
            claims.setdefault("given_name", person.given_name)
            claims.setdefault("family_name", person.family_name)
            claims.setdefault("civic_number", person.civic_number)
        return cls(user=user, person=person, claims=claims, organisation=organisation)

    @property
    def is_identified(self) -> bool:
        return bool(self.claims.get("civic_number"))


@runtime_checkable
class PrefillPlugin(Protocol):
    label: str

    def resolve(self, context: PrefillContext, path: str) -> Any: ...


P = TypeVar("P")


class PrefillRegistry:
    """A small typed registry of prefill plugins keyed by name."""

    def __init__(self) -> None:
        self._plugins: dict[str, PrefillPlugin] = {}

    def register(self, name: str) -> Callable[[type[P]], type[P]]:
        def decorator(plugin_class: type[P]) -> type[P]:
            if name in self._plugins:
                raise ValueError(f"Prefill plugin {name!r} is already registered.")
            instance = plugin_class()
            if not isinstance(instance, PrefillPlugin):
                raise TypeError(f"{plugin_class!r} needs a label and resolve(context, path).")
            self._plugins[name] = instance
            return plugin_class

        return decorator

    def __contains__(self, name: str) -> bool:
        return name in self._plugins

    def __getitem__(self, name: str) -> PrefillPlugin:
        return self._plugins[name]

    def names(self) -> list[str]:
        return sorted(self._plugins)

    def knows(self, source: str) -> bool:
        """Is ``source`` (a field's ``prefill`` string) resolvable with this registry?"""
        kind, _, rest = source.partition(".")
        if kind == "eleg":
            return rest in ELEG_SOURCES
        if source.startswith("plugin:"):
            name = source.removeprefix("plugin:").partition(".")[0]
            return name in self._plugins
        return False

    def resolve(self, source: str, context: PrefillContext) -> Any:
        """The value of ``source`` for ``context``; ``None`` when unknown or failing.

        A failing plugin never breaks the form: the error is logged and the field stays empty.
        """
        if source.startswith("eleg."):
            key = source.removeprefix("eleg.")
            value = context.claims.get(key)
            if key == "full_name" and not value:
                value = " ".join(
                    part
                    for part in (
                        context.claims.get("given_name"),
                        context.claims.get("family_name"),
                    )
                    if part
                )
            return value or None
        if source.startswith("plugin:"):
            name, _, path = source.removeprefix("plugin:").partition(".")
            plugin = self._plugins.get(name)
            if plugin is None:
                return None
            try:
                return plugin.resolve(context, path)
            except Exception:
                logger.exception("Prefill plugin %s failed for %s", name, path)
                return None
        return None


#: The platform's registry; modules register into it from their ``AppConfig.ready``.
registry = PrefillRegistry()


def register_prefill(name: str):
    """Register a prefill plugin class in the global :data:`registry`."""
    return registry.register(name)
