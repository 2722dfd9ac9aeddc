"""HTTP client for the BankID Relying Party API v6.0 (mutual TLS).

Base URL, client certificate/key and the CA of the BankID server come from settings
(``BANKID_BASE_URL``, ``BANKID_CLIENT_CERT``, ``BANKID_CLIENT_KEY``, ``BANKID_CA_CERT``);
tests pass them directly. ``endUserIp`` is required on ``/auth`` and ``/sign``; collect is
polled every :data:`POLL_INTERVAL_SECONDS` while the order is ``pending``.
"""

from __future__ import annotations

import base64
import time
from dataclasses import dataclass, field

import requests

from .. import conf
from . import messages
from .qr import qr_data

POLL_INTERVAL_SECONDS = 2.0


class BankIDError(Exception):
    """An error answer of the RP API (``errorCode``/``details``) or a transport failure."""

    def __init__(self, error_code: str, details: str = "", *, status: int = 0):
        super().__init__(f"{error_code}: {details}" if details else error_code)
        self.error_code = error_code
        self.details = details
        self.status = status

    @property
    def user_message(self) -> str:
        return messages.error_message(self.error_code)


@dataclass
class Order:
    order_ref: str
    auto_start_token: str
    qr_start_token: str
    qr_start_secret: str
    started_at: float = field(default_factory=time.monotonic)

    def qr_data(self, now: float | None = None) -> str:
        elapsed = (time.monotonic() if now is None else now) - self.started_at
        return qr_data(self.qr_start_token, self.qr_start_secret, int(elapsed))


@dataclass
class CollectResult:
    order_ref: str
    status: str  # pending | failed | complete
    hint_code: str = ""
    completion: dict = field(default_factory=dict)

    @property
    def user_message(self) -> str:
        return messages.message_for(self.status, self.hint_code)

    @property
    def personal_number(self) -> str:
        return self.completion.get("user", {}).get("personalNumber", "")


def _b64(text: str) -> str:
    return base64.b64encode(text.encode("utf-8")).decode("ascii")


class BankIDClient:
    def __init__(
        self,
        base_url: str | None = None,
        *,
        cert: tuple[str, str] | None = None,
        verify: str | bool | None = None,
        timeout: float = 10.0,
    ):
        self.base_url = (base_url or conf.bankid_base_url()).rstrip("/")
        self.session = requests.Session()
        self.session.cert = cert if cert is not None else conf.bankid_cert()
        self.session.verify = verify if verify is not None else conf.bankid_ca()
        self.timeout = timeout

    # --- endpoints -------------------------------------------------------------------------
    def auth(
        self,
        *,
        end_user_ip: str,
        user_visible_data: str = "",
        user_non_visible_data: bytes | None = None,
        requirement: dict | None = None,
        return_url: str = "",
    ) -> Order:
        body = self._order_body(
            end_user_ip, user_visible_data, user_non_visible_data, requirement, return_url
        )
        return self._order(self._post("/auth", body))

    def sign(
        self,
        *,
        end_user_ip: str,
        user_visible_data: str,
        user_non_visible_data: bytes | None = None,
        requirement: dict | None = None,
        return_url: str = "",
    ) -> Order:
        if not user_visible_data:
            raise ValueError("userVisibleData is required for /sign")
        body = self._order_body(
            end_user_ip, user_visible_data, user_non_visible_data, requirement, return_url
        )
        return self._order(self._post("/sign", body))

    def collect(self, order_ref: str) -> CollectResult:
        data = self._post("/collect", {"orderRef": order_ref})
        return CollectResult(
            order_ref=data["orderRef"],
            status=data["status"],
            hint_code=data.get("hintCode", ""),
            completion=data.get("completionData") or {},
        )

    def cancel(self, order_ref: str) -> None:
        self._post("/cancel", {"orderRef": order_ref})

    def wait_for_completion(
        self, order_ref: str, *, timeout: float = 180.0, interval: float = POLL_INTERVAL_SECONDS
    ) -> CollectResult:
        """Poll collect every ``interval`` seconds while pending (server-side use only)."""
        deadline = time.monotonic() + timeout
        while True:
            result = self.collect(order_ref)
            if result.status != "pending" or time.monotonic() >= deadline:
                return result
            time.sleep(interval)

    # --- helpers ---------------------------------------------------------------------------
    @staticmethod
    def _order_body(end_user_ip, visible, non_visible, requirement, return_url) -> dict:
        if not end_user_ip:
            raise ValueError("endUserIp is required")
        body: dict = {"endUserIp": end_user_ip}
        if visible:
            body["userVisibleData"] = _b64(visible)
        if non_visible:
            body["userNonVisibleData"] = base64.b64encode(non_visible).decode("ascii")
        if requirement:
            body["requirement"] = requirement
        if return_url:
            body["returnUrl"] = return_url
        return body

    @staticmethod
    def _order(data: dict) -> Order:
        return Order(
            order_ref=data["orderRef"],
            auto_start_token=data["autoStartToken"],
            qr_start_token=data["qrStartToken"],
            qr_start_secret=data["qrStartSecret"],
        )

    def _post(self, path: str, body: dict) -> dict:
        try:
            response = self.session.post(
                self.base_url + path,
                json=body,
                headers={"Content-Type": "application/json"},
                timeout=self.timeout,
            )
        except requests.RequestException as exc:
            raise BankIDError("requestFailed", str(exc)) from exc
        if response.status_code == 200:
            return response.json() if response.content else {}
        try:
            data = response.json()
        except ValueError:
            data = {}
        raise BankIDError(
            data.get("errorCode", f"http{response.status_code}"),
            data.get("details", ""),
            status=response.status_code,
        )
