"""Citizen sessions: the log-in service, idle timeout, "logga ut överallt" and the LoA.

The e-service code reads the level of assurance with :func:`eleg_loa` (or
``request.eleg_loa``, set by :class:`CitizenSessionMiddleware`) and the OIDC subject and
issuer with :func:`eleg_subject`.
"""

from __future__ import annotations

import secrets
import time

from django.contrib import messages
from django.contrib.auth import login, logout
from django.db import transaction
from django.db.models import F
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import Resolver404, resolve, reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from sambruk.core.audit.models import AuditAction
from sambruk.core.audit.services import record
from sambruk.core.persons.services import get_or_create_person

from ..models import User, UserKind
from . import conf
from .oidc import Identity

SESSION_LOA = "eleg_loa"
SESSION_SUBJECT = "eleg_sub"
SESSION_ISSUER = "eleg_iss"
SESSION_METHOD = "eleg_method"
SESSION_EPOCH = "eleg_epoch"
SESSION_LAST_SEEN = "eleg_last_seen"
LAST_SEEN_RESOLUTION = 10  # seconds: the idle clock is restarted at most this often
BACKEND = "django.contrib.auth.backends.ModelBackend"
CITIZEN_EMAIL_DOMAIN = "e-legitimation.invalid"


def do_citizen_login(request, identity: Identity, *, method: str) -> User:
    """Create or update the citizen user for ``identity``, register the person, log in.

    ``method`` is ``"oidc"`` or ``"test"`` (the demo test login). One transaction; the
    ``login`` audit event carries the method and level of assurance.
    """
    with transaction.atomic():
        user = (
            User.objects.select_for_update()
            .filter(kind=UserKind.CITIZEN, civic_number=identity.civic_number)
            .first()
        )
        if user is None:
            user = User.objects.create_user(
                email=f"invanare-{secrets.token_hex(8)}@{CITIZEN_EMAIL_DOMAIN}",
                password=None,
                kind=UserKind.CITIZEN,
                civic_number=identity.civic_number,
                full_name=identity.full_name,
                last_loa=identity.loa,
            )
        else:
            user.full_name = identity.full_name or user.full_name
            user.last_loa = identity.loa
            user.save(update_fields=["full_name", "last_loa"])
        if not user.is_active:
            return None
        person, _created = get_or_create_person(
            actor=user,
            civic_number=identity.civic_number,
            given_name=identity.given_name,
            family_name=identity.family_name,
        )
        # Django's user_logged_in receiver (accounts/signals.py) writes the one "login"
        # event and reads how the citizen was identified from the request.
        request.eleg_login_audit = {
            "person": person,
            "purpose": "e-legitimation",
            "changes": {"method": method, "loa": identity.loa, "issuer": identity.issuer},
        }
        try:
            login(request, user, backend=BACKEND)
        finally:
            del request.eleg_login_audit
    session = request.session
    session[SESSION_LOA] = identity.loa
    session[SESSION_SUBJECT] = identity.subject
    session[SESSION_ISSUER] = identity.issuer
    session[SESSION_METHOD] = method
    session[SESSION_EPOCH] = user.session_epoch
    session[SESSION_LAST_SEEN] = time.time()
    return user


def do_logout_everywhere(user: User, *, actor) -> None:
    """End every session of ``user`` (the middleware compares the session epoch)."""
    with transaction.atomic():
        User.objects.filter(pk=user.pk).update(session_epoch=F("session_epoch") + 1)
        record(
            AuditAction.LOGOUT,
            actor=actor,
            obj=user,
            changes={"everywhere": True},
        )
    user.refresh_from_db(fields=["session_epoch"])


def eleg_loa(request) -> str | None:
    """Level of assurance of the current citizen session (``"test"`` for the demo login)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or user.kind != UserKind.CITIZEN:
        return None
    return request.session.get(SESSION_LOA)


def eleg_subject(request) -> tuple[str, str] | None:
    """``(issuer, sub)`` of the OIDC login, or ``None``."""
    if eleg_loa(request) is None or not request.session.get(SESSION_SUBJECT):
        return None
    return request.session.get(SESSION_ISSUER, ""), request.session[SESSION_SUBJECT]


def seconds_left(request) -> int:
    last = request.session.get(SESSION_LAST_SEEN) or time.time()
    return max(0, int(conf.idle_timeout_seconds() - (time.time() - last)))


def login_url_with_next(request) -> str:
    target = request.get_full_path() if request.method == "GET" else _referer_path(request)
    url = reverse("accounts:eleg:login")
    return f"{url}?{urlencode({'next': target})}" if target else url


def _referer_path(request) -> str:
    from urllib.parse import urlsplit

    referer = urlsplit(request.META.get("HTTP_REFERER", ""))
    if referer.netloc and referer.netloc != request.get_host():
        return ""
    return referer.path + (f"?{referer.query}" if referer.query else "")


def keeps_input_on_expiry(view):
    """Mark a form view whose POST must reach it after the citizen's login went idle.

    :class:`CitizenSessionMiddleware` then logs the citizen out, sets
    ``request.eleg_session_expired = True`` and lets the POST through, so the view can save
    the page (to the draft) before it sends the citizen to the log-in page.
    """
    view.eleg_keeps_input_on_expiry = True
    return view


def _keeps_input(request) -> bool:
    if request.method != "POST" or _wants_json(request):
        return False
    try:
        match = resolve(request.path_info, getattr(request, "urlconf", None))
    except Resolver404:
        return False
    return getattr(match.func, "eleg_keeps_input_on_expiry", False)


class CitizenSessionMiddleware:
    """For citizen users: idle timeout, session epoch (logga ut överallt), ``request.eleg_loa``.

    An idle POST to a view marked with :func:`keeps_input_on_expiry` is let through logged
    out, with ``request.eleg_session_expired = True``. Place after
    ``AuthenticationMiddleware`` and ``MessageMiddleware``.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.eleg_loa = None
        request.eleg_session_expired = False
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.kind == UserKind.CITIZEN:
            session = request.session
            now = time.time()
            last = session.get(SESSION_LAST_SEEN)
            if session.get(SESSION_EPOCH) != user.session_epoch:
                return self._end(request, _("Du har loggats ut från alla enheter."))
            if last is None or now - last > conf.idle_timeout_seconds():
                if _keeps_input(request):
                    logout(request)
                    request.eleg_session_expired = True
                    return self.get_response(request)
                return self._end(
                    request,
                    _(
                        "Du har varit inaktiv en stund och har loggats ut för din säkerhet. "
                        "Logga in igen för att fortsätta där du var."
                    ),
                )
            if now - last >= LAST_SEEN_RESOLUTION:
                # Not on every request: a BankID waiting page loads its QR code every second,
                # and each touch is a session write.
                session[SESSION_LAST_SEEN] = now
            request.eleg_loa = session.get(SESSION_LOA)
            request.eleg_seconds_left = conf.idle_timeout_seconds()
            request.eleg_warning_seconds = min(
                conf.idle_warning_seconds(), conf.idle_timeout_seconds()
            )
        return self.get_response(request)

    def _end(self, request, message: str):
        target = login_url_with_next(request)
        logout(request)
        if _wants_json(request):
            return JsonResponse({"detail": message, "login_url": target}, status=401)
        messages.info(request, message)
        return redirect(target)


def _wants_json(request) -> bool:
    return request.headers.get("HX-Request") == "true" or "application/json" in request.headers.get(
        "Accept", ""
    )
