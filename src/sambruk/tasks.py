"""Huey: the one place where periodic tasks are registered.

Modules define plain task functions in their own ``tasks.py``; the periodic schedule of the
whole platform is declared here so operators can read it in one file.
"""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import HUEY as huey  # noqa: F401
from huey.contrib.djhuey import db_periodic_task

from sambruk.core.notifications import tasks as notification_tasks
from sambruk.fixamingata import delivery as _fixamingata_delivery  # noqa: F401  (its @db_task)


@db_periodic_task(crontab(minute="*"))
def retry_due_outbox():
    """Every minute: deliver outbox messages whose next attempt is due."""
    return notification_tasks.deliver_due()


@db_periodic_task(crontab(hour="6", minute="30"))
def send_case_due_notices():
    """Daily 06:30: one digest per person of overdue cases and cases due soon."""
    from sambruk.cases.tasks import send_due_notices

    return send_due_notices()


@db_periodic_task(crontab(hour="2", minute="15"))
def run_case_retention():
    """Daily 02:15: gallring of closed cases per case type's retention rule."""
    from sambruk.cases.retention import run_retention

    return run_retention()


@db_periodic_task(crontab(minute="7"))
def send_fixamingata_alerts():
    """Hourly: FixaMinGata alert e-mails (new reports in a kommun / near a point, updates)."""
    from sambruk.fixamingata.tasks import send_alerts

    return send_alerts()


@db_periodic_task(crontab(hour="9", minute="10"))
def send_fixamingata_questionnaires():
    """Daily 09:10: "is it fixed?" questionnaires 4 weeks after a report was sent."""
    from sambruk.fixamingata.tasks import send_questionnaires

    return send_questionnaires()


@db_periodic_task(crontab(minute="*/5"))
def retry_unsent_reports():
    """Every 5 minutes: FixaMinGata deliveries that are due (retries: 5 min, then 30 min;
    Open311 tokens waiting for their id)."""
    from sambruk.fixamingata.delivery import retry_unsent

    return retry_unsent()


@db_periodic_task(crontab(minute="*/15"))
def fetch_fixamingata_open311_updates():
    """Every 15 minutes: status updates from the kommuner's Open311 servers."""
    from sambruk.fixamingata.delivery import fetch_updates

    return fetch_updates()


@db_periodic_task(crontab(hour="7", minute="20"))
def send_fixamingata_failure_summary():
    """Daily 07:20: reports that could not be delivered, to body admins and platform admins."""
    from sambruk.fixamingata.delivery import send_failure_summary

    return send_failure_summary()


@db_periodic_task(crontab(minute="40"))
def update_fixamingata_statistics():
    """Hourly: DailyStats for the (kommun, day) groups whose reports changed recently;
    Sundays 03:40 a full rebuild."""
    from django.utils import timezone

    from sambruk.fixamingata import statistics

    now = timezone.localtime()
    if now.weekday() == 6 and now.hour == 3:
        return statistics.rebuild_daily_stats()
    return statistics.rebuild_daily_stats(since=timezone.now() - statistics.INCREMENTAL_WINDOW)


@db_periodic_task(crontab(hour="8", minute="5"))
def send_eforms_draft_warnings():
    """Daily 08:05: e-mail citizens whose e-service draft expires within a few days."""
    from sambruk.eforms.tasks import send_draft_warnings

    return send_draft_warnings()


@db_periodic_task(crontab(hour="3", minute="25"))
def expire_eforms_drafts():
    """Daily 03:25: expired e-service drafts are emptied (answers and files removed)."""
    from sambruk.eforms.tasks import expire_drafts

    return expire_drafts()


@db_periodic_task(crontab(minute="35"))
def expire_eforms_invitations():
    """Hourly: co-applicant invitations that expired; the first signer is told."""
    from sambruk.eforms.tasks import expire_invitations

    return expire_invitations()


@db_periodic_task(crontab(minute="*"))
def retry_due_webhooks():
    """Every minute: webhook deliveries whose next attempt is due (channel)."""
    from sambruk.channel.tasks import retry_due_webhooks as run

    return run()


@db_periodic_task(crontab(minute="*/5"))
def catch_up_event_feed():
    """Every 5 minutes: case events of the last 2 hours not yet in the feed (channel)."""
    from sambruk.channel.tasks import catch_up_feed

    return catch_up_feed()


@db_periodic_task(crontab(minute="*/2"))
def process_pending_inbound_mail():
    """Every 2 minutes: inbound e-mail stored by ``sambruk mailin`` but not processed."""
    from sambruk.channel.mail.tasks import process_pending

    return process_pending()
