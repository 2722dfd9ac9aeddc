"""The OpenID Connect relying party (Authlib): authorization code + PKCE (S256), state, nonce.

``begin_login`` stores state, nonce and the PKCE verifier in the session (Authlib's Django
integration) and redirects to the provider; ``complete_login`` exchanges the code, validates
the ID token (signature against the provider's JWKS, ``iss``, ``aud``, ``exp``, ``nonce``,
``at_hash``) and returns the identity read from the Swedish OIDC claims.

Signing by re-authentication (:class:`~.signing.OidcSigner`) uses the same client without
the browser session: its flow state lives in the cache under the ``state`` value.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass

import requests
from authlib.common.errors import AuthlibBaseError
from authlib.integrations.django_client import OAuth
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from joserfc.errors import JoseError

from sambruk.core.persons.personnummer import Personnummer

from . import conf

log = logging.getLogger(__name__)

_apps: dict[tuple, object] = {}
_apps_lock = threading.Lock()


class ElegError(Exception):
    """A refused or failed e-legitimation; ``message`` is for the citizen (Swedish)."""

    def __init__(self, message: str, *, reason: str = ""):
        super().__init__(reason or message)
        self.message = message
        self.reason = reason


@dataclass(frozen=True)
class Identity:
    """Who the provider says logged in."""

    civic_number: str  # 12 digits
    coordination_number: bool
    given_name: str
    family_name: str
    name: str
    loa: str
    subject: str
    issuer: str
    id_token: str = ""

    @property
    def full_name(self) -> str:
        return self.name or f"{self.given_name} {self.family_name}".strip()


def client():
    """The Authlib client for the configured provider (metadata and JWKS cached per config)."""
    if not conf.oidc_configured():
        raise ElegError(
            _("Inloggning med e-legitimation är inte konfigurerad på den här webbplatsen."),
            reason="not configured",
        )
    key = (conf.oidc_issuer(), conf.oidc_client_id(), conf.oidc_client_secret(), conf.oidc_scopes())
    with _apps_lock:
        app = _apps.get(key)
        if app is None:
            oauth = OAuth()
            app = oauth.register(
                name="eleg",
                client_id=key[1],
                client_secret=key[2],
                server_metadata_url=f"{key[0]}/.well-known/openid-configuration",
                client_kwargs={
                    "scope": key[3],
                    "code_challenge_method": "S256",
                    "timeout": 10,
                },
            )
            _apps[key] = app
    return app


def metadata(app) -> dict:
    data = app.load_server_metadata()
    if data.get("issuer", "").rstrip("/") != conf.oidc_issuer():
        raise ElegError(_fail_message(), reason="issuer in discovery does not match")
    return data


def authorization_params(**extra) -> dict:
    params = dict(extra)
    if conf.oidc_acr_values() and "acr_values" not in params:
        params["acr_values"] = conf.oidc_acr_values()
    return params


def begin_login(request, redirect_uri: str, **extra):
    """Redirect response to the provider; state/nonce/verifier saved in the session."""
    app = client()
    try:
        metadata(app)
        return app.authorize_redirect(request, redirect_uri, **authorization_params(**extra))
    except (AuthlibBaseError, requests.RequestException) as exc:
        log.warning("OIDC discovery failed: %s", exc)
        raise ElegError(_unavailable_message(), reason=str(exc)) from exc


def complete_login(request) -> Identity:
    """Validate the callback of a login started with :func:`begin_login`."""
    error = request.GET.get("error")
    if error:
        raise ElegError(_provider_error_message(error), reason=f"provider error {error}")
    app = client()
    state = request.GET.get("state", "")
    if not state or app.framework.get_state_data(request.session, state) is None:
        raise ElegError(
            _(
                "Inloggningen kunde inte slutföras: svaret hör inte till en inloggning som "
                "startades här, eller så har det redan använts. Börja om inloggningen."
            ),
            reason="unknown or reused state",
        )
    try:
        metadata(app)
        token = app.authorize_access_token(request)
    except (AuthlibBaseError, JoseError, requests.RequestException, ValueError) as exc:
        log.info("OIDC callback refused: %s", exc)
        raise ElegError(_fail_message(), reason=str(exc)) from exc
    return identity_from_token(app, token)


def identity_from_token(app, token: dict) -> Identity:
    """Read the identity from a validated token response (``token["userinfo"]`` = ID token)."""
    if "id_token" not in token or not token.get("userinfo"):
        raise ElegError(_fail_message(), reason="no id_token")
    claims = dict(token["userinfo"])
    if conf.CLAIM_PNR not in claims and conf.CLAIM_COORDINATION not in claims:
        claims.update(_userinfo_claims(app, token, claims["sub"]))
    return identity_from_claims(claims, issuer=conf.oidc_issuer(), id_token=token["id_token"])


def _userinfo_claims(app, token: dict, sub: str) -> dict:
    endpoint = app.load_server_metadata().get("userinfo_endpoint")
    if not endpoint:
        return {}
    try:
        data = dict(app.userinfo(token=token))
    except (AuthlibBaseError, requests.RequestException, ValueError) as exc:
        log.info("OIDC userinfo failed: %s", exc)
        return {}
    if data.get("sub") != sub:
        raise ElegError(_fail_message(), reason="userinfo sub differs from the ID token")
    return data


def identity_from_claims(claims: dict, *, issuer: str, id_token: str = "") -> Identity:
    """The Swedish OIDC claims (oidc-sweden Claims and Scopes 1.0) → :class:`Identity`."""
    raw = claims.get(conf.CLAIM_PNR)
    coordination = False
    if not raw:
        raw = claims.get(conf.CLAIM_COORDINATION)
        coordination = bool(raw)
    if not raw:
        raise ElegError(
            _(
                "E-legitimationen gav inget personnummer eller samordningsnummer. Du behöver "
                "en e-legitimation som är utfärdad på ett svenskt personnummer eller "
                "samordningsnummer för att logga in."
            ),
            reason="no civic number claim",
        )
    try:
        number = Personnummer.parse(str(raw))
    except ValidationError as exc:
        raise ElegError(
            _("E-legitimationen gav ett ogiltigt personnummer. Inloggningen avbröts."),
            reason=f"invalid civic number claim: {exc.messages}",
        ) from exc
    if len(str(raw)) != 12 or number.is_coordination_number != coordination:
        raise ElegError(
            _("E-legitimationen gav ett ogiltigt personnummer. Inloggningen avbröts."),
            reason="civic number claim of the wrong form",
        )
    loa = str(claims.get(conf.oidc_loa_claim()) or "")
    return Identity(
        civic_number=number.value,
        coordination_number=coordination,
        given_name=str(claims.get("given_name") or ""),
        family_name=str(claims.get("family_name") or ""),
        name=str(claims.get("name") or ""),
        loa=loa,
        subject=str(claims.get("sub") or ""),
        issuer=issuer,
        id_token=id_token,
    )


def _fail_message() -> str:
    return _(
        "Inloggningen med e-legitimation kunde inte bekräftas och har avbrutits. "
        "Börja om inloggningen. Kvarstår felet, kontakta kommunen."
    )


def _unavailable_message() -> str:
    return _("Tjänsten för e-legitimation svarar inte just nu. Försök igen om en stund.")


def _provider_error_message(error: str) -> str:
    if error == "access_denied":
        return _("Inloggningen avbröts. Du är inte inloggad.")
    return _fail_message()
