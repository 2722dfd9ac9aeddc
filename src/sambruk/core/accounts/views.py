"""Staff login: e-mail + password, then a second factor (TOTP, django-otp)."""

from __future__ import annotations

import base64
import io

from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.http import require_POST
from django_otp import devices_for_user, match_token
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from .forms import LoginForm, OTPForm

NEXT_SESSION_KEY = "sambruk_login_next"


def _safe_next(request, candidate: str | None) -> str:
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return "/"


@never_cache
@csrf_protect
def login_view(request):
    if request.user.is_authenticated and request.user.is_verified():
        return redirect(_safe_next(request, request.GET.get("next")))
    form = LoginForm(request, data=request.POST or None)
    if request.method == "POST" and form.is_valid():
        login(request, form.user)
        request.session[NEXT_SESSION_KEY] = _safe_next(request, request.POST.get("next"))
        return redirect("accounts:otp")
    return render(
        request, "accounts/login.html", {"form": form, "next": request.GET.get("next", "")}
    )


@never_cache
@csrf_protect
@login_required
def otp_view(request):
    """Second step. Users without a confirmed device are sent to enrolment."""
    user = request.user
    if request.GET.get("next"):
        request.session[NEXT_SESSION_KEY] = _safe_next(request, request.GET["next"])
    if user.is_verified():
        return redirect(request.session.pop(NEXT_SESSION_KEY, "/"))
    if not any(True for _d in devices_for_user(user, confirmed=True)):
        return redirect("accounts:otp_setup")
    form = OTPForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = match_token(user, form.cleaned_data["token"])
        if device is not None:
            otp_login(request, device)
            return redirect(request.session.pop(NEXT_SESSION_KEY, "/"))
        form.add_error(
            "token",
            _("Koden stämmer inte eller har gått ut. Vänta på en ny kod och försök igen."),
        )
    return render(request, "accounts/otp.html", {"form": form})


@never_cache
@csrf_protect
@login_required
def otp_setup_view(request):
    """Enrol a TOTP device: show the key and QR code, confirm with a first code."""
    user = request.user
    if any(True for _d in devices_for_user(user, confirmed=True)):
        return redirect("accounts:otp")
    device, _created = TOTPDevice.objects.get_or_create(
        user=user, confirmed=False, defaults={"name": _("Autentiseringsapp")}
    )
    form = OTPForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"]):
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            otp_login(request, device)
            messages.success(request, _("Tvåstegsverifieringen är aktiverad."))
            return redirect(request.session.pop(NEXT_SESSION_KEY, "/"))
        form.add_error(
            "token", _("Koden stämmer inte. Kontrollera att klockan i telefonen går rätt.")
        )
    secret = base64.b32encode(device.bin_key).decode()
    return render(
        request,
        "accounts/otp_setup.html",
        {"form": form, "secret": secret, "qr_svg": _qr_svg(device.config_url)},
    )


def _qr_svg(data: str) -> str:
    import qrcode
    import qrcode.image.svg

    img = qrcode.make(data, image_factory=qrcode.image.svg.SvgPathImage)
    buf = io.BytesIO()
    img.save(buf)
    return buf.getvalue().decode()


@require_POST
def logout_view(request):
    logout(request)
    messages.info(request, _("Du är utloggad."))
    return redirect("web:start")
