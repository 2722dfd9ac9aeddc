"""The channel's staff pages are linked from the start page ("Dina moduler"), by permission."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db

WEBHOOKS = ('href="/kanal/webhooks/"', "Webhooks")
MAIL = ('href="/kanal/e-post/"', "Inkommande e-post")


def test_administrator_sees_webhooks_and_inbound_mail_and_they_open(
    client, org_factory, member, login
):
    admin = member(org_factory(), role="org_admin")
    login(client, admin)
    page = client.get("/")
    assert page.status_code == 200
    for link, name in (WEBHOOKS, MAIL):
        assert link in page.text and name in page.text
    assert client.get("/kanal/webhooks/").status_code == 200
    assert client.get("/kanal/e-post/").status_code == 200


def test_caseworker_without_the_permissions_does_not_see_them(client, org_factory, member, login):
    worker = member(org_factory(), role="caseworker")
    login(client, worker)
    page = client.get("/")
    assert page.status_code == 200
    assert "Dina moduler" in page.text
    for link, _name in (WEBHOOKS, MAIL):
        assert link not in page.text
    assert client.get("/kanal/webhooks/").status_code == 403
