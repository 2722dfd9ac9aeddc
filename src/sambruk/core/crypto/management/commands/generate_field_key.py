"""``sambruk generate_field_key``: print a new Fernet key for ``FIELD_ENCRYPTION_KEYS``."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from sambruk.core.crypto.keys import generate_key


class Command(BaseCommand):
    help = "Print a new random key for FIELD_ENCRYPTION_KEYS (put it first, then rotate)."

    def handle(self, *args, **options):
        self.stdout.write(generate_key())
