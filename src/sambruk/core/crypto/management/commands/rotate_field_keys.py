"""``sambruk rotate_field_keys``: re-encrypt every encrypted column with the current key.

Run it after putting a new key first in ``FIELD_ENCRYPTION_KEYS``; when it reports no
failures, the old keys can be removed. Plaintext values (written before a field was
encrypted) are encrypted too. Safe to run again and while the platform runs: each row is
written only if it still holds the value read.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from sambruk.core.crypto import rotate
from sambruk.core.crypto.fields import encrypted_fields, transform_column


class Command(BaseCommand):
    help = "Re-encrypt every encrypted database field with the first key of FIELD_ENCRYPTION_KEYS."

    def add_arguments(self, parser):
        parser.add_argument("--database", default="default")

    def handle(self, *args, database="default", **options):
        total_failed = 0
        fields = encrypted_fields()
        for model, field in fields:
            label = f"{model._meta.label}.{field.name}"

            def progress(seen, changed, label=label):
                self.stdout.write(f"  {label}: {seen} read, {changed} re-encrypted")

            self.stdout.write(f"{label} …")
            changed, failed = transform_column(
                model, field.column, rotate, using=database, progress=progress
            )
            total_failed += failed
            line = f"{label}: {changed} re-encrypted"
            if failed:
                self.stderr.write(
                    self.style.ERROR(f"{line}, {failed} cannot be decrypted with any key")
                )
            else:
                self.stdout.write(self.style.SUCCESS(line))
        if total_failed:
            raise CommandError(
                f"{total_failed} values could not be decrypted (encrypted with a key that is not "
                "in FIELD_ENCRYPTION_KEYS); keep the old keys, or enter those values again."
            )
        self.stdout.write(
            self.style.SUCCESS(f"Done: {len(fields)} fields; the old keys can now be removed.")
        )
