"""Publish the e-application (Ansökan om ekonomiskt bistånd) for one or more kommuner."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from sambruk.core.organisations.models import Organisation
from sambruk.ekbist.services.application import publish_eservice


class Command(BaseCommand):
    help = (
        "Skapar ärendetyp, kö, formulär och e-tjänsten Ansökan om ekonomiskt bistånd för "
        "kommunerna (kommunkod eller organisationens slug). Idempotent."
    )

    def add_arguments(self, parser):
        parser.add_argument("kommuner", nargs="+", help="kommunkod (t.ex. 2181) eller slug")

    def handle(self, *args, kommuner, **options):
        for key in kommuner:
            field = "kommunkod" if key.isdigit() else "slug"
            org = Organisation.objects.filter(**{field: key}).first()
            if org is None:
                raise CommandError(f"Organisationen {key} finns inte.")
            eservice = publish_eservice(org)
            self.stdout.write(f"{org.name}: /e-tjanster/{org.slug}/{eservice.slug}/")
