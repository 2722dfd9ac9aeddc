from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from sambruk.ekbist.norm_data import DATA_FILE, RiksnormFileError, load_riksnorm


class Command(BaseCommand):
    help = (
        "Läser in riksnormen per år från riksnorm.csv (idempotent; befintliga rader "
        "behålls om inte --update anges)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--path", type=Path, default=DATA_FILE, help="CSV-fil att läsa.")
        parser.add_argument(
            "--update", action="store_true", help="Skriv över belopp som skiljer sig från filen."
        )

    def handle(self, *args, path, update, **options):
        try:
            counts = load_riksnorm(path, update=update)
        except (OSError, RiksnormFileError) as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"Riksnorm: {counts['years']} år, {counts['created']} nya, "
                f"{counts['updated']} ändrade, {counts['unchanged']} oförändrade rader."
            )
        )
