import factory
from stdnum import luhn

from sambruk.core.persons.models import Person, Protection


def fictional_civic_number(n: int) -> str:
    """Valid check digit, born on a fixed date in 1950–1999, for clearly fictional persons."""
    year = 1950 + n % 50
    month = 1 + (n // 50) % 12
    day = 1 + (n // 600) % 28
    serial = 100 + (n // 16800) % 900
    nine = f"{year % 100:02d}{month:02d}{day:02d}{serial:03d}"
    return f"{year // 100}{nine}{luhn.calc_check_digit(nine)}"


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    civic_number = factory.Sequence(fictional_civic_number)
    given_name = factory.Iterator(["Tolvan", "Testa", "Pröva", "Exempla", "Fiktiva"])
    family_name = factory.Sequence(lambda n: f"Testsson{n}")
    street_address = "Påhittade gatan 1"
    postal_code = "81130"
    city = "Sandviken"
    email = factory.Sequence(lambda n: f"person{n}@example.se")
    phone = "070-000 00 00"

    class Params:
        protected = factory.Trait(protection=Protection.SKYDDAD_FOLKBOKFORING)
        marked = factory.Trait(protection=Protection.SEKRETESSMARKERING)
