"""Staff pages: webhook subscriptions and their delivery log (organisation administrators)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View

from sambruk.core.authz.permissions import has_perm
from sambruk.core.authz.views import PermissionRequiredMixin
from sambruk.core.crypto import reveal

from . import roles
from .models import DeliveryStatus, WebhookDelivery, WebhookSubscription
from .services import webhooks as services

PAGE_SIZE = 50


class SubscriptionListView(PermissionRequiredMixin, View):
    required_permission = roles.VIEW_SUBSCRIPTION

    def get(self, request):
        subs = (
            self.restricted(WebhookSubscription.objects.select_related("organisation"))
            .defer("secret", "previous_secret")  # not shown here: no decryption needed
            .annotate(
                waiting=Count(
                    "deliveries",
                    filter=Q(
                        deliveries__status__in=[
                            DeliveryStatus.PENDING,
                            DeliveryStatus.SENDING,
                            DeliveryStatus.HELD,
                        ]
                    ),
                ),
                failed=Count("deliveries", filter=Q(deliveries__status=DeliveryStatus.FAILED)),
            )
            .order_by("organisation__name", "name")
        )
        return render(request, "channel/subscriptions.html", {"subscriptions": subs})


class SubscriptionDetailView(PermissionRequiredMixin, View):
    """The delivery log of one subscription; POST resumes a failing or paused subscription."""

    required_permission = roles.VIEW_SUBSCRIPTION

    def get_subscription(self, pk):
        sub = self.restricted(WebhookSubscription.objects.select_related("organisation"))
        sub = sub.filter(pk=pk).first()
        if sub is None:
            raise Http404
        return sub

    def get(self, request, pk):
        return self.show(request, self.get_subscription(pk))

    def show(self, request, sub, *, new_secret: str = ""):
        status = request.GET.get("status", "")
        qs = WebhookDelivery.objects.restrict(request.user, roles.VIEW_DELIVERY).filter(
            subscription=sub
        )
        if status in DeliveryStatus.values:
            qs = qs.filter(status=status)
        page = Paginator(qs.select_related("entry").order_by("-id"), PAGE_SIZE).get_page(
            request.GET.get("sida")
        )
        return render(
            request,
            "channel/subscription_detail.html",
            {
                "subscription": sub,
                "page": page,
                "status": status,
                "statuses": DeliveryStatus.choices,
                "may_change": has_perm(
                    request.user, roles.CHANGE_SUBSCRIPTION, sub.organisation_id
                ),
                "previous_valid": sub.previous_secret_valid(),
                "new_secret": new_secret,
                "grace_hours": services.secret_grace().total_seconds() / 3600,
            },
        )

    def post(self, request, pk):
        sub = self.get_subscription(pk)
        if not has_perm(request.user, roles.CHANGE_SUBSCRIPTION, sub.organisation_id):
            raise PermissionDenied
        if request.POST.get("action") == "new_secret":
            # Shown in this response only (no redirect: the secret is never put in the
            # session or a message); the page says so.
            sub = services.update_subscription(sub, actor=request.user, secret=True)
            response = self.show(request, sub, new_secret=reveal(sub.secret))
            response["Cache-Control"] = "no-store"
            return response
        count = services.resume_subscription(sub, actor=request.user)
        messages.success(
            request,
            _("Prenumerationen är aktiv igen. %(n)d leveranser skickas om.") % {"n": count},
        )
        return redirect(reverse("channel:subscription", args=[sub.pk]))
