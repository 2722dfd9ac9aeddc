"""Task-worker jobs of the e-service publisher (scheduled from :mod:`sambruk.tasks`)."""

from __future__ import annotations

from huey.contrib.djhuey import db_task


@db_task(retries=3, retry_delay=30)
def make_receipt(submission_id: int):
    """The PDF copy of a submission, then the receipt e-mail linking to it."""
    from .services.receipts import make_receipt_now

    sub = make_receipt_now(submission_id)
    return sub.pk if sub else None


def send_draft_warnings() -> int:
    from .services.submissions import send_expiry_warnings

    return send_expiry_warnings()


def expire_drafts() -> int:
    from .services.submissions import expire_drafts as run

    return run()


def expire_invitations() -> int:
    from .services.signing import expire_invitations as run

    return run()
