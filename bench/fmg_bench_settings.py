"""Settings for the FixaMinGata bench's gunicorn: the project's, with the Open311 list cache
set from ``FMG_BENCH_OPEN311_CACHE_SECONDS`` (0 = off), so both figures can be measured."""

import os

from sambruk.settings import *  # noqa: F403

FIXAMINGATA_OPEN311_CACHE_SECONDS = int(os.environ.get("FMG_BENCH_OPEN311_CACHE_SECONDS", "0"))
