"""Delivery of SMS notices (huey, retried with a delay)."""

from __future__ import annotations

import logging

from django.db import transaction
from django.utils import timezone
from huey.contrib.djhuey import db_task

from .models import SmsMessage, SmsStatus
from .sms import SmsError, get_sender

log = logging.getLogger(__name__)

RETRIES = 5
RETRY_DELAY = 60


def deliver_sms_now(sms_id: int) -> SmsMessage | None:
    """Send one queued SMS; record the attempt. Raises :class:`SmsError` when it failed."""
    with transaction.atomic():
        sms = SmsMessage.objects.select_for_update().filter(pk=sms_id).first()
        if sms is None or sms.status == SmsStatus.SENT:
            return sms
        sms.attempts += 1
        sender = get_sender()
        try:
            if sender is None:
                raise SmsError("SMS is not configured (SMS_GATEWAY_URL)")
            sender.send(sms.to, sms.body)
        except SmsError as exc:
            sms.last_error = str(exc)[:1000]
            sms.status = SmsStatus.FAILED if sms.attempts > RETRIES else SmsStatus.QUEUED
            sms.save(update_fields=["attempts", "last_error", "status"])
            log.warning("SMS %s: attempt %s failed: %s", sms.pk, sms.attempts, exc)
            failed = exc
        else:
            sms.status = SmsStatus.SENT
            sms.sent_at = timezone.now()
            sms.last_error = ""
            sms.save(update_fields=["attempts", "last_error", "status", "sent_at"])
            return sms
    raise failed


@db_task(retries=RETRIES, retry_delay=RETRY_DELAY)
def deliver_sms(sms_id: int):
    sms = deliver_sms_now(sms_id)
    return sms.status if sms else None
