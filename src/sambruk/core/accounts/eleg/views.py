"""Citizen log-in pages: choice, OIDC start and callback, demo test login, session ping."""

from __future__ import annotations

import logging

from django.contrib import messages
from django.contrib.auth import logout
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.http import require_POST

from ..demo import DEMO_PERSONS
from ..models import UserKind
from . import conf, oidc
from .oidc import ElegError, Identity
from .session import do_citizen_login, do_logout_everywhere, seconds_left

log = logging.getLogger(__name__)

NEXT_KEY = "eleg_next"


def safe_next(request, candidate: str | None) -> str:
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return "/"


def callback_uri(request) -> str:
    return request.build_absolute_uri(reverse("accounts:eleg:callback"))


@never_cache
def login_choice(request):
    """Log-in page for citizens: e-legitimation, and in demo mode the test login."""
    next_url = safe_next(request, request.GET.get("next"))
    return render(
        request,
        "accounts/eleg/login.html",
        {
            "next": next_url,
            "oidc_configured": conf.oidc_configured(),
            "demo_login": conf.demo_login_enabled(),
            "bankid_login": conf.bankid_login_enabled(),
        },
    )


@never_cache
def oidc_start(request):
    request.session[NEXT_KEY] = safe_next(request, request.GET.get("next"))
    try:
        return oidc.begin_login(request, callback_uri(request))
    except ElegError as exc:
        return _refused(request, exc, status=503)


@never_cache
def oidc_callback(request):
    from .signing import OidcSigner

    state = request.GET.get("state", "")
    if OidcSigner.owns_state(state):
        return OidcSigner.callback(request)
    try:
        identity = oidc.complete_login(request)
    except ElegError as exc:
        return _refused(request, exc)
    return finish_login(request, identity, method="oidc")


def finish_login(request, identity: Identity, *, method: str):
    """Log the identified citizen in and go to the page they came from (OIDC and BankID)."""
    user = do_citizen_login(request, identity, method=method)
    if user is None:
        return _refused(request, ElegError(_("Kontot är spärrat."), reason="inactive user"))
    target = request.session.pop(NEXT_KEY, "/")
    if request.htmx:
        response = HttpResponse(status=204)
        response["HX-Redirect"] = target
        return response
    return redirect(target)


def _refused(request, exc: ElegError, *, status: int = 400):
    log.info("E-legitimation refused: %s", exc.reason)
    return render(
        request,
        "accounts/eleg/refused.html",
        {"message": exc.message, "retry_url": reverse("accounts:eleg:login")},
        status=status,
    )


# --- demo test login ---------------------------------------------------------------------
def _demo_persons():
    return [
        {"civic_number": pnr, "given_name": given, "family_name": family, "index": i}
        for i, (pnr, given, family, *_rest) in enumerate(DEMO_PERSONS)
    ]


@never_cache
@csrf_protect
def test_login(request):
    """Test-legitimation: pick a demo person. Exists only in demo mode (404 otherwise)."""
    if not conf.demo_login_enabled():
        raise Http404
    persons = _demo_persons()
    next_url = safe_next(request, request.POST.get("next") or request.GET.get("next"))
    error = ""
    if request.method == "POST":
        try:
            chosen = persons[int(request.POST.get("person", ""))]
        except (ValueError, IndexError):
            error = _("Välj en testperson.")
        else:
            identity = Identity(
                civic_number=chosen["civic_number"],
                coordination_number=int(chosen["civic_number"][6:8]) > 60,
                given_name=chosen["given_name"],
                family_name=chosen["family_name"],
                name=f"{chosen['given_name']} {chosen['family_name']}",
                loa=conf.TEST_LOA,
                subject=f"test:{chosen['civic_number']}",
                issuer="test",
            )
            do_citizen_login(request, identity, method="test")
            return redirect(next_url)
    return render(
        request,
        "accounts/eleg/test_login.html",
        {"persons": persons, "next": next_url, "error": error},
        status=400 if error else 200,
    )


# --- session -----------------------------------------------------------------------------
@never_cache
def session_status(request):
    """The citizen's log-in: name, level of assurance, "Logga ut på alla enheter"."""
    if not request.user.is_authenticated or request.user.kind != UserKind.CITIZEN:
        return redirect(f"{reverse('accounts:eleg:login')}?next={request.path}")
    return render(request, "accounts/eleg/session_status.html")


@require_POST
def ping(request):
    """Extend the citizen session (the timeout dialog's "Fortsätt vara inloggad")."""
    if not request.user.is_authenticated:
        return JsonResponse({"detail": _("Du är inte inloggad.")}, status=401)
    return JsonResponse({"seconds_left": seconds_left(request)})


@require_POST
def logout_everywhere(request):
    if not request.user.is_authenticated or request.user.kind != UserKind.CITIZEN:
        return redirect("accounts:eleg:login")
    do_logout_everywhere(request.user, actor=request.user)
    logout(request)
    messages.info(request, _("Du är utloggad på alla enheter."))
    return redirect("web:start")
