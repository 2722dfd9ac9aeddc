"""Staff editor: permission, tenancy, save with errors, live preview, publish; rendering."""

from __future__ import annotations

import json
import re

import pytest
from django.urls import reverse

from ..models import FormVersion, VersionStatus
from ..rendering import render_error_summary, render_page
from ..services import definitions as services
from .factories import simple_schema


@pytest.fixture
def setup(org_factory, member, client, login):
    org = org_factory()
    user = member(org, "org_admin")
    login(client, user)
    version = services.create_definition(
        actor=user, organisation=org, code="kontakt", name="Kontakt"
    )
    return client, user, org, version


def version_url(version):
    return reverse("eforms:editor-version", args=[version.definition_id, version.number])


def test_caseworker_is_refused_and_other_org_is_404(org_factory, member, client, login, setup):
    _, _, _, version = setup
    other = org_factory()
    login(client, member(other, "caseworker"))
    assert client.get(reverse("eforms:editor-list")).status_code == 403
    login(client, member(other, "org_admin"))
    assert client.get(version_url(version)).status_code == 404
    assert "Kontakt" not in client.get(reverse("eforms:editor-list")).content.decode()


def test_create_definition_from_list(setup):
    client, _, org, _ = setup
    response = client.post(
        reverse("eforms:editor-list"),
        {"organisation": org.pk, "name": "Bygglov", "code": "Bygg lov"},
    )
    assert response.status_code == 400
    assert "Ange en kod med små bokstäver" in response.content.decode()
    response = client.post(
        reverse("eforms:editor-list"),
        {"organisation": org.pk, "name": "Bygglov", "code": "bygglov"},
    )
    assert response.status_code == 302
    assert FormVersion.objects.filter(definition__code="bygglov", number=1).exists()


def test_preview_shows_errors_and_the_rendered_form(setup):
    client, *_ = setup
    url = reverse("eforms:editor-preview")
    broken = client.post(url, {"schema": '{"pages": ['}, HTTP_HX_REQUEST="true")
    assert "JSON: fel på rad 1" in broken.content.decode()
    bad = simple_schema()
    bad["pages"][0]["fields"][1]["showWhen"] = {"field": "fraga", "answered": True}
    invalid = client.post(url, {"schema": json.dumps(bad)}).content.decode()
    assert (
        "Sida 1, fält ”epost”, villkor för att visa: villkoret hänvisar till fältet ”fraga”"
        in invalid
    )
    good = client.post(url, {"schema": json.dumps(simple_schema())}).content.decode()
    assert "Definitionen är giltig." in good
    assert '<label for="f-namn">Namn' in good and 'id="f-epost-hint">Vi svarar hit.' in good


def test_save_with_errors_keeps_text_then_save_and_publish(setup):
    client, user, _, version = setup
    url = version_url(version)
    page = client.get(url).content.decode()
    assert 'hx-post="/e-tjanster/admin/formular/forhandsgranska/"' in page
    assert 'hx-trigger="input changed delay:600ms"' in page
    bad = simple_schema()
    bad["pages"][0]["fields"].append(
        {"type": "number", "name": "n", "label": "N", "min": 5, "max": 1}
    )
    response = client.post(url, {"action": "save", "schema": json.dumps(bad)})
    assert response.status_code == 400
    body = response.content.decode()
    assert "Sida 1, fält ”n”: min är större än max." in body and "&quot;max&quot;: 1" in body
    changed = simple_schema()
    changed["title"] = "Ny titel"
    assert client.post(url, {"action": "save", "schema": json.dumps(changed)}).status_code == 302
    assert FormVersion.objects.get(pk=version.pk).schema["title"] == "Ny titel"
    assert client.post(url, {"action": "publish"}).status_code == 302
    version.refresh_from_db()
    assert version.status == VersionStatus.PUBLISHED and version.published_by == user
    published_page = client.get(url).content.decode()
    assert "readonly" in published_page and "Skapa ny version från denna" in published_page
    client.post(url, {"action": "save", "schema": json.dumps(simple_schema())})
    assert FormVersion.objects.get(pk=version.pk).schema["title"] == "Ny titel"
    response = client.post(
        reverse("eforms:editor-definition", args=[version.definition_id]), {"from_version": 1}
    )
    assert response.status_code == 302 and response["Location"].endswith("/version/2/")


def test_rendering_labels_describedby_fieldsets_and_rules():
    schema = {
        "pages": [
            {
                "title": "S",
                "fields": [
                    {"type": "radio", "name": "r", "label": "Boende", "required": True, "hint": "Välj ett", "options": [{"value": "a", "label": "Hyresrätt"}]},
                    {"type": "amount", "name": "hyra", "label": "Hyra", "showWhen": {"field": "r", "anyOf": ["a"]}},
                    {"type": "group", "name": "g", "label": "Barn", "fields": [{"type": "text", "name": "namn", "label": "Namn"}]},
                ],
            }
        ]
    }  # fmt: skip
    from .. import engine

    result = engine.clean_page(schema, 0, {"hyra": "x", "g-count": "1"})
    html = render_page(schema, 0, {}, result=result)
    assert '<fieldset id="f-r" class="choices" aria-describedby="f-r-hint f-r-error">' in html
    assert "<legend>Boende" in html and 'id="f-r-error">Välj ett svar för ”Boende”.' in html
    assert re.search(
        r'id="f-hyra-wrap"[^>]*data-show-when="\{&quot;field&quot;: &quot;r&quot;', html
    )
    assert re.search(r'id="f-hyra-wrap"[^>]* hidden>', html)  # hidden: r is unanswered
    assert '<label for="f-g-0-namn">Namn' in html and 'name="g-count" value="1"' in html
    assert 'value="add:g"' in html and "<script" not in html and "style=" not in html
    summary = render_error_summary(result.errors)
    assert '<a href="#f-r">Välj ett svar för ”Boende”.</a>' in summary
