"""Mina sidor views: thin; reads through :mod:`.queries`, changes through the services."""

from __future__ import annotations

import functools

from django.contrib import messages
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from sambruk.cases.errors import CaseActionError
from sambruk.cases.services.citizen import citizen_conversation, do_citizen_reply
from sambruk.core.accounts.eleg.session import login_url_with_next
from sambruk.core.persons.protection import visible_person_data

from . import queries, services
from .forms import ProfileForm, ReplyForm
from .services import PortalError

FILE_ERRORS = {
    "empty_file",
    "disguised_file",
    "file_type_not_allowed",
    "no_extension",
    "file_too_large",
}


def citizen_required(view):
    """Only a citizen logged in with e-legitimation; others go to the log-in page (anonymous)
    or get a clear refusal (a staff account)."""

    @functools.wraps(view)
    @never_cache
    def wrapper(request, *args, **kwargs):
        user = request.user
        if not user.is_authenticated:
            return redirect(login_url_with_next(request))
        if not services.is_citizen(user):
            return render(request, "portal/not_citizen.html", status=403)
        return view(request, *args, **kwargs)

    return wrapper


@citizen_required
def home(request):
    context = {"overview": queries.overview(request.user), "portal_section": "home"}
    return render(request, "portal/home.html", context)


def _case_context(request, pk, *, reply_forms=None):
    view = queries.case_view(request.user, pk)
    if view is None:
        raise Http404
    reply_forms = reply_forms or {}
    for conversation in view.conversations:
        conversation.form = reply_forms.get(conversation.pk) or ReplyForm(
            prefix=f"c{conversation.pk}"
        )
    return {"view": view, "case": view.case, "portal_section": "home"}


@citizen_required
def case_detail(request, pk):
    return render(request, "portal/case.html", _case_context(request, pk))


@citizen_required
@require_POST
def reply(request, pk, conversation_pk):
    citizen = services.citizen_for(request.user)
    conversation = citizen_conversation(citizen, pk, conversation_pk)
    if conversation is None:
        raise Http404
    form = ReplyForm(request.POST, request.FILES, prefix=f"c{conversation.pk}")
    if form.is_valid():
        try:
            do_citizen_reply(
                conversation,
                actor=request.user,
                citizen=citizen,
                person=services.person_for(request.user),
                body=form.cleaned_data["body"],
                attachments=form.cleaned_data["files"],
            )
        except CaseActionError as exc:
            file_error = exc.code in FILE_ERRORS
            form.add_error("files" if file_error else None, exc.message)
        else:
            messages.success(request, _("Ditt meddelande är skickat."))
            url = reverse("portal:case", args=[conversation.case_id])
            return redirect(f"{url}#konversation-{conversation.pk}")
    context = _case_context(request, pk, reply_forms={conversation.pk: form})
    return render(request, "portal/case.html", context, status=400)


@citizen_required
def attachment_download(request, pk, attachment_pk):
    found = queries.attachment(request.user, pk, attachment_pk)
    if found is None:
        raise Http404
    row, handle = found
    return FileResponse(
        handle, as_attachment=True, filename=row.original_name, content_type=row.content_type
    )


@citizen_required
def submission_pdf(request, pk):
    sub = queries.submission(request.user, pk)
    if sub is None:
        raise Http404
    if not sub.receipt_pdf:
        return render(request, "portal/pdf_pending.html", status=404)
    queries.audit_submission_read(request.user, sub)
    return FileResponse(
        sub.receipt_pdf.open("rb"),
        content_type="application/pdf",
        filename=f"kvittens-{sub.pk}.pdf",
    )


@citizen_required
def shadow_detail(request, pk):
    item = queries.shadow_case(request.user, pk)
    if item is None:
        raise Http404
    return render(request, "portal/shadow.html", {"item": item})


def _profile_context(request, form):
    user = request.user
    person = services.person_for(user)
    person_data = (
        visible_person_data(person, user, purpose=queries.PURPOSE, audit=True) if person else None
    )
    return {
        "form": form,
        "profile": services.profile_for(user),
        "person": person_data,
        "verified": services.VerifiedEmail.objects.filter(user=user),
        "verified_list": services.verified_emails(user),
        "portal_section": "profile",
        "sms_available": services.get_sender() is not None,
    }


@citizen_required
@require_http_methods(["GET", "POST"])
def profile(request):
    current = services.profile_for(request.user)
    if request.method == "POST":
        form = ProfileForm(request.POST)
        if form.is_valid():
            try:
                saved = services.do_update_profile(
                    request.user, actor=request.user, **form.cleaned_data
                )
            except PortalError as exc:
                form.add_error(exc.field or None, exc.message)
            else:
                messages.success(request, _("Dina uppgifter är sparade."))
                if saved.email and saved.email not in services.verified_emails(request.user):
                    messages.info(
                        request,
                        _("Vi har skickat en länk till %(email)s. Öppna den för att bekräfta.")
                        % {"email": saved.email},
                    )
                return redirect("portal:profile")
        return render(request, "portal/profile.html", _profile_context(request, form), status=400)
    initial = {
        "email": current.email,
        "phone": current.phone,
        "notify_email": current.notify_email,
        "notify_sms": current.notify_sms,
    }
    return render(request, "portal/profile.html", _profile_context(request, ProfileForm(initial)))


@citizen_required
@require_POST
def resend_verification(request):
    try:
        services.do_resend_verification(request.user, actor=request.user)
    except PortalError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("En ny länk är skickad."))
    return redirect("portal:profile")


@citizen_required
def verify_email(request, token):
    try:
        row = services.do_verify_email(request.user, actor=request.user, token=token)
    except PortalError as exc:
        return render(request, "portal/verify_failed.html", {"message": exc.message}, status=404)
    messages.success(
        request,
        _("E-postadressen %(email)s är bekräftad. Ärenden med den adressen visas nu här.")
        % {"email": row.email},
    )
    return redirect("portal:profile")


@citizen_required
@require_POST
def remove_email(request, pk):
    try:
        services.do_remove_verified_email(request.user, actor=request.user, pk=pk)
    except PortalError as exc:
        raise Http404 from exc
    messages.success(request, _("Adressen är borttagen."))
    return redirect("portal:profile")
