"""Webhook secrets encrypted at rest; the previous secret kept for a grace period after a new one.

The column is widened to text first, then existing plaintext rows are encrypted
(reversible: migrating back decrypts them, then narrows the column again)."""

from django.db import migrations, models

import sambruk.channel.models.webhooks
import sambruk.core.crypto.fields
from sambruk.core.crypto.fields import encrypt_column_migration

encrypt_rows, decrypt_rows = encrypt_column_migration("channel", "WebhookSubscription", "secret")


class Migration(migrations.Migration):
    dependencies = [
        ("channel", "0003_feed_seq_positive"),
    ]

    operations = [
        migrations.AddField(
            model_name="webhooksubscription",
            name="previous_secret",
            field=sambruk.core.crypto.fields.EncryptedTextField(
                blank=True, default="", verbose_name="tidigare hemlighet"
            ),
        ),
        migrations.AddField(
            model_name="webhooksubscription",
            name="previous_secret_until",
            field=models.DateTimeField(
                blank=True, null=True, verbose_name="tidigare hemlighet gäller till"
            ),
        ),
        migrations.AlterField(
            model_name="webhooksubscription",
            name="secret",
            field=sambruk.core.crypto.fields.EncryptedTextField(
                default=sambruk.channel.models.webhooks.new_secret, verbose_name="hemlighet"
            ),
        ),
        migrations.RunPython(encrypt_rows, decrypt_rows),
    ]
