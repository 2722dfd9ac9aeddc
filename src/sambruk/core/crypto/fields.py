"""``EncryptedTextField`` and column-level helpers for data migrations and key rotation."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator

from django.apps import apps as global_apps
from django.core.exceptions import FieldError
from django.db import connections, models, transaction

from . import PREFIX, DecryptionError, Undecryptable, decrypt, encrypt, is_encrypted, rotate

log = logging.getLogger(__name__)


class EncryptedTextField(models.TextField):
    """A text value stored as ``fernet:<token>`` and decrypted when the row is read.

    Reads never fail: a value encrypted with an unknown key becomes an :class:`Undecryptable`
    (logged), a plaintext value (a row written before the field was encrypted) is returned as
    is. ``""`` and ``None`` are stored as they are. Only the ``isnull`` lookup exists.
    """

    description = "Text encrypted at rest (Fernet)"

    def from_db_value(self, value, expression, connection):
        return self._read(value)

    def _read(self, value):
        if not is_encrypted(value):
            return value
        try:
            return decrypt(value)
        except DecryptionError:
            log.error(
                "%s.%s: a stored value cannot be decrypted with FIELD_ENCRYPTION_KEYS",
                self.model._meta.label if hasattr(self, "model") else "?",
                self.name,
            )
            return Undecryptable(value)

    def to_python(self, value):
        if isinstance(value, Undecryptable):
            return value
        if is_encrypted(value):
            return self._read(value)
        return super().to_python(value)

    def get_prep_value(self, value):
        if isinstance(value, Undecryptable):
            return value.ciphertext
        value = models.Field.get_prep_value(self, value)
        if value is None or value == "":
            return value
        return encrypt(str(value))

    def value_to_string(self, obj):
        """Serialised (``dumpdata``) as ciphertext, like the column."""
        return self.get_prep_value(self.value_from_object(obj))

    def get_lookup(self, lookup_name):
        if lookup_name != "isnull":
            raise FieldError(
                f"{self.name} is encrypted: only the isnull lookup is possible "
                f"(not {lookup_name!r})."
            )
        return super().get_lookup(lookup_name)


# --- whole columns (data migrations, key rotation) --------------------------------------

BATCH = 500


def _rows(model, column: str, using: str) -> Iterator[list[tuple]]:
    """(pk, raw value) of the non-empty values of ``column``, in batches, by primary key."""
    connection = connections[using]
    qn = connection.ops.quote_name
    table, pk = qn(model._meta.db_table), qn(model._meta.pk.column)
    last = None
    while True:
        sql = f"SELECT {pk}, {qn(column)} FROM {table} WHERE {qn(column)} IS NOT NULL"  # noqa: S608
        sql += f" AND {qn(column)} <> ''"
        params: list = []
        if last is not None:
            sql += f" AND {pk} > %s"
            params.append(last)
        sql += f" ORDER BY {pk} LIMIT {BATCH}"
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        if not rows:
            return
        yield rows
        last = rows[-1][0]


def transform_column(
    model,
    column: str,
    change: Callable[[str], str | None],
    *,
    using: str = "default",
    progress: Callable[[int, int], None] | None = None,
) -> tuple[int, int]:
    """Apply ``change`` (raw → new raw, or None: leave it) to every non-empty value.

    Each row is written only if it still holds the value read (a concurrent change wins).
    Returns (changed, failed); ``change`` raising :class:`DecryptionError` counts as failed.
    """
    connection = connections[using]
    qn = connection.ops.quote_name
    table, pk = qn(model._meta.db_table), qn(model._meta.pk.column)
    update = f"UPDATE {table} SET {qn(column)} = %s WHERE {pk} = %s AND {qn(column)} = %s"  # noqa: S608
    changed = failed = seen = 0
    for rows in _rows(model, column, using):
        with transaction.atomic(using=using), connection.cursor() as cursor:
            for key, raw in rows:
                try:
                    new = change(raw)
                except DecryptionError:
                    failed += 1
                    log.error("%s.%s pk=%s cannot be decrypted", model._meta.label, column, key)
                    continue
                if new is not None and new != raw:
                    cursor.execute(update, [new, key, raw])
                    changed += cursor.rowcount
        seen += len(rows)
        if progress:
            progress(seen, changed)
    return changed, failed


def encrypt_plaintext(raw: str) -> str | None:
    return None if is_encrypted(raw) else encrypt(raw)


def decrypt_to_plaintext(raw: str) -> str | None:
    return decrypt(raw) if is_encrypted(raw) else None


def encrypt_column_migration(app_label: str, model_name: str, field_name: str):
    """A ``RunPython`` pair for a data migration: encrypt plaintext rows / decrypt them back."""

    def forward(apps, schema_editor):
        model = apps.get_model(app_label, model_name)
        column = model._meta.get_field(field_name).column
        transform_column(model, column, encrypt_plaintext, using=schema_editor.connection.alias)

    def backward(apps, schema_editor):
        model = apps.get_model(app_label, model_name)
        column = model._meta.get_field(field_name).column
        _changed, failed = transform_column(
            model, column, decrypt_to_plaintext, using=schema_editor.connection.alias
        )
        if failed:
            raise DecryptionError(
                f"{failed} values of {app_label}.{model_name}.{field_name} cannot be decrypted "
                "with FIELD_ENCRYPTION_KEYS; add the old key and migrate back again."
            )

    return forward, backward


def encrypted_fields(app_registry=global_apps) -> list[tuple[type[models.Model], models.Field]]:
    """Every concrete ``EncryptedTextField`` of every installed (non-proxy) model."""
    found = []
    for model in app_registry.get_models():
        if model._meta.proxy or not model._meta.managed:
            continue
        for field in model._meta.concrete_fields:
            if isinstance(field, EncryptedTextField):
                found.append((model, field))
    return found


__all__ = [
    "PREFIX",
    "EncryptedTextField",
    "encrypt_column_migration",
    "encrypted_fields",
    "rotate",
    "transform_column",
]
