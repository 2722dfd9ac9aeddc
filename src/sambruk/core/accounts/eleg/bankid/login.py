"""Log in with BankID directly (RP API v6), for kommuner with their own BankID contract.

``/konto/e-legitimation/bankid/``: the citizen starts an auth order (``endUserIp`` is the
client address), the waiting page shows the animated QR code and the autostart link and
polls collect every 2 seconds with htmx (no inline script). When the order completes the
citizen is logged in by the same helper as the OIDC path
(:func:`sambruk.core.accounts.eleg.views.finish_login`). Without JavaScript the
"Fortsätt" link collects once per click.
"""

from __future__ import annotations

import contextlib
import time

from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from .. import conf
from ..oidc import Identity
from ..signing import BANKID_LOA, Signer
from ..views import NEXT_KEY, finish_login, safe_next
from . import messages
from .client import BankIDClient, BankIDError

SESSION_ORDER = "eleg_bankid_login"
PURPOSE = "login"


def login_order_for(request, order_ref: str) -> dict | None:
    """The pending BankID log-in order of this browser session, or ``None``."""
    if not order_ref or request.session.get(SESSION_ORDER) != order_ref:
        return None
    data = Signer._load(order_ref)
    if data is None or data.get("purpose") != PURPOSE:
        return None
    return data


def _enabled():
    if not conf.bankid_login_enabled():
        raise Http404


def _wait_context(request, order_ref: str, data: dict, message: str = "", failed=False) -> dict:
    return {
        "order_ref": order_ref,
        "auto_start_token": data.get("auto_start_token", "") if not failed else "",
        "qr_url": reverse("accounts:eleg:bankid_qr", args=[order_ref]),
        "collect_url": reverse("accounts:eleg:bankid_collect"),
        "message": message or messages.message_for("pending", "outstandingTransaction"),
        "failed": failed,
        "retry_url": reverse("accounts:eleg:bankid_login"),
    }


@never_cache
def start(request):
    """GET: the start page. POST: start an auth order and go to the waiting page."""
    _enabled()
    next_url = safe_next(request, request.POST.get("next") or request.GET.get("next"))
    if request.method != "POST":
        return render(request, "accounts/eleg/bankid_start.html", {"next": next_url})
    try:
        order = BankIDClient().auth(end_user_ip=request.META.get("REMOTE_ADDR", ""))
    except (BankIDError, ValueError) as exc:
        message = getattr(exc, "user_message", "") or messages.error_message("invalidParameters")
        return render(
            request,
            "accounts/eleg/bankid_start.html",
            {"next": next_url, "error": message},
            status=503,
        )
    Signer._save(
        order.order_ref,
        {
            "method": "bankid",
            "purpose": PURPOSE,
            "qr_start_token": order.qr_start_token,
            "qr_start_secret": order.qr_start_secret,
            "auto_start_token": order.auto_start_token,
            "started_at": time.time(),
        },
    )
    request.session[SESSION_ORDER] = order.order_ref
    request.session[NEXT_KEY] = next_url
    return redirect("accounts:eleg:bankid_wait")


@never_cache
def wait(request):
    _enabled()
    order_ref = request.session.get(SESSION_ORDER, "")
    data = login_order_for(request, order_ref)
    if data is None:
        return redirect("accounts:eleg:bankid_login")
    return render(
        request, "accounts/eleg/bankid_wait.html", _wait_context(request, order_ref, data)
    )


@never_cache
def collect(request):
    """One collect call: the status region (htmx) or the waiting page; on complete, log in."""
    _enabled()
    order_ref = request.session.get(SESSION_ORDER, "")
    data = login_order_for(request, order_ref)
    template = (
        "accounts/eleg/_bankid_status.html" if request.htmx else "accounts/eleg/bankid_wait.html"
    )
    if data is None:
        context = {"message": _("Inloggningen har avbrutits. Försök igen."), "failed": True}
        context["retry_url"] = reverse("accounts:eleg:bankid_login")
        return render(request, template, context, status=200 if request.htmx else 400)
    autostart = request.GET.get("autostart") == "1"
    try:
        result = BankIDClient().collect(order_ref)
    except BankIDError as exc:
        return _failed(request, template, order_ref, data, exc.user_message)
    if result.status == "pending":
        message = messages.message_for("pending", result.hint_code, autostart=autostart)
        return render(request, template, _wait_context(request, order_ref, data, message))
    if result.status == "failed":
        message = messages.message_for("failed", result.hint_code)
        return _failed(request, template, order_ref, data, message)
    user = result.completion.get("user", {})
    pnr = user.get("personalNumber", "")
    Signer._forget(order_ref)
    request.session.pop(SESSION_ORDER, None)
    identity = Identity(
        civic_number=pnr,
        coordination_number=len(pnr) == 12 and int(pnr[6:8]) > 60,
        given_name=user.get("givenName", ""),
        family_name=user.get("surname", ""),
        name=user.get("name", ""),
        loa=BANKID_LOA,
        subject=f"bankid:{pnr}",
        issuer="bankid",
    )
    return finish_login(request, identity, method="bankid")


def _failed(request, template, order_ref, data, message):
    Signer._forget(order_ref)
    request.session.pop(SESSION_ORDER, None)
    context = _wait_context(request, order_ref, data, message, failed=True)
    return render(request, template, context, status=200 if request.htmx else 400)


@require_POST
def cancel(request):
    _enabled()
    order_ref = request.session.pop(SESSION_ORDER, "")
    data = Signer._load(order_ref) if order_ref else None
    if data is not None and data.get("purpose") == PURPOSE:
        with contextlib.suppress(BankIDError):  # already finished or expired at BankID
            BankIDClient().cancel(order_ref)
        Signer._forget(order_ref)
    return redirect(reverse("accounts:eleg:login"))
