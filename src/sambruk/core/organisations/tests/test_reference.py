import pytest
from django.core.management import call_command

from sambruk.core.audit.models import AuditEvent
from sambruk.core.organisations import reference
from sambruk.core.organisations.models import Organisation, OrganisationType
from sambruk.core.organisations.services import load_reference_data
from sambruk.core.organisations.validators import validate_organisationsnummer


@pytest.mark.parametrize(
    ("short", "full"),
    [
        ("Sandviken", "Sandvikens kommun"),
        ("Gävle", "Gävle kommun"),
        ("Borås", "Borås kommun"),
        ("Kalix", "Kalix kommun"),
        ("Umeå", "Umeå kommun"),
        ("Upplands Väsby", "Upplands Väsby kommun"),
        ("Malung-Sälen", "Malung-Sälens kommun"),
        ("Falun", "Falu kommun"),
    ],
)
def test_kommun_name(short, full):
    assert reference.kommun_name(short) == full


def test_reference_lists():
    assert len(reference.LAN) == 21
    assert reference.LAN["21"] == "Gävleborgs län"
    assert reference.LAN["25"] == "Norrbottens län"
    assert len(reference.REGIONER) == 21
    assert {r.lanskod for r in reference.REGIONER} == set(reference.LAN)
    assert len(reference.MYNDIGHETER) == 12
    kommuner = reference.kommuner()
    assert len(kommuner) == 290
    assert {k.lanskod for k in kommuner} == set(reference.LAN)
    every = [*kommuner, *reference.REGIONER, *reference.MYNDIGHETER]
    assert len({o.slug for o in every}) == len(every)
    for org in every:
        validate_organisationsnummer(org.organisationsnummer)


@pytest.mark.django_db
def test_load_reference_data():
    counts = load_reference_data()
    assert counts == {
        "kommuner": 290,
        "regioner": 21,
        "myndigheter": 12,
        "created": 323,
        "updated": 0,
    }
    assert Organisation.objects.filter(type=OrganisationType.KOMMUN).count() == 290
    assert Organisation.objects.filter(type=OrganisationType.REGION).count() == 21
    assert Organisation.objects.filter(type=OrganisationType.MYNDIGHET).count() == 12
    codes = list(Organisation.objects.filter(type="kommun").values_list("kommunkod", flat=True))
    assert len(set(codes)) == 290
    sandviken = Organisation.objects.get(kommunkod="2181")
    assert (sandviken.name, sandviken.slug, sandviken.lanskod) == (
        "Sandvikens kommun",
        "sandvikens-kommun",
        "21",
    )
    assert sandviken.lan_name == "Gävleborgs län"
    assert Organisation.objects.get(kommunkod="1880").organisationsnummer == "212000-1967"
    assert Organisation.objects.get(slug="trafikverket").organisationsnummer == "202100-6297"
    assert Organisation.objects.get(slug="region-gavleborg").lanskod == "21"
    for org in Organisation.objects.all():
        org.full_clean()


@pytest.mark.django_db
def test_load_reference_is_idempotent_and_keeps_admin_edits(django_assert_max_num_queries):
    load_reference_data()
    Organisation.objects.filter(kommunkod="2181").update(
        email="kommun@sandviken.se", website="https://sandviken.se", is_member=True
    )
    Organisation.objects.filter(kommunkod="2180").update(organisationsnummer="212000-2411")
    before = {o.pk: o for o in Organisation.objects.all()}
    with django_assert_max_num_queries(10):  # reads only, no writes
        counts = load_reference_data()
    assert (counts["created"], counts["updated"]) == (0, 0)
    after = {o.pk: o for o in Organisation.objects.all()}
    assert before.keys() == after.keys()
    fields = [f.attname for f in Organisation._meta.concrete_fields]
    for pk, org in after.items():
        assert [getattr(org, f) for f in fields] == [getattr(before[pk], f) for f in fields]
    sandviken = after[Organisation.objects.get(kommunkod="2181").pk]
    assert sandviken.email == "kommun@sandviken.se" and sandviken.is_member
    assert Organisation.objects.get(kommunkod="2180").organisationsnummer == "212000-2411"


@pytest.mark.django_db
def test_load_reference_repairs_owned_fields():
    load_reference_data()
    Organisation.objects.filter(kommunkod="2181").update(name="Fel namn", lanskod="99")
    counts = load_reference_data()
    assert counts["updated"] == 1
    org = Organisation.objects.get(kommunkod="2181")
    assert (org.name, org.lanskod) == ("Sandvikens kommun", "21")


@pytest.mark.django_db
def test_load_reference_command(capsys):
    call_command("load_reference")
    out = capsys.readouterr().out
    assert "290 kommuner, 21 regioner, 12 myndigheter" in out
    assert AuditEvent.objects.count() == 0
    call_command("load_reference")
    assert "0 nya, 0 ändrade" in capsys.readouterr().out
    assert Organisation.objects.count() == 323


def test_colliding_slugs_get_kommunkod_suffix():
    slugs = {k.kommunkod: k.slug for k in reference.kommuner()}
    assert slugs["0305"] == "habo-kommun-0305"  # Håbo
    assert slugs["0643"] == "habo-kommun-0643"  # Habo
    assert slugs["2181"] == "sandvikens-kommun"
