import pytest
from django.core.management import call_command

from sambruk.cases.models import Case, CaseLogEntry, CaseState
from sambruk.core.accounts.models import User


@pytest.mark.django_db
def test_demo_loader_is_idempotent_and_varied(settings):
    settings.DEMO_MODE = True
    call_command("load_demo", verbosity=0)
    total = Case.objects.count()
    assert total >= 200
    assert set(Case.objects.values_list("state", flat=True)) >= {
        CaseState.OPEN,
        CaseState.ON_HOLD,
        CaseState.CLOSED,
        CaseState.DRAFT,
    }
    assert Case.objects.filter(organisation__kommunkod="2180").count() >= 90
    assert Case.objects.filter(organisation__slug="trafikverket", sent_from__isnull=False).exists()
    assert not Case.objects.filter(log__isnull=True).exists()
    worker = User.objects.get(email="handlaggare@sandviken.example.se")
    assert (
        Case.objects.visible_to(worker)
        .filter(queue__name="Kundtjänst", assignee__isnull=True)
        .exists()
    )
    logs = CaseLogEntry.objects.count()
    call_command("load_demo", verbosity=0)
    assert Case.objects.count() == total and CaseLogEntry.objects.count() == logs
