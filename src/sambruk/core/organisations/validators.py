"""Organisationsnummer validation on python-stdnum."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from stdnum import luhn
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.se import orgnr


def normalise_organisationsnummer(value: str) -> str:
    """Return ``NNNNNN-NNNN`` or raise a Swedish ValidationError.

    Accepts the 10-digit form with or without hyphen and the 12-digit form ``16NNNNNNNNNN``.
    """
    raw = "".join(ch for ch in str(value) if not ch.isspace())
    digits = raw.replace("-", "")
    if len(digits) == 12 and digits.startswith("16"):
        digits = digits[2:]
    if not digits.isdigit() or len(digits) != 10:
        raise ValidationError(
            _("Organisationsnummer ska ha 10 siffror, till exempel 212000-2411."), code="format"
        )
    try:
        orgnr.validate(digits)
    except StdnumError:
        try:
            luhn.validate(digits)
        except StdnumError:
            raise ValidationError(
                _("Organisationsnumret %(value)s har fel kontrollsiffra.") % {"value": value},
                code="checksum",
            )
        raise ValidationError(
            _("%(value)s är inget organisationsnummer (tredje siffran ska vara 2 eller högre).")
            % {"value": value},
            code="invalid",
        )
    if int(digits[2]) < 2:
        raise ValidationError(
            _("%(value)s är inget organisationsnummer (tredje siffran ska vara 2 eller högre).")
            % {"value": value},
            code="invalid",
        )
    return orgnr.format(digits)


def validate_organisationsnummer(value: str) -> None:
    if value:
        normalise_organisationsnummer(value)


def validate_kommunkod(value: str) -> None:
    if not (isinstance(value, str) and len(value) == 4 and value.isdigit()):
        raise ValidationError(
            _("Kommunkod ska vara fyra siffror, till exempel 2181."), code="format"
        )
