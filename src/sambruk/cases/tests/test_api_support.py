"""No tests here: the shared set-up of the case API tests.

The ``actor`` fixture is a client acting by bearer token or by verified session; test
modules import ``actor_fixture`` to use it.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from rest_framework.test import APIClient

from sambruk.core.accounts.roles import role_permissions
from sambruk.core.api.services import create_api_client

from ..models import Case


@dataclass
class Actor:
    """``http`` is the client, ``user`` the principal the API sees (the API client's user)."""

    http: APIClient
    user: object
    kind: str

    def get(self, path, data=None):
        return self.http.get(path, data or {})

    def post(self, path, data=None):
        return self.http.post(path, data if data is not None else {}, format="json")


def token_actor(organisation, roles=("caseworker",)) -> Actor:
    scopes = set()
    for role in roles:
        scopes |= role_permissions(role)
    client_obj, token = create_api_client(
        actor=None, organisation=organisation, name="Integration", scopes=sorted(scopes)
    )
    http = APIClient()
    http.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return Actor(http, client_obj.user, "token")


def session_actor(user, login) -> Actor:
    """``login`` is the suite's ``login`` fixture (a verified second factor)."""
    http = APIClient()
    login(http, user)
    return Actor(http, user, "session")


@pytest.fixture(params=["token", "session"], name="actor")
def actor_fixture(request, setup, login) -> Actor:
    """A caseworker of ``setup.org``: an API client (token) or ``setup.worker`` (session)."""
    if request.param == "token":
        return token_actor(setup.org)
    return session_actor(setup.worker, login)


def fresh(case) -> Case:
    return Case.objects.get(pk=case.pk)
