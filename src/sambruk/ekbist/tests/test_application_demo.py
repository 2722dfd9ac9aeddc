"""The ekbist demo loader: caseworker, published e-service, one submitted couple's application."""

from __future__ import annotations

import pytest

from sambruk.core.demo import loaders
from sambruk.ekbist import application_data as ad
from sambruk.ekbist.models import Application


@pytest.fixture
def demo_loaded(db, settings, tmp_path):
    from sambruk.core.organisations.services import load_reference_data

    settings.DEMO_MODE = True
    settings.MEDIA_ROOT = str(tmp_path)
    load_reference_data()
    for loader in loaders():
        if loader.name in ("core", "cases", "eforms", "ekbist", "ekbist-application"):
            loader.load(lambda msg: None)


def test_demo_application_and_caseworker(demo_loaded):
    from sambruk.core.accounts.models import Membership, User
    from sambruk.core.authz.permissions import has_perm

    application = Application.objects.get(applicant="191212121212")
    assert application.co_applicant == "198112189876"
    assert application.state == "submitted" and application.case_id
    assert application.case.queue.name == "Ekonomiskt bistånd"
    data = application.data
    assert len(ad.children(data)) == 2 and data["housing"]["rent"] == 7800
    assert {a["kind"] for a in data["attachments"]} == {"hyresavi", "kostnadsforslag_tandvard"}
    assert application.case.attachments.count() == 2
    worker = User.objects.get(email="socialsekreterare@sandviken.example.se")
    assert worker.check_password("Demo-2026-sambruk")
    assert Membership.objects.filter(user=worker, role="ekbist_caseworker").exists()
    assert has_perm(worker, "ekbist.view_application", application.organisation)
    assert worker in application.case.queue.members.all()
    # The caseworker has recorded one försörjningshinder per adult (sökande and medsökande).
    assert application.forsorjningshinder_by_adult == {
        "sokande": "arbetslos_otillracklig",
        "medsokande": "arbetslos_utan",
    }
    # Idempotent.
    for loader in loaders():
        if loader.name == "ekbist-application":
            loader.load(lambda msg: None)
    assert Application.objects.count() == 1


def test_publish_command(db):
    from io import StringIO

    from django.core.management import CommandError, call_command

    from sambruk.core.organisations.tests.factories import OrganisationFactory

    org = OrganisationFactory(kommunkod="2181", slug="sandviken")
    out = StringIO()
    call_command("ekbist_publish_application", "2181", stdout=out)
    call_command("ekbist_publish_application", "sandviken", stdout=out)
    assert out.getvalue().count("/e-tjanster/sandviken/ekonomiskt-bistand/") == 2
    from sambruk.eforms.queries import eservice_by_slug

    assert eservice_by_slug(org, "ekonomiskt-bistand") is not None
    with pytest.raises(CommandError):
        call_command("ekbist_publish_application", "9999")
