"""``/api/webhooks/`` (subscriptions) and ``/api/webhook-deliveries/`` (the delivery log)."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from sambruk.core.authz.drf import HasPermission, RestrictedQuerysetMixin
from sambruk.core.crypto import reveal

from .. import roles
from ..models import WebhookDelivery, WebhookSubscription
from ..services import webhooks as services
from .common import StrictFieldsMixin, acting_organisation


class SubscriptionSerializer(serializers.ModelSerializer):
    # A plain string in the schema (an enum named "state" would collide with the case's).
    state = serializers.CharField(
        read_only=True, help_text=_("active, failing (leveranser vilar) eller paused.")
    )
    secret_hint = serializers.CharField(
        read_only=True, help_text=_("Hemligheten maskerad (whsec_…abcd); hela visas bara en gång.")
    )
    previous_secret_until = serializers.SerializerMethodField(
        help_text=_(
            "Till dess signeras leveranserna även med den tidigare hemligheten (null: inte)."
        )
    )

    class Meta:
        model = WebhookSubscription
        fields = [
            "id",
            "organisation",
            "name",
            "url",
            "event_types",
            "state",
            "failing_since",
            "secret_hint",
            "previous_secret_until",
            "created_at",
            "updated_at",
        ]

    def get_previous_secret_until(self, sub) -> dt.datetime | None:
        return sub.previous_secret_until if sub.previous_secret_valid() else None


class SubscriptionWithSecretSerializer(SubscriptionSerializer):
    """Shown once: after create and after a new secret."""

    secret = serializers.SerializerMethodField(help_text=_("Hemligheten; visas bara nu."))

    class Meta(SubscriptionSerializer.Meta):
        fields = [*SubscriptionSerializer.Meta.fields, "secret"]

    def get_secret(self, sub) -> str:
        return reveal(sub.secret)


class SubscriptionWriteSerializer(StrictFieldsMixin, serializers.Serializer):
    name = serializers.CharField(max_length=200)
    url = serializers.URLField(max_length=500)
    event_types = serializers.ListField(
        child=serializers.CharField(max_length=60), required=False, max_length=100
    )
    organisation = serializers.IntegerField(required=False)


class SubscriptionUpdateSerializer(StrictFieldsMixin, serializers.Serializer):
    name = serializers.CharField(max_length=200, required=False)
    url = serializers.URLField(max_length=500, required=False)
    event_types = serializers.ListField(
        child=serializers.CharField(max_length=60), required=False, max_length=100
    )
    new_secret = serializers.BooleanField(required=False)
    revoke_old_secret = serializers.BooleanField(
        required=False,
        help_text=_(
            "Med new_secret: den gamla hemligheten slutar gälla direkt (utan övergångstid)."
        ),
    )


class WebhookSubscriptionViewSet(
    RestrictedQuerysetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    queryset = WebhookSubscription.objects.all()
    serializer_class = SubscriptionSerializer
    permission_classes = [HasPermission]
    required_permissions = {
        "list": roles.VIEW_SUBSCRIPTION,
        "retrieve": roles.VIEW_SUBSCRIPTION,
        "default": roles.CHANGE_SUBSCRIPTION,
    }

    def get_queryset(self):
        qs = super().get_queryset()
        if self.action not in ("list", "retrieve"):
            qs = qs.restrict(self.request.user, roles.CHANGE_SUBSCRIPTION)
        return qs

    @extend_schema(
        request=SubscriptionWriteSerializer, responses={201: SubscriptionWithSecretSerializer}
    )
    def create(self, request, *args, **kwargs):
        serializer = SubscriptionWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        org = acting_organisation(
            request, roles.CHANGE_SUBSCRIPTION, data.pop("organisation", None)
        )
        sub = services.create_subscription(actor=request.user, organisation=org, **data)
        return Response(SubscriptionWithSecretSerializer(sub).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=SubscriptionUpdateSerializer, responses={200: SubscriptionWithSecretSerializer}
    )
    def partial_update(self, request, *args, **kwargs):
        serializer = SubscriptionUpdateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        new_secret = data.pop("new_secret", False)
        revoke = data.pop("revoke_old_secret", False)
        sub = services.update_subscription(
            self.get_object(),
            actor=request.user,
            secret=new_secret,
            grace=dt.timedelta(0) if revoke else None,
            **data,
        )
        out = SubscriptionWithSecretSerializer if new_secret else SubscriptionSerializer
        return Response(out(sub).data)

    def destroy(self, request, *args, **kwargs):
        services.delete_subscription(self.get_object(), actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(request=None, responses={200: SubscriptionSerializer})
    @action(detail=True, methods=["post"])
    def pause(self, request, *args, **kwargs):
        sub = services.pause_subscription(self.get_object(), actor=request.user)
        return Response(SubscriptionSerializer(sub).data)

    @extend_schema(request=None, responses={200: SubscriptionSerializer})
    @action(detail=True, methods=["post"])
    def resume(self, request, *args, **kwargs):
        """Activate again; held and failed deliveries are sent again."""
        services.resume_subscription(self.get_object(), actor=request.user)
        sub = WebhookSubscription.objects.get(pk=kwargs["pk"])
        return Response(SubscriptionSerializer(sub).data)


class DeliverySerializer(serializers.ModelSerializer):
    event = serializers.CharField(source="entry.name", read_only=True)
    seq = serializers.IntegerField(source="entry.seq", read_only=True)

    class Meta:
        model = WebhookDelivery
        fields = [
            "id",
            "subscription",
            "event",
            "seq",
            "status",
            "attempts",
            "response_code",
            "last_error",
            "last_attempt_at",
            "next_attempt_at",
            "delivered_at",
            "created_at",
        ]


class WebhookDeliveryViewSet(
    RestrictedQuerysetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """The delivery log, newest first; filter with ``subscription`` and ``status``."""

    queryset = WebhookDelivery.objects.select_related("entry")
    serializer_class = DeliverySerializer
    permission_classes = [HasPermission]
    required_permission = roles.VIEW_DELIVERY

    def get_queryset(self):
        qs = super().get_queryset()
        params = self.request.query_params
        if params.get("subscription", "").isdigit():
            qs = qs.filter(subscription_id=int(params["subscription"]))
        if params.get("status"):
            qs = qs.filter(status=params["status"])
        return qs
