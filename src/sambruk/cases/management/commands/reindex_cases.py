"""Rebuild the full-text search documents of cases (backfill after migration 0003, repairs)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from sambruk.cases import search
from sambruk.cases.models import Case


class Command(BaseCommand):
    help = "Bygger om sökindexet för ärenden (i omgångar, med förlopp)."

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=500)
        parser.add_argument(
            "--organisation", type=int, help="Endast ärenden i organisationen med detta id."
        )

    def handle(self, *args, batch_size, organisation, **options):
        if batch_size < 1:
            raise CommandError("--batch-size måste vara minst 1.")
        cases = Case.objects.order_by("pk")
        if organisation:
            cases = cases.filter(organisation_id=organisation)
        total = cases.count()
        done = 0
        last = 0
        while True:
            ids = list(cases.filter(pk__gt=last).values_list("pk", flat=True)[:batch_size])
            if not ids:
                break
            search.reindex_cases(ids)
            done += len(ids)
            last = ids[-1]
            self.stdout.write(f"{done}/{total} ärenden indexerade")
        pruned = search.prune_index() if not organisation else 0
        self.stdout.write(
            self.style.SUCCESS(f"Klart: {done} ärenden indexerade, {pruned} inaktuella borttagna.")
        )
