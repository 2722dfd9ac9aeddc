"""The signing interface for e-services: one :class:`Signer` API, three implementations.

    signer = get_signer()                       # per settings.ELEG_SIGNER
    order = signer.start(text, person_civic_number=pnr, end_user_ip=ip, return_url=url)
    # OIDC: send the browser to order.redirect_url; BankID: show order.qr_url / autostart
    status = signer.collect(order)              # pending | complete | failed (+ message)
    status.completion                           # civic number, names, LoA, signature, time
    signer.cancel(order)

The order state lives in the cache (shared by all processes when ``REDIS_URL`` is set), so
``collect`` works from any request. A completion is only accepted for the civic number the
order was started for.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import json
import secrets
import time
from abc import ABC, abstractmethod
from dataclasses import asdict, dataclass

import requests
from authlib.common.errors import AuthlibBaseError
from django.conf import settings
from django.core.cache import cache
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from joserfc.errors import JoseError

from . import conf, oidc
from .bankid.client import BankIDClient, BankIDError
from .oidc import ElegError

CACHE_PREFIX = "eleg:sign:"
ORDER_TTL_SECONDS = 15 * 60
SIGN_REQUEST_PARAM = "https://id.oidc.se/param/signRequest"
BANKID_LOA = "http://id.elegnamnden.se/loa/1.0/loa3"


def text_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass
class SignOrder:
    ref: str
    method: str
    text_hash: str
    person_civic_number: str
    redirect_url: str = ""  # OIDC: send the browser here
    auto_start_token: str = ""  # BankID: bankid:///?autostarttoken=…
    qr_url: str = ""  # BankID: the animated QR code (SVG), refreshed each second
    status_url: str = ""  # BankID: JSON status for the page's poller


@dataclass
class Completion:
    civic_number: str
    given_name: str
    family_name: str
    loa: str
    signature: str
    signed_at: str  # ISO 8601
    text_hash: str
    method: str


@dataclass
class SignStatus:
    status: str  # pending | complete | failed
    message: str = ""
    completion: Completion | None = None
    hint_code: str = ""


class Signer(ABC):
    method = ""

    @abstractmethod
    def start(
        self,
        user_visible_text: str,
        *,
        person_civic_number: str,
        end_user_ip: str,
        return_url: str = "/",
    ) -> SignOrder: ...

    @abstractmethod
    def collect(self, order: SignOrder) -> SignStatus: ...

    @abstractmethod
    def cancel(self, order: SignOrder) -> None: ...

    # --- shared order storage --------------------------------------------------------------
    @staticmethod
    def _save(ref: str, data: dict) -> None:
        cache.set(CACHE_PREFIX + ref, data, ORDER_TTL_SECONDS)

    @staticmethod
    def _load(ref: str) -> dict | None:
        return cache.get(CACHE_PREFIX + ref)

    @staticmethod
    def _forget(ref: str) -> None:
        cache.delete(CACHE_PREFIX + ref)


def load_order_data(ref: str) -> dict | None:
    return Signer._load(ref)


def _failed(message: str) -> SignStatus:
    return SignStatus(status="failed", message=message)


def _wrong_person() -> str:
    return _(
        "Underskriften gjordes med en annan persons e-legitimation än den som ska skriva "
        "under. Underskriften har inte godkänts."
    )


# --- OIDC: sign by re-authenticating ----------------------------------------------------------
class OidcSigner(Signer):
    """Signing as a fresh authentication (``prompt=login``) at the OIDC provider/broker.

    The hash of the text is sent in the OIDC Sweden ``signRequest`` parameter (``tbs_data``,
    with the text as the sign message) and recorded in the completion; the signature is the
    provider's signed ID token.
    """

    method = "oidc"

    def start(self, user_visible_text, *, person_civic_number, end_user_ip, return_url="/"):
        app = oidc.client()
        digest = text_hash(user_visible_text)
        sign_request = {
            "tbs_data": base64.b64encode(bytes.fromhex(digest)).decode("ascii"),
            "sign_message": {
                "message": base64.b64encode(user_visible_text.encode("utf-8")).decode("ascii"),
                "mime_type": "text/plain",
            },
        }
        redirect_uri = settings.SITE_URL.rstrip("/") + reverse("accounts:eleg:callback")
        try:
            oidc.metadata(app)
            rv = app.create_authorization_url(
                redirect_uri,
                **oidc.authorization_params(
                    prompt="login", **{SIGN_REQUEST_PARAM: json.dumps(sign_request)}
                ),
            )
        except (AuthlibBaseError, requests.RequestException) as exc:
            raise ElegError(
                _("Tjänsten för e-legitimation svarar inte just nu. Försök igen om en stund."),
                reason=str(exc),
            ) from exc
        state = rv["state"]
        self._save(
            state,
            {
                "method": self.method,
                "state": state,
                "nonce": rv["nonce"],
                "code_verifier": rv["code_verifier"],
                "redirect_uri": redirect_uri,
                "text_hash": digest,
                "civic_number": person_civic_number,
                "return_url": return_url,
                "status": "pending",
            },
        )
        return SignOrder(
            ref=state,
            method=self.method,
            text_hash=digest,
            person_civic_number=person_civic_number,
            redirect_url=rv["url"],
        )

    @classmethod
    def owns_state(cls, state: str) -> bool:
        data = cls._load(state) if state else None
        return bool(data and data.get("method") == cls.method)

    @classmethod
    def callback(cls, request):
        """The provider's answer to a sign request (called from the shared callback view)."""
        state = request.GET.get("state", "")
        data = cls._load(state)
        if data is None or data.get("status") != "pending":
            return _refused(request, _("Underskriften har redan hanterats eller har gått ut."))
        result = cls._complete(request, data)
        data.update(result)
        cls._save(state, data)
        return redirect(data["return_url"])

    @staticmethod
    def _complete(request, data: dict) -> dict:
        if request.GET.get("error"):
            return {"status": "failed", "message": _("Underskriften avbröts.")}
        app = oidc.client()
        try:
            token = app.fetch_access_token(
                redirect_uri=data["redirect_uri"],
                code=request.GET.get("code", ""),
                code_verifier=data["code_verifier"],
            )
            token["userinfo"] = app.parse_id_token(token, nonce=data["nonce"])
            identity = oidc.identity_from_token(app, token)
        except ElegError as exc:
            return {"status": "failed", "message": exc.message}
        except (AuthlibBaseError, JoseError, requests.RequestException, ValueError):
            return {"status": "failed", "message": _("Underskriften kunde inte bekräftas.")}
        if identity.civic_number != data["civic_number"]:
            return {"status": "failed", "message": _wrong_person()}
        completion = Completion(
            civic_number=identity.civic_number,
            given_name=identity.given_name,
            family_name=identity.family_name,
            loa=identity.loa,
            signature=identity.id_token,
            signed_at=timezone.now().isoformat(),
            text_hash=data["text_hash"],
            method="oidc",
        )
        return {"status": "complete", "completion": asdict(completion)}

    def collect(self, order):
        data = self._load(order.ref)
        if data is None:
            return _failed(_("Underskriften har gått ut. Börja om."))
        if data["status"] == "complete":
            return SignStatus(status="complete", completion=Completion(**data["completion"]))
        if data["status"] == "failed":
            return _failed(data.get("message", ""))
        return SignStatus(status="pending", message=_("Väntar på underskrift."))

    def cancel(self, order):
        self._forget(order.ref)


