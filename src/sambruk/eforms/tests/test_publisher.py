"""E-service publisher: staff pages (permission, tenancy, error summary) and the services."""

from __future__ import annotations

import pytest

from sambruk.cases.tests.factories import CaseTypeFactory, LabelFactory, QueueFactory
from sambruk.core.audit.models import AuditEvent

from ..models import EService, VersionStatus
from ..services import eservices as services
from .factories import EServiceFactory, FormVersionFactory

pytestmark = pytest.mark.django_db
LIST = "/e-tjanster/admin/tjanster/"


@pytest.fixture
def org_setup(org_factory, member):
    org = org_factory(slug="sandviken")
    admin = member(org, "org_admin")
    return {
        "org": org,
        "admin": admin,
        "version": FormVersionFactory(definition__organisation=org, published=True),
        "draft": FormVersionFactory(definition__organisation=org),
        "queue": QueueFactory(organisation=org, name="Kundtjänst"),
        "case_type": CaseTypeFactory(organisation=org, name="Synpunkt"),
        "label": LabelFactory(organisation=org, name="Webb"),
    }


def post_data(s, **overrides):
    data = {
        "organisation": s["org"].pk,
        "slug": "kontakta-kommunen",
        "name": "Kontakta kommunen",
        "description": "Skicka en fråga.",
        "form_version": s["version"].pk,
        "queue": s["queue"].pk,
        "case_type": s["case_type"].pk,
        "labels": [s["label"].pk],
        "signing": "none",
        "receipt_subject": "Tack",
        "receipt_text": "Vi har tagit emot ditt ärende.",
        "opens_at": "2026-01-01T08:00",
        "closes_at": "",
        "active": "on",
        "listed": "on",
        "draft_ttl_days": "14",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def values(s, **overrides):
    data = {
        "name": "Kontakta kommunen",
        "form_version": s["version"],
        "queue": s["queue"],
        "case_type": s["case_type"],
        "labels": [s["label"]],
        "signing": "none",
        "login_required": False,
        "draft_ttl_days": 30,
    }
    data.update(overrides)
    return data


# --- views -------------------------------------------------------------------------------
def test_admin_creates_eservice_and_sees_permanent_link(client, login, org_setup):
    s = org_setup
    login(client, s["admin"])
    form = client.get(f"{LIST}ny/")
    assert form.status_code == 200
    assert "Kundtjänst" in form.text and "Webb" in form.text
    assert f'value="{s["draft"].pk}"' not in form.text  # drafts cannot be published
    response = client.post(f"{LIST}ny/", post_data(s))
    assert response.status_code == 302
    eservice = EService.objects.get(slug="kontakta-kommunen")
    assert response["Location"] == f"{LIST}{eservice.pk}/"
    assert eservice.organisation == s["org"] and eservice.queue == s["queue"]
    assert list(eservice.labels.all()) == [s["label"]]
    assert eservice.draft_ttl_days == 14 and eservice.receipt_subject == "Tack"
    assert eservice.opens_at is not None and eservice.closes_at is None
    page = client.get(response["Location"])
    assert 'value="http://testserver/e-tjanster/sandviken/kontakta-kommunen/"' in page.text
    assert "Kopiera länken" in page.text
    assert "Kontakta kommunen" in client.get(LIST).text
    assert client.get("/e-tjanster/sandviken/kontakta-kommunen/").status_code == 200
    assert AuditEvent.objects.filter(action="create", object_type="eforms.eservice").exists()


def test_create_with_errors_shows_summary_and_field_errors(client, login, org_setup):
    s = org_setup
    login(client, s["admin"])
    EServiceFactory(form_version=s["version"], slug="tagen", organisation=s["org"])
    response = client.post(
        f"{LIST}ny/",
        post_data(s, slug="tagen", name="", queue="", signing="two", draft_ttl_days="0"),
    )
    assert response.status_code == 400
    html = response.text
    assert 'class="error-summary"' in html
    for message in (
        "Adressen ”tagen” används redan.",
        "Ange e-tjänstens namn.",
        "Välj en kö.",
        "En e-tjänst med underskrift kräver inloggning med e-legitimation.",
        "Utkast sparas mellan 1 och 365 dagar.",
    ):
        assert html.count(message) == 2, message  # in the summary and next to the field
    assert 'href="#id_queue"' in html
    assert 'value="Skicka en fråga."' not in html and "Skicka en fråga." in html  # kept
    assert EService.objects.filter(organisation=s["org"]).count() == 1


def test_edit_changes_settings_but_not_the_address(client, login, org_setup):
    s = org_setup
    login(client, s["admin"])
    eservice = EServiceFactory(form_version=s["version"], organisation=s["org"], slug="fraga")
    newer = FormVersionFactory(definition=s["version"].definition, published=True)
    response = client.post(
        f"{LIST}{eservice.pk}/",
        post_data(
            s,
            slug="ny-adress",
            form_version=newer.pk,
            login_required="on",
            signing="single",
            listed=None,
        ),
    )
    assert response.status_code == 302
    eservice.refresh_from_db()
    assert eservice.slug == "fraga"
    assert eservice.form_version == newer and eservice.signing == "single"
    assert eservice.login_required and not eservice.listed
    event = AuditEvent.objects.get(action="update", object_type="eforms.eservice")
    assert event.changes["signing"] == ["none", "single"]


def test_other_organisations_eservice_is_404_and_not_listed(
    client, login, org_setup, org_factory, member
):
    other = org_factory()
    foreign = EServiceFactory(
        form_version=FormVersionFactory(definition__organisation=other, published=True),
        name="Grannens e-tjänst",
    )
    login(client, org_setup["admin"])
    assert client.get(f"{LIST}{foreign.pk}/").status_code == 404
    assert client.post(f"{LIST}{foreign.pk}/", post_data(org_setup)).status_code == 404
    assert client.get(f"{LIST}ny/?organisation={other.pk}").status_code == 404
    assert "Grannens e-tjänst" not in client.get(LIST).text


def test_foreign_queue_posted_is_refused(client, login, org_setup, org_factory):
    s = org_setup
    login(client, s["admin"])
    foreign_queue = QueueFactory(organisation=org_factory())
    response = client.post(f"{LIST}ny/", post_data(s, queue=foreign_queue.pk))
    assert response.status_code == 400 and "Välj en kö." in response.text
    assert not EService.objects.exists()


def test_caseworker_is_refused(client, login, org_setup, member):
    login(client, member(org_setup["org"], "caseworker"))
    assert client.get(LIST).status_code == 403
    assert client.post(f"{LIST}ny/", post_data(org_setup)).status_code == 403


# --- services ----------------------------------------------------------------------------
def test_service_refuses_objects_of_another_organisation(org_setup, org_factory):
    s = org_setup
    other = org_factory()
    with pytest.raises(services.EServiceError) as exc:
        services.do_create_eservice(
            actor=s["admin"],
            organisation=s["org"],
            slug="x",
            values=values(
                s,
                form_version=FormVersionFactory(definition__organisation=other, published=True),
                queue=QueueFactory(organisation=other),
                case_type=CaseTypeFactory(organisation=other),
                labels=[LabelFactory(organisation=other)],
            ),
        )
    fields = {field for field, _m in exc.value.errors}
    assert fields == {"form_version", "queue", "case_type", "labels"}
    assert "Kön hör till en annan organisation." in [m for _f, m in exc.value.errors]
    assert not EService.objects.exists()


def test_service_refuses_unpublished_version_and_bad_period(org_setup):
    s = org_setup
    from datetime import timedelta

    from django.utils import timezone

    now = timezone.now()
    with pytest.raises(services.EServiceError) as exc:
        services.do_create_eservice(
            actor=s["admin"],
            organisation=s["org"],
            slug="Ogiltig Adress",
            values=values(s, form_version=s["draft"], opens_at=now, closes_at=now - timedelta(1)),
        )
    messages = dict(exc.value.errors)
    assert messages["form_version"] == "Välj en publicerad formulärversion."
    assert messages["closes_at"] == "Stängningstiden måste vara efter öppningstiden."
    assert "slug" in messages
    assert s["draft"].status == VersionStatus.DRAFT


def test_update_keeps_a_retired_current_version(org_setup):
    s = org_setup
    eservice = services.do_create_eservice(
        actor=s["admin"], organisation=s["org"], slug="kontakt", values=values(s)
    )
    type(s["version"]).objects.filter(pk=s["version"].pk).update(status=VersionStatus.RETIRED)
    eservice.refresh_from_db()
    updated = services.do_update_eservice(eservice, actor=s["admin"], values={"name": "Ny"})
    assert updated.name == "Ny"
    assert AuditEvent.objects.get(action="update").changes == {"name": ["Kontakta kommunen", "Ny"]}
