"""Staff settings pages of FixaMinGata (/fixamingata/installningar/), over HTTP."""

import pytest

from sambruk.core.audit.models import AuditEvent
from sambruk.fixamingata.models import Body, Category, ResponseTemplate

from .factories import SANDVIKEN

CONFIG = "/fixamingata/installningar/"


@pytest.fixture
def admin(world, member, login, client):
    user = member(world.sandviken, "org_admin")
    login(client, user)
    return user


def body_url(world, suffix=""):
    return f"{CONFIG}{world.sandviken_body.pk}/{suffix}"


def offered(client, name):
    response = client.get("/fixamingata/kategorier/", {"lat": SANDVIKEN[0], "lon": SANDVIKEN[1]})
    assert response.status_code == 200
    return name in [c["name"] for c in response.json()["categories"]]


def category_data(**kw):
    return {
        "name": "Nedskräpning",
        "group": "Renhållning",
        "code": "",
        "contact_email": "renhallning@sandviken.example.se",
        "send_method": "",
        "open311_service_code": "",
        "active": "on",
        "order": "5",
        **kw,
    }


def test_index_redirects_to_the_one_body_and_lists_its_categories(client, world, admin):
    response = client.get(CONFIG)
    assert response.status_code == 302 and response["Location"] == body_url(world)
    page = client.get(body_url(world)).content.decode()
    assert "Gatubelysning" in page and "Lägg till kategori" in page


def test_create_category_is_offered_at_a_point_and_deactivating_removes_it(client, world, admin):
    assert not offered(client, "Nedskräpning")
    response = client.post(body_url(world, "kategorier/ny/"), category_data())
    assert response.status_code == 302
    category = Category.objects.get(body=world.sandviken_body, name="Nedskräpning")
    assert category.code == "nedskrapning" and category.group == "Renhållning"
    assert AuditEvent.objects.filter(
        object_type="fixamingata.category", object_id=str(category.pk), action="create"
    ).exists()
    assert offered(client, "Nedskräpning")

    data = category_data()
    del data["active"]
    response = client.post(body_url(world, f"kategorier/{category.pk}/"), data)
    assert response.status_code == 302
    assert not offered(client, "Nedskräpning")
    assert AuditEvent.objects.filter(
        object_type="fixamingata.category", object_id=str(category.pk), action="update"
    ).exists()


def test_category_bad_input_gets_swedish_messages(client, world, admin):
    response = client.post(body_url(world, "kategorier/ny/"), category_data(name="klotter"))
    assert response.status_code == 400
    assert "Det finns redan en kategori med namnet" in response.content.decode()
    response = client.post(
        body_url(world, "kategorier/ny/"), category_data(contact_email="inte-en-adress")
    )
    assert response.status_code == 400
    assert "Ange en giltig mejladress" in response.content.decode()
    assert not Category.objects.filter(name="Nedskräpning").exists()


def test_response_template_appears_in_the_list_and_can_be_deleted(client, world, admin):
    category = world.cat(world.sandviken_body, "Klotter")
    response = client.post(
        body_url(world, "svarsmallar/ny/"),
        {
            "title": "Sanerat",
            "text": "Klottret är borttaget. Tack för din rapport!",
            "category": category.pk,
            "state": "fixed",
            "active": "on",
            "order": "0",
        },
    )
    assert response.status_code == 302
    template = ResponseTemplate.objects.get(title="Sanerat")
    assert template.category == category and template.state == "fixed"
    page = client.get(body_url(world)).content.decode()
    assert "Sanerat" in page
    response = client.post(body_url(world, f"svarsmallar/{template.pk}/ta-bort/"))
    assert response.status_code == 302
    assert not ResponseTemplate.objects.filter(pk=template.pk).exists()
    assert AuditEvent.objects.filter(
        object_type="fixamingata.responsetemplate", action="delete"
    ).exists()


def test_body_settings_api_key_is_write_only(client, world, admin):
    data = {
        "active": "on",
        "send_method": "open311",
        "contact_email": "felanmalan@sandviken.example.se",
        "open311_endpoint": "https://open311.sandviken.example.se/v2/",
        "open311_jurisdiction": "sandviken",
        "new_api_key": "hemlig-nyckel-123",
    }
    response = client.post(body_url(world, "mottagare/"), data)
    assert response.status_code == 302
    body = Body.objects.get(pk=world.sandviken_body.pk)
    assert body.send_method == "open311" and body.open311_api_key == "hemlig-nyckel-123"
    assert body.active and not body.open311_fetch_updates
    for url in (body_url(world), body_url(world, "mottagare/")):
        assert "hemlig-nyckel-123" not in client.get(url).content.decode()
    event = AuditEvent.objects.filter(object_type="fixamingata.body").latest("at")
    assert "hemlig-nyckel-123" not in str(event.changes)
    # Saving without a new key keeps the old one.
    del data["new_api_key"]
    assert client.post(body_url(world, "mottagare/"), data).status_code == 302
    assert Body.objects.get(pk=body.pk).open311_api_key == "hemlig-nyckel-123"


def test_body_settings_bad_input(client, world, admin):
    response = client.post(
        body_url(world, "mottagare/"),
        {"send_method": "open311", "contact_email": "", "open311_endpoint": ""},
    )
    assert response.status_code == 400
    assert "kräver en Open311-adress" in response.content.decode()
    response = client.post(
        body_url(world, "mottagare/"),
        {"send_method": "email", "contact_email": "x", "open311_endpoint": "inte en url"},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Ange en giltig mejladress" in page and "Ange en giltig URL" in page
    assert Body.objects.get(pk=world.sandviken_body.pk).send_method == "email"


def test_other_kommun_and_caseworker_are_refused(client, world, member, login):
    gavle_admin = member(world.gavle, "org_admin")
    login(client, gavle_admin)
    response = client.get(CONFIG)
    assert response["Location"] == f"{CONFIG}{world.gavle_body.pk}/"
    assert client.get(body_url(world)).status_code == 404
    response = client.post(body_url(world, "kategorier/ny/"), category_data())
    assert response.status_code == 404
    assert not Category.objects.filter(name="Nedskräpning").exists()

    caseworker = member(world.sandviken, "caseworker")  # moderates, does not configure
    login(client, caseworker)
    assert client.get(CONFIG).status_code == 403
    assert client.post(body_url(world, "kategorier/ny/"), category_data()).status_code == 403


def test_anonymous_is_sent_to_login(client, world):
    response = client.get(CONFIG)
    assert response.status_code == 302 and "logga-in" in response["Location"]
