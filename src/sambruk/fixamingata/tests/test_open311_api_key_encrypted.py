"""The Open311 api_key we send as a client is encrypted at rest and still sent as it was."""

from __future__ import annotations

import pytest
from cryptography.fernet import Fernet
from django.db import connection

from sambruk.fixamingata.models import Body, SendState

from .test_open311_client import open311_body, sandviken_key, submit_road_report

pytestmark = pytest.mark.django_db(transaction=True)


def raw_key(body) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT open311_api_key FROM fixamingata_body WHERE id = %s", [body.pk])
        return cursor.fetchone()[0]


def test_open311_client_sends_the_decrypted_key_the_column_holds_ciphertext(world, live_server):
    key = sandviken_key(world)
    road = open311_body(world, live_server.url + "/open311/v2/", key)
    raw = raw_key(road.body)
    assert raw.startswith("fernet:") and key not in raw
    assert Body.objects.get(pk=road.body.pk).open311_api_key == key

    report = submit_road_report(world)
    report.refresh_from_db()
    # Our own Open311 server accepted the key: the report arrived at Sandviken.
    assert report.send_state == SendState.SENT, report.send_last_error
    assert report.external_id


def test_key_encrypted_with_an_unknown_key_is_a_visible_failure(world, settings, caplog):
    open311_body(world, "http://127.0.0.1:9/open311/v2/", "sandvikens-nyckel")
    settings.FIELD_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]
    report = submit_road_report(world)
    report.refresh_from_db()
    assert report.send_state == SendState.UNSENT
    assert "Open311 api_key" in report.send_last_error
    assert "kan inte läsas" in report.send_last_error
    assert "cannot be decrypted" in caplog.text
