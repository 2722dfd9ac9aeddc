"""Publish the e-application (Ansökan om ekonomiskt bistånd) for one or more kommuner.

On a kommun that already has it, the form is brought up to date (``upgrade_form``: the
built-in texts' English as a new published version). ``--all`` does that for every kommun
with the e-service, e.g. after an upgrade of the platform.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from sambruk.core.organisations.models import Organisation
from sambruk.ekbist.application_form import ESERVICE_SLUG
from sambruk.ekbist.services.application import publish_eservice


class Command(BaseCommand):
    help = (
        "Skapar ärendetyp, kö, formulär och e-tjänsten Ansökan om ekonomiskt bistånd för "
        "kommunerna (kommunkod eller organisationens slug), eller uppdaterar formuläret där "
        "e-tjänsten redan finns (--all: alla sådana kommuner). Idempotent."
    )

    def add_arguments(self, parser):
        parser.add_argument("kommuner", nargs="*", help="kommunkod (t.ex. 2181) eller slug")
        parser.add_argument(
            "--all",
            action="store_true",
            help="uppdatera e-tjänsten i alla kommuner som redan har den",
        )

    def handle(self, *args, kommuner, **options):
        every = options["all"]
        if not kommuner and not every:
            raise CommandError("Ange kommuner eller --all.")
        orgs = []
        for key in kommuner:
            field = "kommunkod" if key.isdigit() else "slug"
            org = Organisation.objects.filter(**{field: key}).first()
            if org is None:
                raise CommandError(f"Organisationen {key} finns inte.")
            orgs.append(org)
        if every:
            having = Organisation.objects.filter(eservices__slug=ESERVICE_SLUG).order_by("name")
            orgs += [org for org in having if org not in orgs]
        for org in orgs:
            eservice = publish_eservice(org)
            version = eservice.form_version
            self.stdout.write(
                f"{org.name}: /e-tjanster/{org.slug}/{eservice.slug}/ "
                f"(formulärversion {version.number})"
            )