def _refused(request, message: str):
    return render(
        request,
        "accounts/eleg/refused.html",
        {"message": message, "retry_url": "/"},
        status=400,
    )


# --- BankID RP API v6 directly ----------------------------------------------------------------
class BankIDSigner(Signer):
    method = "bankid"

    def __init__(self, client: BankIDClient | None = None):
        self.client = client or BankIDClient()

    def start(self, user_visible_text, *, person_civic_number, end_user_ip, return_url="/"):
        digest = text_hash(user_visible_text)
        order = self.client.sign(
            end_user_ip=end_user_ip,
            user_visible_data=user_visible_text,
            user_non_visible_data=bytes.fromhex(digest),
            requirement={"personalNumber": person_civic_number},
        )
        self._save(
            order.order_ref,
            {
                "method": self.method,
                "qr_start_token": order.qr_start_token,
                "qr_start_secret": order.qr_start_secret,
                "started_at": time.time(),
                "civic_number": person_civic_number,
                "text_hash": digest,
            },
        )
        return SignOrder(
            ref=order.order_ref,
            method=self.method,
            text_hash=digest,
            person_civic_number=person_civic_number,
            auto_start_token=order.auto_start_token,
            qr_url=reverse("accounts:eleg:bankid_qr", args=[order.order_ref]),
            status_url=reverse("accounts:eleg:bankid_status", args=[order.order_ref]),
        )

    def collect(self, order):
        data = self._load(order.ref)
        if data and data.get("completion"):
            return SignStatus(status="complete", completion=Completion(**data["completion"]))
        try:
            result = self.client.collect(order.ref)
        except BankIDError as exc:
            return _failed(exc.user_message)
        if result.status == "pending":
            return SignStatus(
                status="pending", message=result.user_message, hint_code=result.hint_code
            )
        if result.status == "failed":
            self._forget(order.ref)
            return SignStatus(
                status="failed", message=result.user_message, hint_code=result.hint_code
            )
        user = result.completion.get("user", {})
        if user.get("personalNumber") != order.person_civic_number:
            return _failed(_wrong_person())
        completion = Completion(
            civic_number=user.get("personalNumber", ""),
            given_name=user.get("givenName", ""),
            family_name=user.get("surname", ""),
            loa=BANKID_LOA,
            signature=result.completion.get("signature", ""),
            signed_at=timezone.now().isoformat(),
            text_hash=order.text_hash,
            method=self.method,
        )
        if data is not None:
            # Kept until the order expires, so the page poller and the e-service both see it.
            data["completion"] = asdict(completion)
            self._save(order.ref, data)
        return SignStatus(status="complete", completion=completion)

    def cancel(self, order):
        try:
            self.client.cancel(order.ref)
        finally:
            self._forget(order.ref)


