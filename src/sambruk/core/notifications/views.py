"""Utskick: the staff page that follows up the outbox (failed messages, retries, test e-mail)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views import View

from sambruk.core.audit.services import record
from sambruk.core.authz.permissions import ALL, has_perm, permitted_organisation_ids
from sambruk.core.authz.views import PermissionRequiredMixin
from sambruk.core.organisations.models import Organisation

from . import services
from .forms import STATUS_FILTERS, OutboxFilterForm, TestMessageForm
from .models import OutboxMessage

VIEW_PERM = "notifications.view_outboxmessage"
RETRY_PERM = "notifications.retry_outboxmessage"
PAGE_SIZE = 50
AUDIT_PURPOSE = "Uppföljning av utskick"


def _organisations_with(user, permission):
    ids = permitted_organisation_ids(user, permission)
    qs = Organisation.objects.order_by("name")
    return qs if ids == ALL else qs.filter(pk__in=ids)


class OutboxView(PermissionRequiredMixin, View):
    """GET: the outbox list (audited read). POST: queue a test e-mail."""

    required_permission = VIEW_PERM

    def get(self, request):
        return self.render_page(request, self.test_form(request))

    def post(self, request):
        if not has_perm(request.user, RETRY_PERM):
            raise PermissionDenied
        form = self.test_form(request, data=request.POST)
        if not form.is_valid():
            return self.render_page(request, form, status=400)
        organisation = form.cleaned_data["organisation"]
        if not has_perm(request.user, RETRY_PERM, organisation):
            raise PermissionDenied
        services.send_test_message(
            to=form.cleaned_data["to"],
            actor=request.user,
            organisation=organisation,
            language=form.cleaned_data["language"],
        )
        messages.success(
            request,
            _("Ett testmejl till %(to)s har köats.") % {"to": form.cleaned_data["to"]},
        )
        return redirect(f"{reverse('notifications:outbox')}?{urlencode({'status': 'all'})}")

    def test_form(self, request, data=None):
        if not has_perm(request.user, RETRY_PERM):
            return None
        return TestMessageForm(data, organisations=_organisations_with(request.user, RETRY_PERM))

    def render_page(self, request, test_form, status=200):
        user = request.user
        filter_form = OutboxFilterForm(request.GET or None)
        statuses = filter_form.statuses()
        qs = OutboxMessage.objects.restrict(user, VIEW_PERM).select_related("organisation")
        if statuses is not None:
            qs = qs.filter(status__in=statuses)
        page = Paginator(qs.order_by("-created_at"), PAGE_SIZE).get_page(request.GET.get("sida"))
        retry_orgs = permitted_organisation_ids(user, RETRY_PERM)
        rows = [
            (
                message,
                message.can_retry and (retry_orgs == ALL or message.organisation_id in retry_orgs),
            )
            for message in page.object_list
        ]
        # The list shows e-mail addresses: log the read (one event per page view).
        record(
            "read",
            actor=user,
            object_type="notifications.outboxmessage",
            purpose=AUDIT_PURPOSE,
            changes={
                "status_filter": filter_form.selected(),
                "shown": [str(m.pk) for m, _r in rows],
            },
        )
        selected = filter_form.selected()
        context = {
            "filter_form": filter_form,
            "selected": selected,
            "selected_label": STATUS_FILTERS[selected][0],
            "page": page,
            "rows": rows,
            "form": test_form,
            "page_query": urlencode({"status": selected}),
        }
        return render(request, "notifications/outbox.html", context, status=status)


class RetryView(PermissionRequiredMixin, View):
    """POST "Försök igen" for one message (permission checked in the message's organisation)."""

    required_permission = RETRY_PERM
    http_method_names = ["post"]

    def post(self, request, pk):
        message = OutboxMessage.objects.restrict(request.user, VIEW_PERM).filter(pk=pk).first()
        if message is None:
            raise Http404
        if not has_perm(request.user, RETRY_PERM, message.organisation_id):
            raise PermissionDenied
        if message.can_retry:
            message = services.retry(message, actor=request.user)
            messages.success(request, _("Meddelandet har lagts i kön igen."))
        else:
            messages.error(request, _("Meddelandet kan inte skickas om."))
        status = request.POST.get("status", "")
        query = urlencode({"status": status}) if status in STATUS_FILTERS else ""
        url = reverse("notifications:outbox")
        return redirect(f"{url}?{query}" if query else url)
