"""The demo ekonomiassistent: idempotent loader, can open payments and statistics."""

from __future__ import annotations

import pytest
from django.urls import reverse

from conftest import verified_login
from sambruk.core.accounts.models import Membership, User
from sambruk.core.organisations.tests.factories import OrganisationFactory
from sambruk.ekbist.demo_finance import FINANCE_EMAIL, load_finance_demo

pytestmark = pytest.mark.django_db


def test_demo_finance_user(client):
    org = OrganisationFactory(name="Sandvikens kommun", kommunkod="2181")
    messages = []
    load_finance_demo(messages.append)
    load_finance_demo(messages.append)  # idempotent
    user = User.objects.get(email=FINANCE_EMAIL)
    assert list(Membership.objects.filter(user=user).values_list("organisation", "role")) == [
        (org.pk, "ekbist_finance")
    ]
    verified_login(client, user)
    assert client.get(reverse("ekbist:payments")).status_code == 200
    assert client.get(reverse("ekbist:statistics")).status_code == 200
    assert client.get(reverse("ekbist:payments_export")).status_code == 200
