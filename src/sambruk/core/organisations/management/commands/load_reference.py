from django.core.management.base import BaseCommand

from sambruk.core.organisations.services import load_reference_data


class Command(BaseCommand):
    help = "Läser in referensdata: Sveriges kommuner, regioner och myndigheter (idempotent)."

    def handle(self, *args, **options):
        counts = load_reference_data()
        self.stdout.write(
            self.style.SUCCESS(
                f"{counts['kommuner']} kommuner, {counts['regioner']} regioner, "
                f"{counts['myndigheter']} myndigheter "
                f"({counts['created']} nya, {counts['updated']} ändrade)."
            )
        )
