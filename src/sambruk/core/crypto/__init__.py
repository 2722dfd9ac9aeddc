"""Secrets at rest: values encrypted with Fernet (AES-128-CBC + HMAC-SHA256) before they
reach the database, decrypted when read.

* :class:`~.fields.EncryptedTextField` — a model field whose column holds only
  ``fernet:<token>``; the prefix tells encrypted values from plaintext ones (data migrations,
  :func:`encrypt_column`).
* Keys: :mod:`.keys` (``FIELD_ENCRYPTION_KEYS``, first encrypts, all decrypt).
* A value encrypted with a key that is no longer configured is read as :class:`Undecryptable`
  (logged, never an exception while loading the row); code that needs the plaintext calls
  :func:`reveal`, which raises :class:`DecryptionError` with a message for the user.
* ``sambruk rotate_field_keys`` re-encrypts every encrypted column with the current key.

Encrypted columns cannot be filtered on (Fernet tokens are randomised): only ``isnull``.
"""

from __future__ import annotations

import logging

from cryptography.fernet import InvalidToken
from django.utils.translation import gettext as _

from .keys import multi_fernet

log = logging.getLogger(__name__)

PREFIX = "fernet:"


class DecryptionError(Exception):
    """A stored value cannot be decrypted with the configured keys."""

    def __init__(self, message: str | None = None):
        super().__init__(
            message
            or _(
                "Ett krypterat värde kan inte läsas: det är krypterat med en nyckel som inte "
                "längre finns i FIELD_ENCRYPTION_KEYS. Ange värdet på nytt."
            )
        )


class Undecryptable:
    """Stands in for a stored value whose key is unknown; saving the row keeps it unchanged."""

    __slots__ = ("ciphertext",)

    def __init__(self, ciphertext: str):
        self.ciphertext = ciphertext

    def __bool__(self) -> bool:
        return True

    def __eq__(self, other) -> bool:
        return isinstance(other, Undecryptable) and other.ciphertext == self.ciphertext

    def __hash__(self) -> int:
        return hash(self.ciphertext)

    def __repr__(self) -> str:
        return "<Undecryptable>"

    def __str__(self) -> str:  # never let the ciphertext pass for the secret
        raise DecryptionError()


def is_encrypted(value) -> bool:
    return isinstance(value, str) and value.startswith(PREFIX)


def encrypt(plaintext: str) -> str:
    token = multi_fernet().encrypt(plaintext.encode("utf-8"))
    return PREFIX + token.decode("ascii")


def decrypt(stored: str) -> str:
    """The plaintext of ``fernet:<token>``; :class:`DecryptionError` if no key fits."""
    if not is_encrypted(stored):
        raise DecryptionError(_("Värdet är inte krypterat."))
    try:
        return multi_fernet().decrypt(stored[len(PREFIX) :].encode("ascii")).decode("utf-8")
    except (InvalidToken, UnicodeError):
        raise DecryptionError() from None


def rotate(stored: str) -> str:
    """``stored`` encrypted with the current key (plaintext is encrypted)."""
    if not is_encrypted(stored):
        return encrypt(stored)
    try:
        token = multi_fernet().rotate(stored[len(PREFIX) :].encode("ascii"))
    except (InvalidToken, UnicodeError):
        raise DecryptionError() from None
    return PREFIX + token.decode("ascii")


def reveal(value) -> str:
    """The plaintext of a field value; :class:`DecryptionError` for an :class:`Undecryptable`."""
    if isinstance(value, Undecryptable):
        raise DecryptionError()
    return value or ""


def mask(value, *, keep: int = 4) -> str:
    """``whsec_…abcd``: a value's prefix (up to ``_``) and last ``keep`` characters."""
    if isinstance(value, Undecryptable):
        return _("kan inte läsas (okänd krypteringsnyckel)")
    if not value:
        return ""
    head = value[: value.index("_") + 1] if "_" in value[:12] else ""
    tail = value[-keep:] if len(value) >= keep * 3 else ""
    return f"{head}…{tail}"
