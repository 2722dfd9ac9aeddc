"""The real OIDC flow (code + PKCE) against the loopback provider: no mocked HTTP."""

from __future__ import annotations

import pytest
import requests
from authlib.common.errors import AuthlibBaseError
from joserfc.errors import JoseError

from sambruk.core.accounts.eleg import oidc
from sambruk.core.accounts.eleg.oidc import ElegError
from sambruk.core.accounts.models import User, UserKind
from sambruk.core.audit.models import AuditEvent
from sambruk.core.persons.models import Person

from . import eleg_provider
from .eleg_provider import CALLBACK, CLIENT_SECRET, at_provider, back_to_rp, replace_param, start

oidc_provider = eleg_provider.oidc_provider
eleg_settings = eleg_provider.eleg_settings

pytestmark = pytest.mark.django_db
LOA3 = "http://id.elegnamnden.se/loa/1.0/loa3"


def test_login_with_personnummer_creates_citizen_and_person(client, eleg_settings):
    auth_url = start(client, next_url="/e-tjanster/kontakta/sida-2/")
    assert "code_challenge_method=S256" in auth_url and "nonce=" in auth_url
    response = back_to_rp(client, at_provider(auth_url, "tolvan"))

    assert response.status_code == 302
    assert response["Location"] == "/e-tjanster/kontakta/sida-2/"
    user = User.objects.get(civic_number="191212121212")
    assert user.kind == UserKind.CITIZEN
    assert user.full_name == "Tolvan Tolvansson"
    assert user.last_loa == LOA3
    assert Person.objects.get(civic_number="191212121212").family_name == "Tolvansson"
    assert client.session["eleg_loa"] == LOA3
    assert client.session["eleg_iss"] == eleg_settings.ELEG_OIDC_ISSUER
    assert client.session["eleg_sub"] == "tolvan"
    event = AuditEvent.objects.filter(action="login", actor=user, purpose="e-legitimation").get()
    assert event.changes["method"] == "oidc"
    assert event.changes["loa"] == LOA3

    status = client.get("/konto/e-legitimation/inloggning/")
    assert status.status_code == 200
    assert LOA3 in status.content.decode()


def test_second_login_updates_the_same_user(client, eleg_settings):
    back_to_rp(client, at_provider(start(client), "tolvan"))
    client.logout()
    back_to_rp(client, at_provider(start(client), "tolvan"))
    assert User.objects.filter(civic_number="191212121212").count() == 1
    assert Person.objects.filter(civic_number="191212121212").count() == 1


def test_samordningsnummer_is_accepted_and_stored(client, eleg_settings):
    response = back_to_rp(client, at_provider(start(client), "samordnare"))
    assert response.status_code == 302
    user = User.objects.get(civic_number="197010632391")
    assert user.full_name == "Sam Samordnare"
    assert Person.objects.filter(civic_number="197010632391").exists()


def test_missing_civic_number_is_refused(client, eleg_settings):
    response = back_to_rp(client, at_provider(start(client), "utan-nummer"))
    assert response.status_code == 400
    assert "gav inget personnummer eller samordningsnummer" in response.content.decode()
    assert not User.objects.filter(kind=UserKind.CITIZEN).exists()
    assert "_auth_user_id" not in client.session


def test_tampered_state_is_refused(client, eleg_settings):
    callback = at_provider(start(client), "tolvan")
    response = back_to_rp(client, replace_param(callback, "state", "forfalskad"))
    assert response.status_code == 400
    body = response.content.decode()
    assert "Inloggningen avbröts" in body
    assert "hör inte till en inloggning som startades här" in body
    assert not User.objects.filter(kind=UserKind.CITIZEN).exists()


def test_callback_in_another_browser_is_refused(client, eleg_settings):
    from django.test import Client

    callback = at_provider(start(client), "tolvan")
    response = back_to_rp(Client(), callback)
    assert response.status_code == 400
    assert not User.objects.filter(kind=UserKind.CITIZEN).exists()


def test_replayed_code_is_refused(client, eleg_settings):
    callback = at_provider(start(client), "tolvan")
    assert back_to_rp(client, callback).status_code == 302
    # The same answer again: the state was used up.
    assert back_to_rp(client, callback).status_code == 400
    # The old code with a fresh, valid state: the provider refuses the code.
    fresh = at_provider(start(client), "tolvan")
    old_code = dict(p.split("=", 1) for p in callback.split("?", 1)[1].split("&"))["code"]
    response = back_to_rp(client, replace_param(fresh, "code", old_code))
    assert response.status_code == 400
    assert "kunde inte bekräftas" in response.content.decode()


def test_wrong_nonce_is_refused(client, eleg_settings):
    auth_url = replace_param(start(client), "nonce", "en-annan-nonce")
    response = back_to_rp(client, at_provider(auth_url, "tolvan"))
    assert response.status_code == 400
    assert "kunde inte bekräftas" in response.content.decode()
    assert not User.objects.filter(kind=UserKind.CITIZEN).exists()


