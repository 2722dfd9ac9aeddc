"""Citizen pages: catalogue, e-service page, one form page at a time, summary, signing,
receipt, and the co-applicant's invitation link."""

from __future__ import annotations

import contextlib

from django.contrib import messages
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.http import urlencode
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from sambruk.core.accounts.eleg.session import keeps_input_on_expiry

from .. import hooks
from ..definition import localise
from ..engine import build_summary
from ..models import EService, SignerRole, Signing, SubmissionStatus
from ..queries import catalogue, drafts_for
from ..rendering import render_error_summary, render_page
from ..services import receipts
from ..services import submissions as subs
from ..services.signing import effective_signing, submission_files

SESSION_ORDER = "eforms_sign_order"


def login_url(next_url: str) -> str:
    for name in ("accounts:eleg:login", "accounts:eleg:test"):
        try:
            return f"{reverse(name)}?{urlencode({'next': next_url})}"
        except NoReverseMatch:
            continue
    return f"{reverse('accounts:login')}?{urlencode({'next': next_url})}"


def _loa(request) -> str:
    return getattr(request, "eleg_loa", None) or request.session.get("eleg_loa") or ""


def _eservice(org: str, slug: str) -> EService:
    return get_object_or_404(
        EService.objects.select_related("organisation", "form_version"),
        organisation__slug=org,
        slug=slug,
    )


_DRAFT_URLS = ("summary", "sign", "invite", "receipt", "saved", "resume", "version")


class _DraftUrls(dict):
    """The draft's URLs by name, each reversed on first use (a page needs two or three)."""

    def __init__(self, sub):
        super().__init__()
        self.args = [sub.eservice.organisation.slug, sub.eservice.slug, sub.draft_token]

    def __missing__(self, name):
        if name not in _DRAFT_URLS:
            raise KeyError(name)
        url = self[name] = reverse(f"eforms:{name}", args=self.args)
        return url


def _urls(sub) -> dict:
    return _DraftUrls(sub)


def _page_url(sub, page: int) -> str:
    args = [sub.eservice.organisation.slug, sub.eservice.slug, sub.draft_token, page]
    return reverse("eforms:page", args=args)


def _message(request, title: str, text: str, status: int = 400, **extra):
    return render(
        request,
        "eforms/citizen/message.html",
        {"title": title, "text": text, **extra},
        status=status,
    )


def _draft(request, org, slug, token, *, found=False, sub=None):
    """``(submission, None)`` or ``(None, response)`` for a refused or redirected request."""
    if not found:
        sub = subs.find_draft(token)
    if sub is None or sub.eservice.organisation.slug != org or sub.eservice.slug != slug:
        return None, _message(
            request,
            _("Länken fungerar inte"),
            _("Länken är ogiltig eller har gått ut. Börja om från e-tjänstens sida."),
            status=404,
        )
    if not subs.may_access(sub, request.user):
        if request.user.is_authenticated:
            return None, _message(
                request,
                _("Inte ditt utkast"),
                _("Utkastet tillhör en annan person. Logga ut och logga in som rätt person."),
                status=403,
            )
        messages.info(request, _("Logga in med e-legitimation igen för att fortsätta där du var."))
        return None, redirect(login_url(request.get_full_path()))
    if subs.is_expired(sub):
        return None, _message(
            request,
            _("Utkastet har gått ut"),
            _("Utkastet har gått ut och sparas inte längre. Börja om från e-tjänstens sida."),
            status=410,
            start_url=reverse("eforms:eservice", args=[org, slug]),
        )
    return sub, None


def _retired(request, sub):
    state = subs.version_state(sub)
    if not state.retired or sub.status != SubmissionStatus.DRAFT:
        return None
    return render(
        request,
        "eforms/citizen/retired.html",
        {
            "sub": sub,
            "eservice": sub.eservice,
            "compatible": state.compatible,
            "sections": build_summary(sub.form_version.schema, sub.data, language=sub.language),
            "urls": _urls(sub),
        },
    )


# --- catalogue and start ---------------------------------------------------------------------
@never_cache
def catalogue_view(request):
    return render(
        request,
        "eforms/citizen/catalogue.html",
        {
            "organisations": catalogue(),
            "drafts": drafts_for(request.user) if subs.is_citizen(request.user) else [],
        },
    )