# --- demo mode ---------------------------------------------------------------------------------
class DemoSigner(Signer):
    """Signs at once as the demo person, LoA ``test``. Refuses to exist outside demo mode."""

    method = "demo"

    def __init__(self):
        if not conf.demo_login_enabled():
            raise ElegError(
                _("Testunderskrift finns bara i demoläget."), reason="demo signer outside demo"
            )

    def start(self, user_visible_text, *, person_civic_number, end_user_ip, return_url="/"):
        ref = secrets.token_urlsafe(16)
        digest = text_hash(user_visible_text)
        self._save(ref, {"method": self.method, "status": "pending"})
        return SignOrder(
            ref=ref,
            method=self.method,
            text_hash=digest,
            person_civic_number=person_civic_number,
            redirect_url=return_url,
        )

    def collect(self, order):
        from ..demo import DEMO_PERSONS

        if self._load(order.ref) is None:
            return _failed(_("Underskriften har gått ut. Börja om."))
        names = {p[0]: (p[1], p[2]) for p in DEMO_PERSONS}
        given, family = names.get(order.person_civic_number, ("", ""))
        signature = hmac.new(
            settings.SECRET_KEY.encode(),
            f"{order.person_civic_number}:{order.text_hash}".encode(),
            hashlib.sha256,
        ).hexdigest()
        self._forget(order.ref)
        return SignStatus(
            status="complete",
            completion=Completion(
                civic_number=order.person_civic_number,
                given_name=given,
                family_name=family,
                loa=conf.TEST_LOA,
                signature=f"TEST-{signature}",
                signed_at=dt.datetime.now(dt.UTC).isoformat(),
                text_hash=order.text_hash,
                method=self.method,
            ),
        )

    def cancel(self, order):
        self._forget(order.ref)


SIGNERS = {"oidc": OidcSigner, "bankid": BankIDSigner, "demo": DemoSigner}


def get_signer(name: str | None = None) -> Signer:
    """The configured signer (``ELEG_SIGNER``: oidc, bankid or demo; default oidc, or demo
    in demo mode when no OIDC provider is configured)."""
    name = name or getattr(settings, "ELEG_SIGNER", "")
    if not name:
        name = "demo" if conf.demo_login_enabled() and not conf.oidc_configured() else "oidc"
    return SIGNERS[name]()


__all__ = [
    "BankIDSigner",
    "Completion",
    "DemoSigner",
    "OidcSigner",
    "SignOrder",
    "SignStatus",
    "Signer",
    "get_signer",
]
