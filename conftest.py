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


@pytest.fixture(autouse=True)
def _mailin_in_process(settings):
    """The inbound-mail receiver processes mail on threads in tests: worker *processes* (the
    default on PostgreSQL, ``MAILIN_PROCESSES`` auto) would connect to the real database
    instead of the test database."""
    settings.MAILIN_PROCESSES = 0


@pytest.fixture(autouse=True)
def _default_language():
    """Every test starts and ends in the default language (Swedish).

    A request with ``Accept-Language: en`` (or the set_language view) activates English in the
    thread through LocaleMiddleware and Django does not undo it, so a later test calling a
    service directly would get English messages depending on test order.
    """
    from django.utils import translation

    translation.deactivate()
    yield
    translation.deactivate()