@never_cache
@require_http_methods(["GET", "POST"])
def eservice_view(request, org, slug):
    eservice = _eservice(org, slug)
    if not eservice.active:
        raise Http404
    citizen = subs.is_citizen(request.user)
    if request.method == "POST":
        if eservice.login_required and not citizen:
            return redirect(login_url(request.path))
        try:
            sub = subs.do_start(eservice, actor=request.user, language=get_language() or "sv")
        except subs.SubmissionError as error:
            return _message(request, eservice.display_name, error.message)
        return redirect(_page_url(sub, subs.visible_pages(sub)[0]))
    drafts = (
        [d for d in drafts_for(request.user) if d.eservice_id == eservice.pk] if citizen else []
    )
    return render(
        request,
        "eforms/citizen/eservice.html",
        {
            "eservice": eservice,
            "is_open": eservice.is_open(),
            "needs_login": eservice.login_required and not citizen,
            "offer_login": not eservice.login_required and not request.user.is_authenticated,
            "login_url": login_url(request.path),
            "drafts": drafts,
            "signing_label": Signing(eservice.signing).label,
        },
    )


@never_cache
def resume_view(request, org, slug, token):
    sub, refused = _draft(request, org, slug, token)
    if refused:
        return refused
    if sub.status == SubmissionStatus.SUBMITTED:
        return redirect(_urls(sub)["receipt"])
    if sub.status == SubmissionStatus.AWAITING_SIGNATURE:
        return redirect(_urls(sub)["summary"])
    pages = subs.visible_pages(sub)
    page = sub.current_page if sub.current_page in pages else pages[0]
    return redirect(_page_url(sub, page))


@require_http_methods(["POST"])
def version_view(request, org, slug, token):
    sub, refused = _draft(request, org, slug, token)
    if refused:
        return refused
    try:
        sub = subs.do_move_to_current_version(sub, actor=request.user)
    except subs.SubmissionError as error:
        messages.error(request, error.message)
        return redirect(_urls(sub)["resume"])
    messages.success(request, _("Dina svar har flyttats till den nya versionen av formuläret."))
    return redirect(_page_url(sub, subs.visible_pages(sub)[0]))


# --- one page at a time ----------------------------------------------------------------------
@never_cache
@require_http_methods(["GET", "POST"])
@keeps_input_on_expiry  # an idle login reaches this view logged out: the input is saved
def page_view(request, org, slug, token, page):
    sub = subs.find_draft(token)
    if (
        request.method == "POST"
        and sub is not None
        and sub.user_id is not None
        and not request.user.is_authenticated
        and sub.eservice.organisation.slug == org
        and sub.eservice.slug == slug
        and sub.status == SubmissionStatus.DRAFT
        and not subs.is_expired(sub)
    ):
        return _save_after_login_expired(request, sub, page)
    sub, refused = _draft(request, org, slug, token, found=True, sub=sub)
    if refused:
        return refused
    if sub.status != SubmissionStatus.DRAFT:
        return redirect(_urls(sub)["resume"])
    retired = _retired(request, sub)
    if retired:
        return retired
    pages = subs.visible_pages(sub)
    if page not in pages:
        return redirect(_page_url(sub, pages[0]))
    result = None
    if request.method == "POST":
        nav = request.POST.get("nav", "next")
        try:
            result = subs.do_save_page(
                sub,
                page,
                request.POST,
                request.FILES,
                actor=request.user,
                keep_invalid=nav in ("save", "back"),
            )
        except subs.SubmissionError as error:
            return _message(request, sub.eservice.display_name, error.message)
        sub = getattr(result, "submission", sub)
        if result.action is None:
            if nav == "save":
                return redirect(_urls(sub)["saved"])
            if nav == "back":
                previous = subs.previous_page(sub, page)
                return redirect(_page_url(sub, previous if previous is not None else page))
            if result.is_valid:
                step = hooks.after_page(request, sub, page)
                if step:
                    return redirect(step)
                following = subs.next_page(sub, page)
                if following is None:
                    return redirect(_urls(sub)["summary"])
                return redirect(_page_url(sub, following))
    return _render_page(request, sub, page, pages, result)


def _render_page(request, sub, page, pages, result):
    schema = sub.form_version.schema
    position = pages.index(page)
    errors = result.errors if result is not None else []
    return render(
        request,
        "eforms/citizen/page.html",
        {
            "sub": sub,
            "eservice": sub.eservice,
            "page_title": localise(schema["pages"][page].get("title"), sub.language),
            "step": position + 1,
            "steps": len(pages),
            "first": position == 0,
            "fields_html": render_page(
                schema, page, sub.data, result=result, language=sub.language, request=request
            ),
            "errors_html": render_error_summary(errors, request=request),
            "has_errors": bool(errors),
            "has_files": any(f.get("type") == "file" for f in schema["pages"][page]["fields"]),
            "urls": _urls(sub),
        },
        status=200,
    )


