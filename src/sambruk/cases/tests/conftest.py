import pytest

from .factories import CaseTypeFactory, QueueFactory, caseworker


@pytest.fixture
def setup(db, org_factory):
    """One organisation with a configured case type, a queue and two caseworkers in it."""

    class S:
        pass

    s = S()
    s.org = org_factory()
    s.case_type = CaseTypeFactory(organisation=s.org)
    s.queue = QueueFactory(organisation=s.org, default_case_type=s.case_type)
    s.worker = caseworker(s.org, queues=[s.queue], full_name="Anna Handläggare")
    s.other = caseworker(s.org, queues=[s.queue], full_name="Bo Handläggare")
    s.admin = caseworker(s.org, role="org_admin", full_name="Ada Admin")
    s.status = {st.code: st for st in s.case_type.statuses.all()}
    return s


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    """Attachments of case tests are stored in a temporary directory."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT
