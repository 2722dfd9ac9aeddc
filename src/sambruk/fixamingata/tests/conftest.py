import pytest

from sambruk.core.notifications.tests.conftest import running_smtp, smtp_server  # noqa: F401

from .factories import world as make_world


@pytest.fixture
def world(db):
    return make_world()


@pytest.fixture(autouse=True)
def _media_and_cache(settings, tmp_path):
    from django.core.cache import cache

    settings.MEDIA_ROOT = str(tmp_path / "media")
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _fresh_reads(settings):
    """Every test sees its own writes at once: no Open311 list cache, no routing cache left
    over from another test (both are short-lived in production)."""
    from sambruk.fixamingata import routing

    settings.FIXAMINGATA_OPEN311_CACHE_SECONDS = 0
    routing.clear_cache()
    yield
    routing.clear_cache()
