"""Staff navigation to the form editor and the e-service publisher: the start page's module
cards and the module's own sub-navigation, each entry only with its permission."""

from __future__ import annotations

import pytest
from django.urls import reverse

from sambruk.core.accounts import roles

pytestmark = pytest.mark.django_db

EDITOR = reverse("eforms:editor-list")
PUBLISHER = reverse("eforms:publisher-list")


@pytest.fixture
def forms_only_role(monkeypatch):
    """A role with only ``eforms.manage_forms``, removed from the registry afterwards."""
    code = "eforms_test_forms"
    role = roles.Role(
        code=code, name="Formulärredaktör (test)", permissions={"eforms.manage_forms"}
    )
    monkeypatch.setitem(roles._ROLES, code, role)
    return code


def start_page(client):
    response = client.get("/")
    assert response.status_code == 200
    return response.content.decode()


def test_org_admin_sees_both_entries_on_the_start_page(org_factory, member, client, login):
    login(client, member(org_factory(), "org_admin"))
    html = start_page(client)
    assert f'<a href="{EDITOR}">Formulär för e-tjänster</a>' in html
    assert f'<a href="{PUBLISHER}">E-tjänster</a>' in html


def test_caseworker_sees_neither(org_factory, member, client, login):
    login(client, member(org_factory(), "caseworker"))
    html = start_page(client)
    assert EDITOR not in html and PUBLISHER not in html


def test_form_editor_role_sees_only_the_editor(org_factory, member, client, login, forms_only_role):
    login(client, member(org_factory(), forms_only_role))
    html = start_page(client)
    assert EDITOR in html and PUBLISHER not in html
    page = client.get(EDITOR).content.decode()
    assert 'aria-label="E-tjänster, administration"' in page
    assert f'<a href="{EDITOR}" aria-current="page">Formulär</a>' in page
    assert PUBLISHER not in page.split("</nav>")[1].split("<h1>")[0]  # not in the sub-nav
    assert client.get(PUBLISHER).status_code == 403


def test_sub_navigation_on_the_publisher(org_factory, member, client, login):
    login(client, member(org_factory(), "org_admin"))
    page = client.get(PUBLISHER).content.decode()
    assert f'<a href="{PUBLISHER}" aria-current="page">E-tjänster</a>' in page
    assert f'<a href="{EDITOR}">Formulär</a>' in page
    assert f'<a href="{reverse("eforms:catalogue")}">E-tjänstkatalogen (invånare)</a>' in page
