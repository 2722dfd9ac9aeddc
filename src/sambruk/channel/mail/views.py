"""Staff page: inbound e-mail of the organisation (failed, ignored, all), "Behandla igen"."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from sambruk.core.audit.services import record
from sambruk.core.authz.permissions import ALL, has_perm, permitted_organisation_ids
from sambruk.core.authz.views import PermissionRequiredMixin

from . import services
from .models import EmailAccessPoint, InboundMail, InboundStatus
from .roles import RETRY_INBOUND, VIEW_ACCESS_POINT, VIEW_INBOUND

PAGE_SIZE = 50
AUDIT_PURPOSE = "Uppföljning av inkommande e-post"
FILTERS = {
    "failed": (gettext_lazy("Misslyckade"), [InboundStatus.FAILED]),
    "ignored": (gettext_lazy("Ignorerade (autosvar, studsar, slingor)"), [InboundStatus.IGNORED]),
    "waiting": (
        gettext_lazy("Väntar på behandling"),
        [InboundStatus.RECEIVED, InboundStatus.PROCESSING],
    ),
    "all": (gettext_lazy("Alla"), None),
}


class InboundListView(PermissionRequiredMixin, View):
    """GET: inbound mails the user may see (audited read), filtered by status."""

    required_permission = VIEW_INBOUND

    def get(self, request):
        user = request.user
        selected = request.GET.get("status", "failed")
        if selected not in FILTERS:
            selected = "failed"
        label, statuses = FILTERS[selected]
        qs = InboundMail.objects.restrict(user, VIEW_INBOUND).defer("raw")
        qs = qs.select_related("organisation", "case")
        if statuses is not None:
            qs = qs.filter(status__in=statuses)
        page = Paginator(qs.order_by("-received_at", "-pk"), PAGE_SIZE).get_page(
            request.GET.get("sida")
        )
        retry_orgs = permitted_organisation_ids(user, RETRY_INBOUND)
        rows = [
            (
                mail,
                mail.status == InboundStatus.FAILED
                and (retry_orgs == ALL or mail.organisation_id in retry_orgs),
            )
            for mail in page.object_list
        ]
        record(
            "read",
            actor=user,
            object_type="channel_mail.inboundmail",
            purpose=AUDIT_PURPOSE,
            changes={"status_filter": selected, "shown": [m.pk for m, _r in rows]},
        )
        points = (
            EmailAccessPoint.objects.restrict(user, VIEW_ACCESS_POINT).select_related(
                "organisation", "queue", "case_type"
            )
            if has_perm(user, VIEW_ACCESS_POINT)
            else EmailAccessPoint.objects.none()
        )
        context = {
            "filters": [(key, value[0]) for key, value in FILTERS.items()],
            "selected": selected,
            "selected_label": label,
            "page": page,
            "rows": rows,
            "points": points,
            "page_query": urlencode({"status": selected}),
        }
        return render(request, "channel_mail/inbound_list.html", context)


class RetryView(PermissionRequiredMixin, View):
    """POST "Behandla igen" for one failed mail (permission in the mail's organisation)."""

    required_permission = RETRY_INBOUND
    http_method_names = ["post"]

    def post(self, request, pk):
        mail = InboundMail.objects.restrict(request.user, VIEW_INBOUND).filter(pk=pk).first()
        if mail is None:
            raise Http404
        if not has_perm(request.user, RETRY_INBOUND, mail.organisation_id):
            raise PermissionDenied
        if mail.status != InboundStatus.FAILED:
            messages.error(request, _("Bara misslyckade meddelanden kan behandlas igen."))
        else:
            services.retry(mail, actor=request.user)
            mail.refresh_from_db()
            if mail.status == InboundStatus.FAILED:
                messages.error(
                    request,
                    _("Meddelandet kunde fortfarande inte behandlas: %(error)s")
                    % {"error": mail.error[:300]},
                )
            else:
                messages.success(
                    request,
                    _("Meddelandet har behandlats: %(detail)s") % {"detail": mail.detail[:300]},
                )
        status = request.POST.get("status", "")
        url = reverse("channel_mail:inbound")
        return redirect(f"{url}?{urlencode({'status': status})}" if status in FILTERS else url)
