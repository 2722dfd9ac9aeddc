import pytest
from django.core.exceptions import ValidationError

from sambruk.core.organisations.validators import (
    normalise_organisationsnummer,
    validate_kommunkod,
    validate_organisationsnummer,
)


@pytest.mark.parametrize(
    ("value", "normalised"),
    [
        ("212000-1967", "212000-1967"),
        ("212000-0142", "212000-0142"),
        ("556334-8449", "556334-8449"),
        ("162120002411", "212000-2411"),
        ("2021006297", "202100-6297"),
        (" 202100 6297 ", "202100-6297"),
    ],
)
def test_valid_organisationsnummer(value, normalised):
    validate_organisationsnummer(value)
    assert normalise_organisationsnummer(value) == normalised


@pytest.mark.parametrize(
    ("value", "code", "message"),
    [
        ("212000-1968", "checksum", "fel kontrollsiffra"),
        ("121212-1212", "invalid", "tredje siffran ska vara 2 eller högre"),
        ("212000-196", "format", "ska ha 10 siffror"),
        ("21200019670", "format", "ska ha 10 siffror"),
        ("2120001967123", "format", "ska ha 10 siffror"),
        ("21200A-1967", "format", "ska ha 10 siffror"),
        ("abcdef-ghij", "format", "ska ha 10 siffror"),
    ],
)
def test_invalid_organisationsnummer(value, code, message):
    with pytest.raises(ValidationError) as excinfo:
        validate_organisationsnummer(value)
    assert excinfo.value.code == code
    assert message in excinfo.value.messages[0]


def test_empty_organisationsnummer_is_allowed():
    validate_organisationsnummer("")


@pytest.mark.parametrize("value", ["218", "21811", "21a1", ""])
def test_invalid_kommunkod(value):
    with pytest.raises(ValidationError, match="fyra siffror"):
        validate_kommunkod(value)
