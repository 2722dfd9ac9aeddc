"""Per-process cache of the configuration that every ``do_create`` reads.

A case type's initial status and a queue's active rules are read for every new case, but
change only when an administrator edits the configuration. They are kept here for ``TTL``
seconds per process. In the process that saves or deletes a case type, status, queue or rule
the cache is emptied at once (model signals); other processes (web workers, the task worker)
see the change after at most ``TTL`` seconds. Bulk ``update()``/``bulk_create`` of these
models bypass the signals and therefore only the TTL applies (the configuration services
save row by row).
"""

from __future__ import annotations

import time

from django.db.models.signals import post_delete, post_save

from .models import CaseType, Queue, QueueRule, Status

TTL = 5.0  # seconds

_cache: dict[tuple, tuple[float, object]] = {}


def cached(key: tuple, load):
    """The value of ``load()`` for ``key``, loaded again after ``TTL`` seconds."""
    now = time.monotonic()
    hit = _cache.get(key)
    if hit is not None and hit[0] > now:
        return hit[1]
    value = load()
    _cache[key] = (now + TTL, value)
    return value


def clear(*_args, **_kwargs) -> None:
    _cache.clear()


def initial_status(case_type):
    """``case_type.initial_status`` (a ``Status`` or None), cached."""
    return cached(("initial_status", case_type.pk), lambda: case_type.initial_status)


for _model in (CaseType, Status, Queue, QueueRule):
    post_save.connect(
        clear, sender=_model, dispatch_uid=f"cases-configcache-save-{_model.__name__}"
    )
    post_delete.connect(
        clear, sender=_model, dispatch_uid=f"cases-configcache-delete-{_model.__name__}"
    )
