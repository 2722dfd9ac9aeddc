"""Field encryption: ciphertext in the column, key rotation, unknown keys, data migrations."""

from __future__ import annotations

import io

import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import FieldError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from sambruk.channel.models import WebhookSubscription
from sambruk.channel.services.webhooks import create_subscription
from sambruk.core.crypto import (
    DecryptionError,
    Undecryptable,
    decrypt,
    encrypt,
    mask,
    reveal,
)
from sambruk.core.crypto.checks import check_keys
from sambruk.core.crypto.fields import encrypt_column_migration
from sambruk.core.organisations.tests.factories import OrganisationFactory

K1, K2, K3 = (Fernet.generate_key().decode() for _ in range(3))


def raw(pk: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT secret FROM channel_webhooksubscription WHERE id = %s", [pk])
        return cursor.fetchone()[0]


def subscriptions(n: int) -> list[WebhookSubscription]:
    org = OrganisationFactory()
    return [
        create_subscription(
            actor=None,
            organisation=org,
            name=f"Mottagare {i}",
            url="https://1.1.1.1/in",
            secret=f"whsec_hemlig-{i}",
        )
        for i in range(n)
    ]


def test_round_trip_and_no_plaintext_in_the_column(db, settings):
    settings.FIELD_ENCRYPTION_KEYS = [K1]
    (sub,) = subscriptions(1)
    stored = raw(sub.pk)
    assert stored.startswith("fernet:") and "hemlig" not in stored
    assert Fernet(K1).decrypt(stored[len("fernet:") :].encode()) == b"whsec_hemlig-0"
    assert WebhookSubscription.objects.get(pk=sub.pk).secret == "whsec_hemlig-0"
    assert encrypt("x") != encrypt("x")  # randomised: equal values are not recognisable


def test_without_configured_keys_a_key_is_derived_from_secret_key(db, settings):
    settings.FIELD_ENCRYPTION_KEYS = []
    token = encrypt("värde")
    assert decrypt(token) == "värde"
    settings.SECRET_KEY = "another-secret-key-" + "x" * 40
    with pytest.raises(DecryptionError):
        decrypt(token)


def test_encrypted_fields_cannot_be_filtered(db):
    with pytest.raises(FieldError, match="encrypted"):
        list(WebhookSubscription.objects.filter(secret="whsec_x"))
    assert not WebhookSubscription.objects.filter(secret__isnull=True).exists()


def test_rotate_field_keys_reencrypts_and_values_still_read(db, settings):
    settings.FIELD_ENCRYPTION_KEYS = [K1]
    subs = subscriptions(3)
    before = {s.pk: raw(s.pk) for s in subs}

    settings.FIELD_ENCRYPTION_KEYS = [K2, K1]  # a new key first, the old one to decrypt
    out = io.StringIO()
    call_command("rotate_field_keys", stdout=out)
    text = out.getvalue()
    assert "channel.WebhookSubscription.secret: 3 read, 3 re-encrypted" in text
    assert "fixamingata.Body.open311_api_key" in text and "Done" in text

    settings.FIELD_ENCRYPTION_KEYS = [K2]  # the old key removed
    for sub in subs:
        assert raw(sub.pk) != before[sub.pk]
        Fernet(K2).decrypt(raw(sub.pk)[len("fernet:") :].encode())
        assert WebhookSubscription.objects.get(pk=sub.pk).secret == sub.secret


def test_unknown_key_reads_as_undecryptable_and_rotation_says_so(db, settings, caplog):
    settings.FIELD_ENCRYPTION_KEYS = [K1]
    (sub,) = subscriptions(1)
    settings.FIELD_ENCRYPTION_KEYS = [K3]
    loaded = WebhookSubscription.objects.get(pk=sub.pk)  # loading the row does not fail
    assert isinstance(loaded.secret, Undecryptable)
    assert "cannot be decrypted with FIELD_ENCRYPTION_KEYS" in caplog.text
    with pytest.raises(DecryptionError, match="FIELD_ENCRYPTION_KEYS"):
        reveal(loaded.secret)
    with pytest.raises(DecryptionError):
        str(loaded.secret)  # never passes for the secret
    assert mask(loaded.secret) == "kan inte läsas (okänd krypteringsnyckel)"
    stored = raw(sub.pk)
    err = io.StringIO()
    with pytest.raises(CommandError, match="1 values could not be decrypted"):
        call_command("rotate_field_keys", stdout=io.StringIO(), stderr=err)
    assert "cannot be decrypted with any key" in err.getvalue()
    assert raw(sub.pk) == stored  # left as it was: the old key may come back


def test_data_migration_encrypts_plaintext_rows_and_back(db, settings):
    from django.apps import apps

    settings.FIELD_ENCRYPTION_KEYS = [K1]
    subs = subscriptions(2)
    with connection.cursor() as cursor:  # a row as it was before the migration
        cursor.execute(
            "UPDATE channel_webhooksubscription SET secret = %s WHERE id = %s",
            ["whsec_klartext", subs[0].pk],
        )
    kept = raw(subs[1].pk)
    forward, backward = encrypt_column_migration("channel", "WebhookSubscription", "secret")

    class Editor:
        pass

    editor = Editor()
    editor.connection = connection
    forward(apps, editor)
    assert raw(subs[0].pk).startswith("fernet:") and "klartext" not in raw(subs[0].pk)
    assert raw(subs[1].pk) == kept  # already encrypted: untouched
    assert WebhookSubscription.objects.get(pk=subs[0].pk).secret == "whsec_klartext"
    forward(apps, editor)  # idempotent
    backward(apps, editor)
    assert raw(subs[0].pk) == "whsec_klartext" and raw(subs[1].pk) == "whsec_hemlig-1"


def test_mask():
    assert mask("whsec_abcdefghijklmnopqrstuvwxyz") == "whsec_…wxyz"
    assert mask("abcdefghijklmnop") == "…mnop"
    assert mask("kort") == "…" and mask("") == ""


def test_invalid_key_fails_the_system_check(settings):
    settings.FIELD_ENCRYPTION_KEYS = ["inte-en-nyckel"]
    errors = check_keys()
    assert [e.id for e in errors] == ["crypto.E001"]
    assert "nyckel 1 är inte en giltig Fernet-nyckel" in errors[0].msg
    settings.FIELD_ENCRYPTION_KEYS = f"{K1},{K2}"  # a comma-separated string works too
    assert check_keys() == []
