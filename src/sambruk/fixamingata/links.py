"""Absolute links used in e-mails. The citizen views own the URLs; these are the fallbacks
used when a named URL is not (yet) registered, so mail always carries a working path shape.
"""

from __future__ import annotations

from django.conf import settings
from django.urls import NoReverseMatch, reverse

FALLBACKS = {
    "fixamingata:confirm_report": "/fixamingata/bekrafta/{token}/",
    "fixamingata:confirm_update": "/fixamingata/uppdatering/bekrafta/{token}/",
    "fixamingata:confirm_alert": "/fixamingata/bevakning/bekrafta/{token}/",
    "fixamingata:unsubscribe": "/fixamingata/bevakning/avsluta/{token}/",
    "fixamingata:questionnaire": "/fixamingata/enkat/{token}/",
    "fixamingata:report": "/fixamingata/rapport/{pk}/",
}


def absolute(name: str, **kwargs) -> str:
    try:
        path = reverse(name, kwargs=kwargs)
    except NoReverseMatch:
        path = FALLBACKS[name].format(**kwargs)
    return settings.SITE_URL.rstrip("/") + path


def report_url(report) -> str:
    return absolute("fixamingata:report", pk=report.pk)