def test_code_for_another_client_is_refused(client, eleg_settings):
    auth_url = replace_param(start(client), "client_id", "annan-tjanst")
    response = back_to_rp(client, at_provider(auth_url, "tolvan"))
    assert response.status_code == 400
    assert not User.objects.filter(kind=UserKind.CITIZEN).exists()


def test_id_token_for_another_audience_fails_validation(eleg_settings):
    """A real ID token the provider issued to another client: our validation refuses it."""
    from authlib.integrations.requests_client import OAuth2Session

    issuer = eleg_settings.ELEG_OIDC_ISSUER
    meta = requests.get(f"{issuer}/.well-known/openid-configuration", timeout=10).json()
    other = OAuth2Session(
        "annan-tjanst",
        CLIENT_SECRET,
        scope="openid profile",
        redirect_uri=CALLBACK,
        code_challenge_method="S256",
    )
    verifier = "v" * 64
    url, _state = other.create_authorization_url(
        meta["authorization_endpoint"], nonce="n-123", code_verifier=verifier
    )
    callback = at_provider(url, "tolvan")
    token = other.fetch_token(
        meta["token_endpoint"], authorization_response=callback, code_verifier=verifier
    )
    # Validated as "sambruk", the token is refused (its aud is "annan-tjanst")...
    with pytest.raises((AuthlibBaseError, JoseError), match="aud|azp"):
        oidc.client().parse_id_token(dict(token), nonce="n-123")
    # ...while the same token is valid for the client it was issued to.
    eleg_settings.ELEG_OIDC_CLIENT_ID = "annan-tjanst"
    claims = oidc.client().parse_id_token(dict(token), nonce="n-123")
    assert claims["sub"] == "tolvan"


def test_provider_error_is_shown_in_swedish(client, eleg_settings):
    start(client)
    keys = list(client.session.keys())  # noqa: SIM118 (SessionBase has no __iter__)
    state = next(k for k in keys if k.startswith("_state_eleg_"))
    response = client.get(
        "/konto/e-legitimation/callback/",
        {"error": "access_denied", "state": state.removeprefix("_state_eleg_")},
    )
    assert response.status_code == 400
    assert "Inloggningen avbröts. Du är inte inloggad." in response.content.decode()


def test_not_configured_answers_503(client, settings):
    settings.ELEG_OIDC_ISSUER = ""
    response = client.get("/konto/e-legitimation/start/")
    assert response.status_code == 503
    assert "inte konfigurerad" in response.content.decode()


def test_identity_from_claims_rejects_invalid_number():
    with pytest.raises(ElegError):
        oidc.identity_from_claims(
            {"https://id.oidc.se/claim/personalIdentityNumber": "191212121213", "sub": "x"},
            issuer="i",
        )
    with pytest.raises(ElegError):  # a samordningsnummer in the personnummer claim
        oidc.identity_from_claims(
            {"https://id.oidc.se/claim/personalIdentityNumber": "197010632391", "sub": "x"},
            issuer="i",
        )


def test_oidc_signer_signs_by_reauthentication(client, eleg_settings):
    from sambruk.core.accounts.eleg.signing import OidcSigner, text_hash

    signer = OidcSigner()
    text = "Jag intygar att uppgifterna i ansökan är riktiga."
    order = signer.start(
        text, person_civic_number="191212121212", end_user_ip="192.0.2.1", return_url="/klart/"
    )
    assert "prompt=login" in order.redirect_url
    # The provider received the hash of the text (OIDC Sweden signRequest, tbs_data).
    import base64

    tbs = base64.b64encode(bytes.fromhex(text_hash(text))).decode()
    assert tbs in requests.get(order.redirect_url, timeout=10).text
    assert signer.collect(order).status == "pending"

    response = back_to_rp(client, at_provider(order.redirect_url, "tolvan"))
    assert response.status_code == 302 and response["Location"] == "/klart/"
    status = signer.collect(order)
    assert status.status == "complete"
    c = status.completion
    assert (c.civic_number, c.given_name, c.loa) == ("191212121212", "Tolvan", LOA3)
    assert c.text_hash == text_hash(text)
    assert c.signature.count(".") == 2  # the provider's signed ID token (JWS)
    # The same answer cannot be used twice.
    assert back_to_rp(client, at_provider(order.redirect_url, "tolvan")).status_code == 400


def test_oidc_signer_refuses_another_persons_eid(client, eleg_settings):
    from sambruk.core.accounts.eleg.signing import OidcSigner

    signer = OidcSigner()
    order = signer.start("Text", person_civic_number="191212121212", end_user_ip="192.0.2.1")
    back_to_rp(client, at_provider(order.redirect_url, "samordnare"))
    status = signer.collect(order)
    assert status.status == "failed"
    assert "annan persons e-legitimation" in status.message
