"""Helpers shared by the citizen page tests (test_citizen_*.py)."""

from __future__ import annotations

import io
import re
import time

import pytest
from PIL import Image

from sambruk.fixamingata import services
from sambruk.fixamingata.models import ConfirmationToken, TokenPurpose

from .factories import SANDVIKEN


def jpeg(name="lykta.jpg", size=(64, 48)):
    buf = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buf, "JPEG")
    buf.seek(0)
    buf.name = name
    return buf


def form_data(world, point=SANDVIKEN, **kw):
    cat = world.cat(world.sandviken_body, "Gatubelysning")
    return {
        "lat": point[0],
        "lon": point[1],
        "category": cat.pk,
        "title": "Trasig gatlykta",
        "detail": "Lyktan vid busshållplatsen är släckt.",
        "name": "Åsa Öberg",
        "email": "asa@example.se",
        "phone": "070-1234567",
        "idempotency_key": "",
        **kw,
    }


def link_in_mail(smtp, pattern, to=None):
    """The first match of ``pattern`` in a mail received (waiting up to 5 s for it)."""
    deadline = time.monotonic() + 5
    while True:
        for message in smtp.messages:
            if to and message["To"] != to:
                continue
            found = re.search(pattern, message.get_body(preferencelist=("plain",)).get_content())
            if found:
                return found.group(0)
        if time.monotonic() > deadline:
            raise AssertionError(f"no mail with {pattern}")
        time.sleep(0.05)


MAIL = pytest.mark.django_db(transaction=True)


def confirmed_report(world, point=SANDVIKEN, title="Trasig gatlykta", **kw):
    report = services.submit_report(
        lat=point[0],
        lon=point[1],
        category=kw.pop("category", None) or world.cat(world.sandviken_body, "Gatubelysning"),
        title=title,
        name="Åsa Öberg",
        email=kw.pop("email", "asa@example.se"),
        address_string=kw.pop("address_string", ""),
    )
    token = ConfirmationToken.objects.get(purpose=TokenPurpose.REPORT, object_id=report.pk)
    return services.confirm_report(token.token)
