from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from sambruk.core.accounts.demo import DEMO_USERS
from sambruk.core.demo import DEMO_PASSWORD, loaders


class Command(BaseCommand):
    help = "Läser in demodata (idempotent). Endast i demoläge."

    def handle(self, *args, **options):
        if settings.PRODUCTION or not settings.DEMO_MODE:
            raise CommandError(
                "Demodata kan bara läsas in i demoläge (SAMBRUK_DEMO=true), aldrig i produktion."
            )
        for loader in loaders():
            loader.load(lambda msg: self.stdout.write(msg))
        if options["verbosity"] >= 1:
            self.stdout.write("")
            self.stdout.write(f"Demoinloggningar (lösenord {DEMO_PASSWORD}, engångskod 000000):")
            for email, _name, _org, role, superuser in DEMO_USERS:
                what = "plattformsadministratör" if superuser else role
                self.stdout.write(f"  {email:40} {what}")
