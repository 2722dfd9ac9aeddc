"""Entry points of the receiver's worker *processes* (``MAILIN_PROCESSES``).

Kept free of Django imports at module level: a spawned child unpickles these functions
before Django is set up (``init`` does that)."""

from __future__ import annotations

import os


def init() -> None:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sambruk.settings")
    django.setup()


def process(pk) -> None:
    from django.db import close_old_connections

    from . import services

    close_old_connections()
    services.process(pk)


def process_pending() -> None:
    from django.db import close_old_connections

    from . import services

    close_old_connections()
    services.process_pending()
