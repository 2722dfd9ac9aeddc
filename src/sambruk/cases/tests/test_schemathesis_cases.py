"""Property-based run of the committed ``openapi.yaml`` against ``/api/cases`` (schemathesis).

Schemathesis generates requests from the committed schema — valid and invalid bodies, query
strings and ids — and sends them through Django's WSGI application in-process with an API
client's bearer token. Every answer must not be a server error (5xx). The path's ``id`` is
the id of a real case most of the time, so the bodies reach validation and the services
instead of stopping at 404.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.config import SchemathesisConfig

from sambruk.core.accounts.roles import role_permissions
from sambruk.core.api.services import create_api_client

from .factories import CaseFactory, CaseTypeFactory, LabelFactory, QueueFactory, caseworker

SCHEMA_FILE = Path(__file__).resolve().parents[4] / "openapi.yaml"

# The fuzzing phase only (valid and invalid data, ``max_examples`` per operation); the
# examples and coverage phases would multiply the run time.
CONFIG = SchemathesisConfig.from_dict(
    {
        "seed": 2181,
        "generation": {"mode": "all"},
        "phases": {"examples": {"enabled": False}, "coverage": {"enabled": False}},
    }
)
raw = schemathesis.openapi.from_path(SCHEMA_FILE, config=CONFIG)
raw.app = get_wsgi_application()
schema = raw.include(path_regex=r"^/api/cases/")


@pytest.fixture
def keep_connection():
    """Like Django's test client: the request must not close the test's database connection
    (the WSGI handler does so at the end of every request)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def world(db, org_factory, keep_connection):
    """A caseworker organisation with a case, an API client token and a second case."""
    org = org_factory()
    case_type = CaseTypeFactory(organisation=org, resolutions=["Klart"])
    queue = QueueFactory(organisation=org, default_case_type=case_type)
    worker = caseworker(org, queues=[queue])
    LabelFactory(organisation=org)
    cases = [CaseFactory(queue=queue, actor=worker) for _ in range(2)]
    scopes = sorted(role_permissions("caseworker") | role_permissions("org_admin"))
    _client, token = create_api_client(actor=None, organisation=org, name="Fuzz", scopes=scopes)
    return {"token": token, "case_ids": [c.pk for c in cases]}


@schema.parametrize()
@settings(
    max_examples=6,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
def test_cases_api_answers_without_server_errors(case, world):
    if "id" in (case.path_parameters or {}) and case.path_parameters["id"] != 0:
        # Mostly a real case (the engine's paths), sometimes what schemathesis drew.
        drawn = case.path_parameters["id"]
        if not isinstance(drawn, int) or drawn % 5:
            case.path_parameters["id"] = world["case_ids"][0]
    case.headers = {**(case.headers or {}), "Authorization": f"Bearer {world['token']}"}
    case.call_and_validate(checks=[not_a_server_error])
