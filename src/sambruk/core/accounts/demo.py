"""The kernel's demo data: organisations, staff users in different roles, fictional persons."""

from __future__ import annotations

from django.core.management import call_command
from django.db import transaction

from sambruk.core.demo import DEMO_API_TOKEN, DEMO_PASSWORD, register_demo_loader

# (e-mail, name, organisation slug or kommunkod, role, superuser)
DEMO_USERS = [
    ("admin@sambruk.example.se", "Ada Plattformsson", None, None, True),
    ("admin@sandviken.example.se", "Sara Administratör", "2181", "org_admin", False),
    ("handlaggare@sandviken.example.se", "Hans Handläggare", "2181", "caseworker", False),
    ("granskare@sandviken.example.se", "Greta Granskare", "2181", "auditor", False),
    ("handlaggare@gavle.example.se", "Göran Gävlesson", "2180", "caseworker", False),
    (
        "trafikverket@trafikverket.example.se",
        "Tina Trafiksson",
        "trafikverket",
        "caseworker",
        False,
    ),
]
# Extra roles for demo users.
DEMO_EXTRA_ROLES = [
    ("admin@sandviken.example.se", "2181", "protected_data"),
    ("admin@sandviken.example.se", "2181", "auditor"),
]

# Fictional persons with valid check digits. 19121212-1212 (Tolvan Tolvansson) is
# Skatteverket's published test number.
DEMO_PERSONS = [
    ("191212121212", "Tolvan", "Tolvansson", "Testgatan 12", "81130", "Sandviken", "ingen"),
    ("198112189876", "Testa", "Påhittadsson", "Exempelvägen 3", "81131", "Sandviken", "ingen"),
    ("197010632391", "Sam", "Samordnare", "Provgränd 1", "80320", "Gävle", "ingen"),
    (
        "199001012385",
        "Skyddad",
        "Demoperson",
        "Hemlig adress 9",
        "81134",
        "Sandviken",
        "skyddad_folkbokforing",
    ),
    ("196503152388", "Markerad", "Demosson", "Lönnvägen 7", "80311", "Gävle", "sekretessmarkering"),
    ("200402292387", "Skottdag", "Fiktivsson", "Skottårsgatan 29", "81135", "Sandviken", "ingen"),
]


def _organisation(key):
    from sambruk.core.organisations.models import Organisation

    if key is None:
        return None
    if key.isdigit():
        return Organisation.objects.get(kommunkod=key)
    return Organisation.objects.get(slug=key)


@register_demo_loader("core", order=0)
def load_core_demo(log) -> None:
    from django_otp.plugins.otp_totp.models import TOTPDevice  # noqa: F401

    from sambruk.core.accounts.models import DemoDevice, Membership, User
    from sambruk.core.api.models import ApiClient, hash_token
    from sambruk.core.api.services import create_api_client
    from sambruk.core.organisations.models import Organisation
    from sambruk.core.persons.models import Person

    if not Organisation.objects.filter(kommunkod="2181").exists():
        call_command("load_reference", verbosity=0)
    with transaction.atomic():
        for org_key in ("2181", "2180"):
            org = _organisation(org_key)
            if not org.is_member:
                org.is_member = True
                org.save(update_fields=["is_member"])
        created = 0
        for email, name, org_key, role, superuser in DEMO_USERS:
            user, was_created = User.objects.get_or_create(
                email=email,
                defaults={"full_name": name, "is_staff": superuser, "is_superuser": superuser},
            )
            if was_created:
                user.set_password(DEMO_PASSWORD)
                user.save(update_fields=["password"])
                created += 1
            DemoDevice.objects.get_or_create(
                user=user, defaults={"name": "Demo", "confirmed": True}
            )
            if role:
                Membership.objects.get_or_create(
                    user=user, organisation=_organisation(org_key), role=role
                )
        for email, org_key, role in DEMO_EXTRA_ROLES:
            Membership.objects.get_or_create(
                user=User.objects.get(email=email), organisation=_organisation(org_key), role=role
            )
        for pnr, given, family, street, postal, city, protection in DEMO_PERSONS:
            Person.objects.get_or_create(
                civic_number=pnr,
                defaults={
                    "given_name": given,
                    "family_name": family,
                    "street_address": street,
                    "postal_code": postal,
                    "city": city,
                    "email": f"{given.lower()}.{family.lower()}@example.se".replace("å", "a"),
                    "phone": "070-000 00 00",
                    "protection": protection,
                },
            )
        sandviken = _organisation("2181")
        if not ApiClient.objects.filter(token_hash=hash_token(DEMO_API_TOKEN)).exists():
            from sambruk.core.accounts.roles import role_permissions

            create_api_client(
                actor=None,
                organisation=sandviken,
                name="Demo-integration Sandviken",
                scopes=sorted(role_permissions("caseworker")),
                token=DEMO_API_TOKEN,
            )
    log(f"Demo: {created} nya användare, {len(DEMO_PERSONS)} påhittade personer.")
