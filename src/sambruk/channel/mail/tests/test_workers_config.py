"""How many worker processes the receiver uses when ``MAILIN_PROCESSES`` is not set."""

from __future__ import annotations

import concurrent.futures

import pytest

from sambruk.channel.mail.smtp import MailinHandler, auto_processes


@pytest.mark.parametrize(
    ("vendor", "cpus", "expected"),
    [("postgresql", 2, 2), ("postgresql", 8, 2), ("postgresql", 1, 0), ("sqlite", 4, 0)],
)
def test_auto_uses_processes_only_on_postgresql_with_two_cores(vendor, cpus, expected):
    assert auto_processes(vendor, cpus) == expected


def test_explicit_zero_means_threads(settings):
    settings.MAILIN_PROCESSES = 0
    handler = MailinHandler()
    try:
        assert isinstance(handler.process_pool, concurrent.futures.ThreadPoolExecutor)
    finally:
        handler.process_pool.shutdown()
        handler.store_pool.shutdown()