def _save_after_login_expired(request, sub, page):
    """The citizen's login ended mid-form: keep what they wrote, then ask them to log in."""
    with contextlib.suppress(subs.SubmissionError):
        subs.do_save_page(sub, page, request.POST, request.FILES, actor=None, keep_invalid=True)
    messages.info(
        request,
        _(
            "Din inloggning har gått ut. Det du skrev är sparat – logga in igen för att "
            "fortsätta där du var."
        ),
    )
    return redirect(login_url(_page_url(sub, page)))


@never_cache
def saved_view(request, org, slug, token):
    sub, refused = _draft(request, org, slug, token)
    if refused:
        return refused
    return render(
        request,
        "eforms/citizen/saved.html",
        {"sub": sub, "eservice": sub.eservice, "resume_url": receipts.draft_url(sub)},
    )


# --- summary, signing, submit ----------------------------------------------------------------
@never_cache
@require_http_methods(["GET", "POST"])
def summary_view(request, org, slug, token):
    sub, refused = _draft(request, org, slug, token)
    if refused:
        return refused
    if sub.status == SubmissionStatus.SUBMITTED:
        return redirect(_urls(sub)["receipt"])
    retired = _retired(request, sub)
    if retired:
        return retired
    error = ""
    if request.method == "POST":
        try:
            sub = subs.do_submit(
                sub, actor=request.user, idempotency_key=request.POST.get("idempotency_key", "")
            )
        except subs.SubmissionError as exc:
            error = exc.message
        else:
            if sub.status == SubmissionStatus.SUBMITTED:
                return redirect(_urls(sub)["receipt"])
    return _render_summary(request, sub, error)


def _render_summary(request, sub, error=""):
    needs_signing = sub.eservice.needs_signing
    first_signed = needs_signing and sub.signatures.filter(role=SignerRole.FIRST).exists()
    pages = subs.visible_pages(sub)
    return render(
        request,
        "eforms/citizen/summary.html",
        {
            "sub": sub,
            "eservice": sub.eservice,
            "sections": build_summary(sub.form_version.schema, sub.data, language=sub.language),
            "files": submission_files(sub),
            "error": error,
            "missing": subs.missing_answers(sub.form_version.schema, sub.data),
            "needs_signing": needs_signing,
            "two_signers": effective_signing(sub) == Signing.TWO,
            "first_signed": first_signed,
            "awaiting": sub.status == SubmissionStatus.AWAITING_SIGNATURE,
            "can_sign": subs.is_citizen(request.user),
            "login_url": login_url(request.path),
            "last_page_url": _page_url(sub, pages[-1]),
            "urls": _urls(sub),
        },
        status=400 if error else 200,
    )


@never_cache
def receipt_view(request, org, slug, token):
    sub, refused = _draft(request, org, slug, token)
    if refused:
        return refused
    if sub.status != SubmissionStatus.SUBMITTED:
        return redirect(_urls(sub)["resume"])
    return render(
        request,
        "eforms/citizen/receipt.html",
        {
            "sub": sub,
            "eservice": sub.eservice,
            "reference": sub.case.reference if sub.case_id else "",
            "sections": build_summary(sub.form_version.schema, sub.data, language=sub.language),
            "pdf_url": reverse("eforms:receipt_pdf", args=[receipts.receipt_token(sub)]),
            "email": subs.contact_email(sub),
        },
    )


@never_cache
def receipt_pdf_view(request, token):
    sub = receipts.submission_for_receipt_token(token)
    if sub is None:
        raise Http404
    if not receipts.may_read_pdf(sub, request.user):
        if not request.user.is_authenticated:
            messages.info(
                request,
                _("Logga in med e-legitimation för att se kopian av det du skickade in."),
            )
            return redirect(login_url(request.get_full_path()))
        raise Http404  # another person's submission: as if the link did not exist
    if not sub.receipt_pdf:
        return _message(
            request,
            _("Kvittensen görs i ordning"),
            _("PDF-kopian är inte klar ännu. Försök igen om en liten stund."),
            status=404,
        )
    return FileResponse(
        sub.receipt_pdf.open("rb"),
        content_type="application/pdf",
        filename=f"kvittens-{sub.pk}.pdf",
    )
