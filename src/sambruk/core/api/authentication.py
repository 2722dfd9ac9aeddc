"""Bearer-token authentication for API clients."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework import authentication, exceptions

from .models import ApiClient, hash_token


class ApiClientTokenAuthentication(authentication.BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.lower().encode():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(_("Ogiltigt Authorization-huvud."))
        try:
            token = header[1].decode()
        except UnicodeError:
            raise exceptions.AuthenticationFailed(_("Ogiltig token."))
        client = (
            ApiClient.objects.select_related("user", "organisation")
            .filter(token_hash=hash_token(token))
            .first()
        )
        if client is None or not client.active or not client.user.is_active:
            raise exceptions.AuthenticationFailed(_("Ogiltig eller spärrad token."))
        now = timezone.now()
        if client.last_used_at is None or (now - client.last_used_at).total_seconds() > 300:
            ApiClient.objects.filter(pk=client.pk).update(last_used_at=now)
        user = client.user
        user.api_client = client
        return (user, client)

    def authenticate_header(self, request):
        return self.keyword


class VerifiedSessionAuthentication(authentication.SessionAuthentication):
    """Session auth for staff, accepted only after the second factor (django-otp)."""

    def authenticate(self, request):
        result = super().authenticate(request)
        if result is None:
            return None
        user = result[0]
        if not getattr(user, "is_verified", lambda: False)():
            return None
        return result
