"""The Personnummer value type (personnummer and samordningsnummer) on python-stdnum.

Accepted input (surrounding whitespace and inner spaces are ignored):

* 12 digits ``YYYYMMDDNNNC`` or ``YYYYMMDD-NNNC`` (century 18, 19 or 20);
* 10 digits ``YYMMDD-NNNC`` or ``YYMMDDNNNC`` for people who are younger than 100 in the
  current year, ``YYMMDD+NNNC`` from the year the person turns 100 (18 § FOL). The century
  of the 10-digit form is the latest one that puts the birth date in the allowed range; the
  ``+`` only moves it back by 100 years, it never gives the century by itself.

Samordningsnummer (18 a § FOL) have the day of birth plus 60. The check digit is the Luhn
digit over the 10-digit form (``stdnum.luhn``). The stored form is always 12 digits.

Parsing is relative to a date (``today``) because the century of the 10-digit form and the
"not in the future" rule depend on it; pass ``today=`` for deterministic results.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from stdnum import luhn
from stdnum.exceptions import ValidationError as StdnumError

COORDINATION_OFFSET = 60
VALID_CENTURIES = (18, 19, 20)

_PATTERN = re.compile(r"^(?P<century>\d{2})?(?P<date>\d{6})(?P<sep>[-+]?)(?P<serial>\d{4})$")


class InvalidPersonnummer(ValidationError):
    pass


def _format_error() -> InvalidPersonnummer:
    return InvalidPersonnummer(
        _(
            "Personnumret ska skrivas med 10 eller 12 siffror, till exempel "
            "ÅÅMMDD-NNNN eller ÅÅÅÅMMDDNNNN."
        ),
        code="format",
    )


def _date_error() -> InvalidPersonnummer:
    return InvalidPersonnummer(
        _("Personnumret innehåller inget giltigt födelsedatum."), code="date"
    )


@dataclass(frozen=True, order=True)
class Personnummer:
    """A validated civic number: ``value`` is the 12-digit form, e.g. ``191212121212``.

    Build it with :meth:`parse`; the constructor does not validate.
    """

    value: str

    @classmethod
    def parse(cls, raw, *, today: dt.date | None = None) -> Personnummer:
        """Validate ``raw`` and return the number; raise :class:`InvalidPersonnummer`.

        ``today`` is the reference date for the century of a 10-digit number and for the
        future-date check (default: today's date).
        """
        if isinstance(raw, Personnummer):
            return raw
        text = "" if raw is None else str(raw).strip().replace(" ", "")
        if not text:
            raise InvalidPersonnummer(_("Ange ett personnummer."), code="required")
        match = _PATTERN.match(text)
        if match is None:
            raise _format_error()
        century_text, date_text, separator, serial = match.group("century", "date", "sep", "serial")
        today = today or dt.date.today()
        if century_text is not None and separator == "+":
            raise InvalidPersonnummer(
                _(
                    "Plustecken används bara i den tiosiffriga formen av personnumret (ÅÅMMDD+NNNN)."
                ),
                code="format",
            )

        yy, month, day = int(date_text[:2]), int(date_text[2:4]), int(date_text[4:6])
        birth_day = day - COORDINATION_OFFSET if day > COORDINATION_OFFSET else day
        if century_text is not None:
            if int(century_text) not in VALID_CENTURIES:
                raise _date_error()
            year = int(century_text) * 100 + yy
        else:
            year = _year_for(yy, separator, today)
        try:
            birth = dt.date(year, month, birth_day)
        except ValueError:
            raise _date_error() from None

        ten = date_text + serial
        try:
            luhn.validate(ten)
        except StdnumError:
            raise InvalidPersonnummer(
                _("Personnumret har fel kontrollsiffra. Kontrollera att alla siffror är rätt."),
                code="checksum",
            ) from None
        if birth > today:
            raise InvalidPersonnummer(
                _("Personnumret anger ett födelsedatum i framtiden."), code="future"
            )
        return cls(f"{year:04d}{ten[2:]}")

    @classmethod
    def is_valid(cls, raw, *, today: dt.date | None = None) -> bool:
        try:
            cls.parse(raw, today=today)
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
        """Age in whole years on ``at``; someone born on 29 February ages on 1 March."""
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


def _year_for(yy: int, separator: str, today: dt.date) -> int:
    """Century rule for the 10-digit form, relative to ``today``.

    ``-`` (or none): the latest year ending in ``yy`` that is not after this year, i.e. the
    person is younger than 100 this year. ``+``: 100 years before that, i.e. the person turns
    100 or more this year.
    """
    century = today.year // 100
    if yy > today.year % 100:
        century -= 1
    if separator == "+":
        century -= 1
    return century * 100 + yy
