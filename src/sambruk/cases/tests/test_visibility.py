from sambruk.cases import services
from sambruk.cases.models import Case, CaseLogEntry
from sambruk.core.accounts.tests.factories import UserFactory

from .factories import CaseFactory, CaseTypeFactory, QueueFactory, caseworker


def visible(user, perm="cases.view_case"):
    return set(Case.objects.visible_to(user, perm).values_list("pk", flat=True))


def test_restricted_case_hidden_from_other_members(setup):
    open_case = services.do_create(
        actor=setup.worker, queue=setup.queue, case_type=setup.case_type, title="Öppet"
    )
    secret = services.do_create(
        actor=setup.worker, queue=setup.queue, case_type=setup.case_type, title="Hemligt"
    )
    secret = services.do_restrict(secret, actor=setup.worker)
    assert visible(setup.worker) == {open_case.pk, secret.pk}
    assert visible(setup.other) == {open_case.pk}
    assert visible(setup.admin) == {open_case.pk}
    # Its log is hidden too.
    assert (
        not CaseLogEntry.objects.visible_to(setup.other, "cases.view_caselogentry")
        .filter(case=secret)
        .exists()
    )
    # The assignee sees it; so does a named user.
    named = caseworker(setup.org, queues=[setup.queue])
    services.do_unrestrict(secret, actor=setup.worker)
    secret = services.do_restrict(Case.objects.get(pk=secret.pk), actor=setup.worker, users=[named])
    assert secret.pk in visible(named)
    assert secret.pk not in visible(setup.other)
    services.do_assign_to(secret, actor=setup.worker, to=setup.other)
    assert secret.pk in visible(setup.other)
    superuser = UserFactory(is_superuser=True)
    assert secret.pk in visible(superuser)


def test_type_restricted_by_default(setup):
    ct = CaseTypeFactory(organisation=setup.org, restricted_by_default=True)
    case = services.do_create(actor=setup.worker, queue=setup.queue, case_type=ct, title="Socialt")
    assert case.restricted and list(case.restricted_to.all()) == [setup.worker]
    assert case.pk not in visible(setup.other)


def test_member_of_other_organisation_sees_nothing(setup, org_factory):
    CaseFactory(queue=setup.queue, actor=setup.worker)
    CaseFactory(queue=setup.queue, actor=setup.worker, assigned=True)
    org_b = org_factory()
    member_b = caseworker(org_b, queues=[QueueFactory(organisation=org_b)])
    assert visible(member_b) == set()
    assert not CaseLogEntry.objects.visible_to(member_b, "cases.view_caselogentry").exists()
    assert not CaseLogEntry.objects.restrict(member_b, "cases.view_caselogentry").exists()


def test_anonymous_sees_nothing(setup):
    from django.contrib.auth.models import AnonymousUser

    CaseFactory(queue=setup.queue, actor=setup.worker)
    assert not Case.objects.visible_to(AnonymousUser()).exists()
