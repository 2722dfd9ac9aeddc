"""The Personnummer value type (personnummer and samordningsnummer) on python-stdnum.

Accepted input: 10 digits (``YYMMDD-NNNC``, ``YYMMDD+NNNC`` for people who have turned
100, or no separator) and 12 digits (``YYYYMMDDNNNC``, with or without ``-``).
Samordningsnummer have the day plus 60. The stored form is always 12 digits.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from stdnum import luhn
from stdnum.exceptions import InvalidChecksum
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.se import personnummer as stdnum_pnr

COORDINATION_OFFSET = 60


class InvalidPersonnummer(ValidationError):
    pass


@dataclass(frozen=True, order=True)
class Personnummer:
    """A validated civic number: ``value`` is the 12-digit form, e.g. ``191212121212``."""

    value: str

    @classmethod
    def parse(cls, raw: str, *, today: dt.date | None = None) -> Personnummer:
        if isinstance(raw, Personnummer):
            return raw
        if raw is None:
            raise InvalidPersonnummer(_("Ange ett personnummer."), code="required")
        text = str(raw).strip()
        if not text:
            raise InvalidPersonnummer(_("Ange ett personnummer."), code="required")
        try:
            compact = stdnum_pnr.compact(text)
        except Exception:
            compact = text
        digits = compact.replace("-", "").replace("+", "")
        separator = compact[-5] if len(compact) in (11, 13) else ""
        if not digits.isdigit() or len(digits) not in (10, 12) or separator not in "-+":
            raise InvalidPersonnummer(
                _(
                    "Personnumret ska skrivas med 10 eller 12 siffror, till exempel "
                    "ÅÅMMDD-NNNN eller ÅÅÅÅMMDDNNNN."
                ),
                code="format",
            )
        if len(digits) == 12 and separator == "+":
            raise InvalidPersonnummer(
                _("Plustecken används bara i den tiosiffriga formen."), code="format"
            )
        day = int(digits[-6:-4])
        coordination = day > COORDINATION_OFFSET
        birth_digits = digits
        if coordination:
            birth_day = day - COORDINATION_OFFSET
            birth_digits = f"{digits[:-6]}{birth_day:02d}{digits[-4:]}"
        # stdnum works out the century of a 10-digit number (and ``+``) from today's date.
        birth_text = (
            birth_digits if len(digits) == 12 else f"{birth_digits[:6]}{separator}{birth_digits[6:]}"
        )
        try:
            birth = stdnum_pnr.get_birth_date(birth_text)
        except StdnumError:
            raise InvalidPersonnummer(
                _("Personnumret innehåller inget giltigt födelsedatum."), code="date"
            )
        if today is not None and len(digits) == 10:
            birth = _century_for(birth, separator, today)
        try:
            luhn.validate(digits[-10:])
        except InvalidChecksum:
            raise InvalidPersonnummer(
                _("Personnumret har fel kontrollsiffra. Kontrollera att alla siffror är rätt."),
                code="checksum",
            )
        value = f"{birth.year:04d}{digits[-8:]}"
        if birth > (today or dt.date.today()):
            raise InvalidPersonnummer(
                _("Personnumret anger ett födelsedatum i framtiden."), code="future"
            )
        return cls(value)

    @classmethod
    def is_valid(cls, raw: str) -> bool:
        try:
            cls.parse(raw)
        except ValidationError:
            return False
        return True

    # --- views of the number --------------------------------------------------------
    @property
    def is_coordination_number(self) -> bool:
        """Samordningsnummer: day of birth + 60."""
        return int(self.value[6:8]) > COORDINATION_OFFSET

    @property
    def birth_date(self) -> dt.date:
        day = int(self.value[6:8])
        if day > COORDINATION_OFFSET:
            day -= COORDINATION_OFFSET
        return dt.date(int(self.value[:4]), int(self.value[4:6]), day)

    def age(self, at: dt.date | None = None) -> int:
        at = at or dt.date.today()
        born = self.birth_date
        return at.year - born.year - ((at.month, at.day) < (born.month, born.day))

    @property
    def gender(self) -> str:
        """Legal sex from the birth number: ``"M"`` (odd) or ``"F"`` (even)."""
        return "M" if int(self.value[10]) % 2 else "F"

    def long(self) -> str:
        """``YYYYMMDD-NNNN``."""
        return f"{self.value[:8]}-{self.value[8:]}"

    def short(self, at: dt.date | None = None) -> str:
        """``YYMMDD-NNNN``, or ``YYMMDD+NNNN`` from the year the person turns 100."""
        at = at or dt.date.today()
        sep = "+" if at.year - self.birth_date.year >= 100 else "-"
        return f"{self.value[2:8]}{sep}{self.value[8:]}"

    def masked(self) -> str:
        """``19121212-****``: the form to show where the full number is not needed."""
        return f"{self.value[:8]}-****"

    def __str__(self) -> str:
        return self.long()


def _century_for(birth: dt.date, separator: str, today: dt.date) -> dt.date:
    """Century rule relative to ``today`` (stdnum uses the real date)."""
    yy = birth.year % 100
    century = today.year // 100
    if yy > today.year % 100:
        century -= 1
    if separator == "+":
        century -= 1
    return birth.replace(year=century * 100 + yy)
