"""Migration 0003: the old single försörjningshinder becomes the sökande's; the medsökande's is
"not recorded"; and back."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from sambruk.core.organisations.tests.factories import OrganisationFactory

BEFORE = [("ekbist", "0002_application_multifraga_decision")]
AFTER = [("ekbist", "0003_forsorjningshinder_by_adult")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_the_old_code_goes_to_the_sokande_only_and_back():
    org = OrganisationFactory()
    try:
        old_apps = migrate(BEFORE)
        Application = old_apps.get_model("ekbist", "Application")
        common = {
            "organisation_id": org.pk,
            "kind": "nyansokan",
            "state": "submitted",
            "period": dt.date(2023, 12, 1),
            "applicant": "191212121212",
        }
        couple = Application.objects.create(
            **common, co_applicant="198112189876", forsorjningshinder="sjukskriven_utan"
        )
        empty = Application.objects.create(**common, forsorjningshinder="")

        new_apps = migrate(AFTER)
        Application = new_apps.get_model("ekbist", "Application")
        assert Application.objects.get(pk=couple.pk).forsorjningshinder_by_adult == {
            "sokande": "sjukskriven_utan"
        }
        assert Application.objects.get(pk=empty.pk).forsorjningshinder_by_adult == {}
        Application.objects.filter(pk=couple.pk).update(
            forsorjningshinder_by_adult={"sokande": "annat", "medsokande": "studerande"}
        )

        old_apps = migrate(BEFORE)
        Application = old_apps.get_model("ekbist", "Application")
        assert Application.objects.get(pk=couple.pk).forsorjningshinder == "annat"
        assert Application.objects.get(pk=empty.pk).forsorjningshinder == ""
    finally:
        migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
