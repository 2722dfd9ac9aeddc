"""Test data for decisions, payments and statistics: a kommun with the application case type,
a submitted application with a case, staff with the social-services roles."""

from __future__ import annotations

import datetime as dt
import io

from django.core.management import call_command

from sambruk.cases import services as case_services
from sambruk.core.accounts.tests.factories import MembershipFactory, UserFactory
from sambruk.core.persons.models import Person, Protection
from sambruk.ekbist.models import Application, ApplicationKind, ApplicationState

TOLVAN = "191212121212"
TESTA = "198112189876"
PERIOD = dt.date(2023, 12, 1)  # a riksnorm year in ekbist/data/riksnorm.csv


def load_norm():
    call_command("load_riksnorm", stdout=io.StringIO())


def staff(organisation, *roles, **kwargs):
    """A user with ``roles`` in ``organisation`` (default: handläggare + socialsekreterare)."""
    user = UserFactory(**kwargs)
    for role in roles or ("caseworker", "ekbist_caseworker"):
        MembershipFactory(user=user, organisation=organisation, role=role)
    return user


def single_data(*, rent=6000, electricity=300, income=1500, name="Tolvan Tolvansson", **extra):
    data = {
        "version": 1,
        "kind": "nyansokan",
        "period": PERIOD.strftime("%Y-%m"),
        "protected": False,
        "members": [
            {
                "role": "sokande",
                "name": name,
                "civic_number": TOLVAN,
                "birth_date": "1990-01-01",
                "residence": "heltid",
            }
        ],
        "housing": {"type": "hyresratt", "rent": rent, "residents": 1},
        "incomes": [{"person": "sokande", "type": "a_kassa", "amount": income, "label": ""}],
        "costs": {"hyra": rent, "hushallsel": electricity, "ovrigt": []},
    }
    data.update(extra)
    return data


def couple_data(**extra):
    data = single_data(**extra)
    data["members"].append(
        {
            "role": "medsokande",
            "name": "Testa Påhittadsson",
            "civic_number": TESTA,
            "birth_date": "1981-12-18",
            "residence": "heltid",
        }
    )
    data["housing"]["residents"] = 2
    return data


def case_setup(organisation):
    from sambruk.ekbist.casesetup import ensure_case_setup

    return ensure_case_setup(organisation)


def make_application(
    organisation,
    actor,
    *,
    data=None,
    period=PERIOD,
    applicant=TOLVAN,
    co_applicant="",
    state=ApplicationState.SUBMITTED,
    setup=None,
) -> Application:
    case_type, queue = setup or case_setup(organisation)
    case = case_services.do_create(
        actor=actor,
        queue=queue,
        case_type=case_type,
        title="Ansökan om ekonomiskt bistånd",
        description="",
    )
    return Application.objects.create(
        organisation=organisation,
        case=case,
        kind=ApplicationKind.NEW,
        state=state,
        period=period,
        applicant=applicant,
        co_applicant=co_applicant,
        data=data if data is not None else single_data(),
    )


def tolvan(protection=Protection.NONE):
    return Person.objects.update_or_create(
        civic_number=TOLVAN,
        defaults={
            "given_name": "Tolvan",
            "family_name": "Tolvansson",
            "street_address": "Testgatan 12",
            "postal_code": "81130",
            "city": "Sandviken",
            "protection": protection,
        },
    )[0]
