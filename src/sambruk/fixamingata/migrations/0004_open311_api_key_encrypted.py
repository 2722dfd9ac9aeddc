"""The Open311 api_key we send as a client is encrypted at rest.

The column is widened to text first, then existing plaintext rows are encrypted
(reversible: migrating back decrypts them, then narrows the column again)."""

from django.db import migrations

import sambruk.core.crypto.fields
from sambruk.core.crypto.fields import encrypt_column_migration

encrypt_rows, decrypt_rows = encrypt_column_migration("fixamingata", "Body", "open311_api_key")


class Migration(migrations.Migration):
    dependencies = [
        ("fixamingata", "0003_open311_list_index"),
    ]

    operations = [
        migrations.AlterField(
            model_name="body",
            name="open311_api_key",
            field=sambruk.core.crypto.fields.EncryptedTextField(
                blank=True, default="", verbose_name="Open311 api_key"
            ),
        ),
        migrations.RunPython(encrypt_rows, decrypt_rows),
    ]
