"""A local simulator of the BankID Relying Party API v6.0 for the client tests.

A threaded HTTP server on 127.0.0.1 (plain HTTP; the client's mutual TLS settings are not
exercised here) with ``/rp/v6.0/auth``, ``/sign``, ``/collect`` and ``/cancel``. Each order
moves one step per collect call through a script of hintCodes, by default
``outstandingTransaction → userSign → complete``. A ``requirement.personalNumber`` picks
the user; the special numbers in :data:`SCRIPTS` select failure scripts.

Errors follow the API: 400 ``alreadyInProgress`` for a second order for the same personal
number while one is pending, 400 ``invalidParameters`` for a missing/invalid field or an
unknown orderRef, 404 for unknown paths.
"""

from __future__ import annotations

import base64
import json
import threading
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

TOLVAN = "191212121212"
USER_CANCELS = "198112189876"  # the user presses "Avbryt" in the app
EXPIRES = "200402292387"  # the order expires before the user acts

SCRIPTS = {
    USER_CANCELS: [("pending", "outstandingTransaction"), ("failed", "userCancel")],
    EXPIRES: [("pending", "outstandingTransaction"), ("failed", "expiredTransaction")],
}
DEFAULT_SCRIPT = [
    ("pending", "outstandingTransaction"),
    ("pending", "userSign"),
    ("complete", None),
]
NAMES = {TOLVAN: ("Tolvan", "Tolvansson")}


class Simulator:
    def __init__(self):
        self.orders: dict[str, dict] = {}
        self.requests: list[tuple[str, dict]] = []
        self.lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}/rp/v6.0"

    def start(self) -> Simulator:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    # --- API ---------------------------------------------------------------------------
    def handle(self, path: str, body: dict) -> tuple[int, dict]:
        self.requests.append((path, body))
        if path in ("/rp/v6.0/auth", "/rp/v6.0/sign"):
            return self._order(body, sign=path.endswith("sign"))
        if path == "/rp/v6.0/collect":
            return self._collect(body)
        if path == "/rp/v6.0/cancel":
            return self._cancel(body)
        return 404, {"errorCode": "notFound", "details": "No such endpoint"}

    def _order(self, body: dict, *, sign: bool) -> tuple[int, dict]:
        if not body.get("endUserIp"):
            return _invalid("endUserIp is required")
        if sign and not body.get("userVisibleData"):
            return _invalid("userVisibleData is required")
        for key in ("userVisibleData", "userNonVisibleData"):
            if key in body and not _is_base64(body[key]):
                return _invalid(f"{key} is not base64")
        pnr = (body.get("requirement") or {}).get("personalNumber") or TOLVAN
        with self.lock:
            for order in self.orders.values():
                if order["pnr"] == pnr and order["state"] == "pending":
                    order["state"] = "failed"
                    order["hint"] = "cancelled"
                    return 400, {
                        "errorCode": "alreadyInProgress",
                        "details": "Order already in progress for pno",
                    }
            ref = str(uuid.uuid4())
            self.orders[ref] = {
                "pnr": pnr,
                "state": "pending",
                "hint": None,
                "step": 0,
                "script": SCRIPTS.get(pnr, DEFAULT_SCRIPT),
                "sign": sign,
                "visible": body.get("userVisibleData", ""),
            }
        return 200, {
            "orderRef": ref,
            "autoStartToken": str(uuid.uuid4()),
            "qrStartToken": str(uuid.uuid4()),
            "qrStartSecret": str(uuid.uuid4()),
        }

    def _collect(self, body: dict) -> tuple[int, dict]:
        with self.lock:
            order = self.orders.get(body.get("orderRef", ""))
            if order is None:
                return _invalid("No such order")
            if order["state"] == "pending":
                state, hint = order["script"][min(order["step"], len(order["script"]) - 1)]
                order["step"] += 1
                order["state"], order["hint"] = state, hint
            answer = {"orderRef": body["orderRef"], "status": order["state"]}
            if order["state"] in ("pending", "failed"):
                answer["hintCode"] = order["hint"]
            if order["state"] == "complete":
                given, surname = NAMES.get(order["pnr"], ("Test", "Testsson"))
                signature = base64.b64encode(
                    f"<Signature>{order['visible']}</Signature>".encode()
                ).decode()
                answer["completionData"] = {
                    "user": {
                        "personalNumber": order["pnr"],
                        "name": f"{given} {surname}",
                        "givenName": given,
                        "surname": surname,
                    },
                    "device": {"ipAddress": "127.0.0.1", "uhi": "OZvYM9VvyiAmG7NA5jU5zRGcSx"},
                    "bankIdIssueDate": "2024-01-01Z",
                    "signature": signature,
                    "ocspResponse": base64.b64encode(b"ocsp").decode(),
                }
            return 200, answer

    def _cancel(self, body: dict) -> tuple[int, dict]:
        with self.lock:
            order = self.orders.get(body.get("orderRef", ""))
            if order is None:
                return _invalid("No such order")
            order["state"], order["hint"] = "failed", "cancelled"
        return 200, {}

    def _handler(self):
        simulator = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 (http.server API)
                length = int(self.headers.get("Content-Length") or 0)
                try:
                    body = json.loads(self.rfile.read(length) or b"{}")
                except ValueError:
                    status, answer = _invalid("Body is not JSON")
                else:
                    status, answer = simulator.handle(self.path, body)
                data = json.dumps(answer).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        return Handler


def _invalid(details: str) -> tuple[int, dict]:
    return 400, {"errorCode": "invalidParameters", "details": details}


def _is_base64(value: str) -> bool:
    try:
        base64.b64decode(value, validate=True)
    except ValueError:
        return False
    return True
