"""Personnummer / samordningsnummer parsing, validation and display."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from hypothesis import assume, given
from hypothesis import strategies as st
from stdnum import luhn

from sambruk.core.persons.personnummer import Personnummer

TODAY = dt.date(2026, 6, 15)


def build(birth: dt.date, serial: int, *, coordination: bool = False) -> str:
    """12-digit number for ``birth`` with a computed Luhn check digit."""
    day = birth.day + (60 if coordination else 0)
    nine = f"{birth:%y%m}{day:02d}{serial:03d}"
    return f"{birth.year // 100}{nine}{luhn.calc_check_digit(nine)}"


births = st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2025, 12, 31))
serials = st.integers(min_value=0, max_value=999)


def accepted_forms(value: str, today: dt.date) -> list[str]:
    """Every input form that must parse to ``value`` on ``today``."""
    forms = [value, f"{value[:8]}-{value[8:]}", f" {value} "]
    age_this_year = today.year - int(value[:4])
    if age_this_year < 100:
        forms += [f"{value[2:8]}-{value[8:]}", value[2:]]
    elif age_this_year < 200:
        forms.append(f"{value[2:8]}+{value[8:]}")
    return forms


# --- round trips ------------------------------------------------------------------------
@given(births, serials, st.booleans())
def test_every_valid_number_round_trips_in_every_accepted_form(birth, serial, coordination):
    value = build(birth, serial, coordination=coordination)
    for text in accepted_forms(value, TODAY):
        pnr = Personnummer.parse(text, today=TODAY)
        assert pnr.value == value, text
        assert pnr.birth_date == birth
        assert pnr.is_coordination_number is coordination
        assert Personnummer.parse(pnr.short(TODAY), today=TODAY) == pnr
        assert Personnummer.parse(pnr.long(), today=TODAY) == pnr


@given(births, serials, st.integers(min_value=0, max_value=199))
def test_century_of_ten_digit_form_follows_today(birth, serial, years_later):
    """The 10-digit form (with ``-`` or ``+`` chosen for that day) gives back the century."""
    today = dt.date(birth.year + years_later, 12, 31)
    value = build(birth, serial)
    pnr = Personnummer(value)
    short = pnr.short(today)
    assert short[6] == ("+" if years_later >= 100 else "-")
    assert Personnummer.parse(short, today=today).value == value


@given(births, serials, st.booleans(), st.integers(min_value=2, max_value=11), st.data())
def test_every_single_digit_change_is_rejected(birth, serial, coordination, position, data):
    """Luhn catches every single-digit error in the 10 significant digits."""
    value = build(birth, serial, coordination=coordination)
    replacement = data.draw(st.sampled_from([d for d in "0123456789" if d != value[position]]))
    changed = value[:position] + replacement + value[position + 1 :]
    with pytest.raises(ValidationError):
        Personnummer.parse(changed, today=TODAY)
    with pytest.raises(ValidationError):
        Personnummer.parse(changed[2:], today=TODAY)


@given(births, serials)
def test_generated_coordination_numbers(birth, serial):
    value = build(birth, serial, coordination=True)
    pnr = Personnummer.parse(value, today=TODAY)
    assert pnr.is_coordination_number
    assert pnr.birth_date == birth
    assert int(pnr.value[6:8]) == birth.day + 60


@given(births, serials)
def test_future_dates_are_rejected(birth, serial):
    value = build(birth, serial)
    assume(birth > dt.date(1900, 1, 1))
    with pytest.raises(ValidationError) as exc:
        Personnummer.parse(value, today=birth - dt.timedelta(days=1))
    assert exc.value.code == "future"
    assert Personnummer.parse(value, today=birth).value == value


# --- examples ---------------------------------------------------------------------------
def test_tolvan():
    pnr = Personnummer.parse("19121212-1212", today=TODAY)
    assert pnr.value == "191212121212"
    assert pnr.long() == "19121212-1212"
    assert pnr.masked() == "19121212-****"
    assert str(pnr) == "19121212-1212"
    assert pnr.gender == "M"
    assert not pnr.is_coordination_number


def test_plus_separator_gives_the_previous_century():
    assert Personnummer.parse("121212+1212", today=TODAY).value == "191212121212"
    assert Personnummer.parse("121212-1212", today=TODAY).value == "201212121212"
    assert Personnummer.parse("1212121212", today=TODAY).value == "201212121212"


def test_plus_separator_on_the_year_of_the_100th_birthday():
    # Born 1926-12-31: turns 100 in 2026, so "+" from 2026-01-01 (not from the birthday).
    value = build(dt.date(1926, 12, 31), 123)
    assert Personnummer(value).short(dt.date(2026, 1, 1))[6] == "+"
    assert Personnummer(value).short(dt.date(2025, 12, 31))[6] == "-"
    plus = f"{value[2:8]}+{value[8:]}"
    assert Personnummer.parse(plus, today=dt.date(2026, 1, 1)).value == value
    # With "-" the same digits on that day mean 2026-12-31: in the future.
    minus = f"{value[2:8]}-{value[8:]}"
    with pytest.raises(ValidationError):
        Personnummer.parse(minus, today=dt.date(2026, 1, 1))


def test_samordningsnummer_example():
    pnr = Personnummer.parse("701063-2391", today=TODAY)
    assert pnr.value == "197010632391"
    assert pnr.birth_date == dt.date(1970, 10, 3)
    assert pnr.is_coordination_number
    assert pnr.masked() == "19701063-****"


def test_masked_never_contains_the_serial():
    pnr = Personnummer.parse("19121212-1212", today=TODAY)
    assert "1212" not in pnr.masked()[9:]


@pytest.mark.parametrize(
    ("at", "expected"),
    [
        (dt.date(2024, 12, 11), 111),
        (dt.date(2024, 12, 12), 112),
        (dt.date(2024, 12, 13), 112),
    ],
)
def test_age_on_birthday_edges(at, expected):
    assert Personnummer.parse("19121212-1212", today=TODAY).age(at) == expected


def test_age_for_29_february():
    value = build(dt.date(2000, 2, 29), 123)
    pnr = Personnummer.parse(value, today=TODAY)
    assert pnr.birth_date == dt.date(2000, 2, 29)
    assert pnr.age(dt.date(2001, 2, 28)) == 0
    assert pnr.age(dt.date(2001, 3, 1)) == 1
    assert pnr.age(dt.date(2004, 2, 28)) == 3
    assert pnr.age(dt.date(2004, 2, 29)) == 4


def test_29_february_needs_a_leap_year_in_the_derived_century():
    value = build(dt.date(2000, 2, 29), 123)  # 000229-...: 2000 is a leap year, 1900 is not
    assert Personnummer.parse(value[2:], today=TODAY).value == value
    with pytest.raises(ValidationError) as exc:
        Personnummer.parse(f"{value[2:8]}+{value[8:]}", today=TODAY)  # 1900-02-29
    assert exc.value.code == "date"
    with pytest.raises(ValidationError):
        Personnummer.parse(value[2:], today=dt.date(1999, 5, 1))  # 1900-02-29 again


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        (None, "required"),
        ("", "required"),
        ("   ", "required"),
        ("Tolvan", "format"),
        ("19121212-121X", "format"),
        ("121212-121", "format"),
        ("12121212121", "format"),
        ("1912121212123", "format"),
        ("19121212+1212", "format"),  # "+" only in the 10-digit form
        ("1912+12121212", "format"),
        ("191212--1212", "format"),
        ("19121212-1213", "checksum"),
        ("199902300000", "date"),  # 30 February (any check digit: the date fails first)
        (f"19990230123{luhn.calc_check_digit('990230123')}", "date"),
        ("19121312-1212", "date"),
        ("17121212-1212", "date"),  # century 17 is not used
        ("701093-2391", "date"),  # samordningsnummer day 93 - 60 = 33
        (build(dt.date(2026, 6, 16), 123), "future"),
    ],
)
def test_invalid_input_is_rejected_in_swedish(raw, code):
    with pytest.raises(ValidationError) as exc:
        Personnummer.parse(raw, today=TODAY)
    assert exc.value.code == code
    message = exc.value.messages[0]
    assert "personnum" in message.lower()
    assert not Personnummer.is_valid(raw, today=TODAY)


def test_swedish_messages_are_specific():
    with pytest.raises(ValidationError, match="fel kontrollsiffra"):
        Personnummer.parse("19121212-1213")
    with pytest.raises(ValidationError, match="födelsedatum i framtiden"):
        Personnummer.parse(build(dt.date(2026, 6, 16), 1), today=TODAY)
    with pytest.raises(ValidationError, match="Plustecken"):
        Personnummer.parse("19121212+1212")
