"""Citizen pages for signing: the first signer, the co-applicant invitation and link, the
BankID waiting page. Shared helpers live in :mod:`.citizen`."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from ..engine import build_summary
from ..models import SignerRole, Signing
from ..services import signing as sign
from ..services import submissions as subs
from .citizen import SESSION_ORDER, _draft, _loa, _message, _render_summary, _urls, login_url


@never_cache
@require_http_methods(["GET", "POST"])
def sign_view(request, org, slug, token):
    """POST starts signing as the first signer; GET (the signer's return) completes it."""
    sub, refused = _draft(request, org, slug, token)
    if refused:
        return refused
    if not subs.is_citizen(request.user):
        return redirect(login_url(_urls(sub)["summary"]))
    if request.method == "POST":
        return _start_signing(request, sub, _urls(sub)["sign"] + "?klar=1")
    state = request.session.pop(SESSION_ORDER, None)
    if not state or state.get("submission") != sub.pk:
        return redirect(_urls(sub)["summary"])
    status, completion, message = sign.collect(
        state.get("order"), user=request.user, loa=_loa(request)
    )
    if status == "pending":
        return _waiting(request, sub, state, message, _urls(sub)["sign"] + "?klar=1")
    if status != "complete":
        return _render_summary(request, sub, message or _("Underskriften blev inte klar."))
    try:
        sign.do_record_signature(
            sub,
            actor=request.user,
            role=SignerRole.FIRST,
            completion=completion,
            expected_hash=state["hash"],
        )
        if sign.effective_signing(sub) == Signing.SINGLE:
            sub.refresh_from_db()
            sub = subs.do_submit(sub, actor=request.user, idempotency_key=sub.idempotency_key)
            return redirect(_urls(sub)["receipt"])
    except subs.SubmissionError as exc:
        return _render_summary(request, sub, exc.message)
    sub.refresh_from_db()
    messages.success(request, _("Du har skrivit under. Bjud nu in medsökande att skriva under."))
    return redirect(_urls(sub)["summary"])


def _start_signing(request, sub, return_url, invitation=None):
    try:
        started = sign.start(
            sub,
            user=request.user,
            role=SignerRole.SECOND if invitation else SignerRole.FIRST,
            ip=request.META.get("REMOTE_ADDR", ""),
            return_url=return_url,
        )
    except Exception as exc:  # noqa: BLE001 — the e-legitimation service's own errors
        message = getattr(exc, "message", "") or _("Underskriften kunde inte startas.")
        return _message(request, sub.eservice.display_name, str(message))
    request.session[SESSION_ORDER] = {
        "submission": sub.pk,
        "order": started["order"],
        "hash": started["hash"],
        "invitation": invitation.pk if invitation else None,
    }
    if started["order"] and started["order"].get("qr_url"):  # BankID on this device or QR
        return _waiting(request, sub, request.session[SESSION_ORDER], "", return_url)
    return HttpResponseRedirect(started["redirect"])


def _waiting(request, sub, state, message, continue_url):
    """BankID: the animated QR code / autostart link until the order completes.

    The page polls the order's status (``accounts/bankid-qr.js``) and, once it is complete,
    submits the "continue" form: a GET of ``continue_url`` with ``klar=1``, which collects
    the completed order and records the signature."""
    request.session[SESSION_ORDER] = state
    order = state.get("order") or {}
    return render(
        request,
        "eforms/citizen/sign_wait.html",
        {
            "eservice": sub.eservice,
            "order": order,
            "message": message,
            "continue_path": continue_url.split("?", 1)[0],
        },
    )


@require_http_methods(["POST"])
def invite_view(request, org, slug, token):
    sub, refused = _draft(request, org, slug, token)
    if refused:
        return refused
    if not subs.is_citizen(request.user):
        return redirect(login_url(_urls(sub)["summary"]))
    try:
        sign.do_invite_second_signer(
            sub,
            actor=request.user,
            email=request.POST.get("email", ""),
            civic_number=request.POST.get("civic_number", ""),
        )
    except subs.SubmissionError as exc:
        return _render_summary(request, sub, exc.message)
    messages.success(
        request, _("Inbjudan är skickad. Ansökan skickas in när medsökande har skrivit under.")
    )
    return redirect(_urls(sub)["summary"])


# --- the co-applicant ------------------------------------------------------------------------
@never_cache
@require_http_methods(["GET", "POST"])
def cosign_view(request, token):
    invitation = sign.find_invitation(token)
    problem = sign.invitation_problem(invitation)
    if problem:
        return _message(request, _("Underskrift som medsökande"), problem, status=410)
    sub = invitation.submission
    if not subs.is_citizen(request.user):
        return redirect(login_url(request.path))
    problem = sign.invitation_problem(invitation, request.user)
    if problem:
        return _message(request, _("Underskrift som medsökande"), problem, status=403)
    if request.method == "POST":
        return _start_signing(
            request,
            sub,
            reverse("eforms:cosign", args=[token]) + "?klar=1",
            invitation=invitation,
        )
    error = ""
    state = request.session.get(SESSION_ORDER)
    if request.GET.get("klar") and state and state.get("invitation") == invitation.pk:
        request.session.pop(SESSION_ORDER, None)
        status, completion, message = sign.collect(
            state.get("order"), user=request.user, loa=_loa(request)
        )
        if status == "pending":
            return _waiting(request, sub, state, message, request.get_full_path())
        if status == "complete":
            try:
                sign.do_second_signature(
                    invitation,
                    actor=request.user,
                    completion=completion,
                    expected_hash=state["hash"],
                )
            except subs.SubmissionError as exc:
                error = exc.message
            else:
                return render(request, "eforms/citizen/cosigned.html", {"eservice": sub.eservice})
        else:
            error = message or _("Underskriften blev inte klar.")
    return render(
        request,
        "eforms/citizen/cosign.html",
        {
            "invitation": invitation,
            "sub": sub,
            "eservice": sub.eservice,
            "sections": build_summary(sub.form_version.schema, sub.data, language=sub.language),
            "files": list(sub.files.all()),
            "first": sub.signatures.filter(role=SignerRole.FIRST).first(),
            "error": error,
        },
        status=400 if error else 200,
    )
