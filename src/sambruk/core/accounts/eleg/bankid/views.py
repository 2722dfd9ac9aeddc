"""The animated QR code and the status poll of a BankID order (signing and log-in)."""

from __future__ import annotations

import time

from django.http import Http404, HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache

from ..signing import BankIDSigner, SignOrder, load_order_data
from . import qr


def _order_for(request, order_ref: str) -> dict:
    from .login import login_order_for  # the QR code of a log-in order (no user yet)

    login_order = login_order_for(request, order_ref)
    if login_order is not None:
        return login_order
    data = load_order_data(order_ref)
    user = request.user
    if (
        data is None
        or data.get("method") != "bankid"
        or not user.is_authenticated
        or user.civic_number != data.get("civic_number")
    ):
        raise Http404
    return data


@never_cache
def qr_svg_view(request, order_ref: str):
    data = _order_for(request, order_ref)
    seconds = int(time.time() - data["started_at"])
    svg = qr.qr_svg(qr.qr_data(data["qr_start_token"], data["qr_start_secret"], seconds))
    return HttpResponse(svg, content_type="image/svg+xml")


@never_cache
def status(request, order_ref: str):
    data = _order_for(request, order_ref)
    order = SignOrder(
        ref=order_ref,
        method="bankid",
        text_hash=data["text_hash"],
        person_civic_number=data["civic_number"],
    )
    result = BankIDSigner().collect(order)
    return JsonResponse(
        {"status": result.status, "message": result.message, "hint_code": result.hint_code}
    )
