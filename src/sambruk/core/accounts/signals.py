"""Audit log-ins and failed log-ins."""

from __future__ import annotations

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from sambruk.core.audit.models import AuditAction
from sambruk.core.audit.services import record


@receiver(user_logged_in)
def _logged_in(sender, request, user, **kwargs):
    # An e-legitimation login (eleg.session.do_citizen_login) leaves how the citizen was
    # identified on the request: the one "login" event then carries method, LoA and issuer.
    eleg = getattr(request, "eleg_login_audit", None) if request is not None else None
    if eleg:
        record(AuditAction.LOGIN, actor=user, obj=user, **eleg)
        return
    record(AuditAction.LOGIN, actor=user, object_type="accounts.user", object_id=str(user.pk))


@receiver(user_logged_out)
def _logged_out(sender, request, user, **kwargs):
    if user is not None:
        record(AuditAction.LOGOUT, actor=user, object_type="accounts.user", object_id=str(user.pk))


@receiver(user_login_failed)
def _login_failed(sender, credentials, request=None, **kwargs):
    username = str(credentials.get("username", ""))[:200]
    record(AuditAction.LOGIN_FAILED, object_type="accounts.user", changes={"username": username})
