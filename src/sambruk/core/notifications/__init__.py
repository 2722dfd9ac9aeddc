"""Notifications: the outbox (e-mail now, later SMS).

A service function calls :func:`services.queue_email` *inside* its business transaction. The
message is rendered at once (in the recipient's language), written as an
:class:`~.models.OutboxMessage` row in the same transaction, and delivery is scheduled with
``transaction.on_commit``: a rolled-back change sends nothing. Delivery retries with
exponential backoff (``OUTBOX_BACKOFF_SECONDS``) and marks the message *failed* after
``OUTBOX_MAX_ATTEMPTS``; failed messages are visible and can be retried on ``/utskick/``
and in the admin. The periodic task ``retry_due_outbox`` (in :mod:`sambruk.tasks`) picks up
whatever is due.

Bounces: with ``MAILIN_DOMAINS`` set, mail is sent with the VERP envelope sender
``bounces+<bounce_token>@CASES_REPLY_DOMAIN``; ``sambruk mailin`` matches the delivery report
that comes back and marks the row *bounced* (:func:`services.mark_bounced`, see
docs/channel-mail.md).

E-mail templates
----------------
Every e-mail is a *triplet* of templates under ``<module>/templates/<module>/email/``::

    <name>_subject.txt   one line, plain text (no HTML escaping)
    <name>.txt           plain-text body, extends "notifications/email/base.txt"
    <name>.html          HTML body (optional), extends "notifications/email/base.html"

and is queued with ``queue_email(to=..., template="<module>/email/<name>", context=...,
language=...)``. Rules:

* All text goes through gettext (``{% translate %}`` / ``{% blocktranslate %}``); the
  language is chosen by ``translation.override(language)``, Swedish by default.
* ``.txt`` templates are rendered with autoescaping off, ``.html`` with autoescaping on.
* Links must be absolute: ``{{ site_url }}`` is in every context.
* The HTML layout uses inline styles only and simple tables (e-mail clients drop ``<style>``
  and CSS layout); the text part must carry the same information as the HTML part.
* Never put more personal data in an e-mail than the recipient needs: prefer a link to the
  platform over the content of a case.

The kernel's own template is ``notifications/email/test_message`` (sent from ``/utskick/``
to verify the SMTP settings).
"""
