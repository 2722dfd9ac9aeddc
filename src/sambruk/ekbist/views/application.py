"""The e-application's own pages: Självservice (citizen) and the application (caseworker).

The form itself is the eforms citizen flow at ``/e-tjanster/<kommun>/ekonomiskt-bistand/``;
after the consent page the citizen comes here (``eforms.hooks.register_after_page``).
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods
from django.views.generic import TemplateView

from sambruk.core.authz.views import PermissionRequiredMixin
from sambruk.eforms import hooks
from sambruk.eforms.services import submissions as subs

from ..models import Application, ApplicationState
from ..roles import VIEW_APPLICATION
from ..services import application as app_services
from ..services import selfservice


def _consent_page(sub) -> int:
    pages = sub.form_version.schema["pages"]
    return next(i for i, p in enumerate(pages) if p.get("id") == "sjalvservice")


def _message(request, title, text, status):
    return render(
        request, "eforms/citizen/message.html", {"title": title, "text": text}, status=status
    )


@never_cache
@require_http_methods(["GET", "POST"])
def selfservice_view(request, token):
    """Fetch, review and accept one's own data; or withdraw the consent."""
    sub = subs.find_draft(token)
    if sub is None or hooks.form_code(sub) != app_services.FORM_CODE:
        raise Http404
    if not subs.is_citizen(request.user):
        from sambruk.eforms.views.citizen import login_url

        return redirect(login_url(request.get_full_path()))
    if not subs.may_access(sub, request.user) or sub.user_id != request.user.pk:
        return _message(
            request,
            _("Inte din ansökan"),
            _("Ansökan tillhör en annan person. Logga ut och logga in som rätt person."),
            403,
        )
    if sub.status != "draft" or subs.is_expired(sub):  # sent in or expired: eforms says why
        from django.urls import reverse

        eservice = sub.eservice
        return redirect(
            reverse("eforms:resume", args=[eservice.organisation.slug, eservice.slug, token])
        )
    page = _consent_page(sub)
    continue_url = hooks.next_page_url(sub, page)
    application = selfservice.draft_application(sub)
    errors: list[tuple[str, str]] = []
    status = 200
    try:
        if (sub.data or {}).get("sjalvservice") == "yes" and not selfservice.has_consent(
            application
        ):
            application = selfservice.give_consent(sub, actor=request.user)
        if request.method == "POST":
            action = request.POST.get("action", "")
            if action == "fetch":
                outcome = selfservice.fetch(sub, actor=request.user)
                errors = outcome.errors
                if outcome.values:
                    messages.success(
                        request,
                        _("%(n)s uppgifter hämtades. Granska dem nedan.")
                        % {"n": len(outcome.values)},
                    )
                # Some agencies failing is a normal page; none answering is "unavailable".
                status = 503 if errors and not outcome.answered else 200
            elif action == "accept":
                selfservice.accept(sub, actor=request.user, ids=request.POST.getlist("value"))
                messages.success(
                    request,
                    _("Uppgifterna är ifyllda. Kontrollera dem på sidan Inkomster."),
                )
                return redirect(continue_url)
            elif action == "withdraw":
                count = selfservice.withdraw(sub, actor=request.user)
                messages.info(
                    request,
                    _(
                        "Du har tagit tillbaka ditt samtycke. %(n)s hämtade uppgifter är "
                        "borttagna och inget mer hämtas."
                    )
                    % {"n": count},
                )
                return redirect(continue_url)
            elif action == "skip":
                return redirect(continue_url)
    except subs.SubmissionError as exc:
        errors = [("", exc.message)]
        status = 400
    sub.refresh_from_db()
    application = selfservice.draft_application(sub)
    return render(
        request,
        "ekbist/application/selfservice.html",
        {
            "sub": sub,
            "eservice": sub.eservice,
            "application": application,
            "consent": selfservice.has_consent(application),
            "values": selfservice.fetched_values(sub) if application else [],
            "errors": errors,
            "back_url": _page_url(sub, page),
            "continue_url": continue_url,
        },
        status=status,
    )


def _page_url(sub, page: int) -> str:
    from sambruk.eforms.views.citizen import _page_url as eforms_page_url

    return eforms_page_url(sub, page)


class ApplicationView(PermissionRequiredMixin, TemplateView):
    """The caseworker's view of one submitted application (address per protection rules)."""

    required_permission = VIEW_APPLICATION
    template_name = "ekbist/application/detail.html"

    def get_context_data(self, **kwargs):
        application = get_object_or_404(
            self.restricted(Application.objects.select_related("case", "organisation")).exclude(
                state=ApplicationState.DRAFT
            ),
            pk=kwargs["pk"],
        )
        view = app_services.application_for_viewer(application, self.request.user)
        return {
            **super().get_context_data(**kwargs),
            "application": application,
            "view": view,
        }
