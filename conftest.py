"""Shared pytest fixtures for the whole suite."""

from __future__ import annotations

import pytest


def verified_login(client, user):
    """Log ``user`` in with a verified second factor (as after a real TOTP step)."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    client.force_login(user)
    device = TOTPDevice.objects.filter(user=user).first() or TOTPDevice.objects.create(
        user=user, name="test", confirmed=True
    )
    session = client.session
    session["otp_device_id"] = device.persistent_id
    session.save()
    return client


@pytest.fixture
def login():
    return verified_login


@pytest.fixture
def org_factory(db):
    from sambruk.core.organisations.tests.factories import OrganisationFactory

    return OrganisationFactory


@pytest.fixture
def member(db):
    """``member(org, role)`` → a staff user with that role in that organisation."""
    from sambruk.core.accounts.tests.factories import MembershipFactory, UserFactory

    def make(organisation, role="caseworker", **user_kwargs):
        user = UserFactory(**user_kwargs)
        MembershipFactory(user=user, organisation=organisation, role=role)
        return user

    return make
