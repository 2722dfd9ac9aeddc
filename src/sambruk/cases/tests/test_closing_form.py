"""The closing form (avslutningsformulär): required before closing, validated per field."""

from __future__ import annotations

import pytest

from sambruk.cases import services
from sambruk.cases.actions import available_actions
from sambruk.cases.errors import CaseActionError
from sambruk.cases.models import Case, CaseFormData, CaseLogEntry, CaseState, LogKind

FIELDS = [
    {
        "name": "orsak",
        "label": "Orsak",
        "type": "choice",
        "required": True,
        "choices": [{"value": "lagad", "label": "Lagad"}, "ej_atgard"],
    },
    {"name": "atgardsdatum", "label": "Åtgärdsdatum", "type": "date", "required": True},
    {"name": "timmar", "label": "Timmar", "type": "number"},
    {"name": "kommentar", "label": "Kommentar", "type": "textarea"},
]

VALID = {"orsak": "lagad", "atgardsdatum": "2024-05-17", "timmar": "2,5", "kommentar": " Klart "}


@pytest.fixture
def case(setup):
    setup.case_type.closing_form = FIELDS
    setup.case_type.save()
    return services.do_create(
        actor=setup.worker, queue=setup.queue, case_type=setup.case_type, title="Trasig lykta"
    )


def test_close_is_refused_until_the_form_is_filled(setup, case):
    assert "submit_form" in available_actions(case, setup.worker)
    assert "close" not in available_actions(case, setup.worker)
    with pytest.raises(CaseActionError) as err:
        services.do_close(case, actor=setup.worker)
    assert err.value.message == "Fyll i avslutningsformuläret innan ärendet avslutas."
    assert err.value.code == "closing_form_required"
    with pytest.raises(CaseActionError) as err:
        services.do_change_status(case, actor=setup.worker, to=setup.status["avslutad"])
    assert err.value.code == "closing_form_required"
    assert Case.objects.get(pk=case.pk).state == CaseState.OPEN


def test_invalid_form_lists_errors_per_field_and_saves_nothing(setup, case):
    with pytest.raises(services.FormError) as err:
        services.do_submit_form(
            case,
            actor=setup.worker,
            form_code="closing",
            data={"orsak": "kanske", "atgardsdatum": "17/5 2024", "timmar": "tre"},
        )
    assert err.value.code == "invalid_form"
    assert err.value.field_errors == {
        "orsak": "Välj ett av de tillåtna värdena i ”Orsak”.",
        "atgardsdatum": "Ange ett datum som ÅÅÅÅ-MM-DD i ”Åtgärdsdatum”.",
        "timmar": "Ange ett tal i ”Timmar”.",
    }
    assert "Välj ett av de tillåtna värdena i ”Orsak”." in err.value.message
    with pytest.raises(services.FormError) as err:
        services.do_submit_form(case, actor=setup.worker, form_code="closing", data={})
    assert err.value.field_errors == {
        "orsak": "Fältet ”Orsak” måste fyllas i.",
        "atgardsdatum": "Fältet ”Åtgärdsdatum” måste fyllas i.",
    }
    assert not CaseFormData.objects.exists()
    assert not CaseLogEntry.objects.filter(case=case, kind=LogKind.FORM).exists()
    assert Case.objects.get(pk=case.pk).version == case.version


def test_valid_form_is_stored_cleaned_and_allows_closing(setup, case):
    row = services.do_submit_form(
        case, actor=setup.worker, form_code="closing", data={**VALID, "okänt": "x"}
    )
    row.refresh_from_db()
    assert row.data == {
        "orsak": "lagad",
        "atgardsdatum": "2024-05-17",
        "timmar": 2.5,
        "kommentar": "Klart",
    }
    assert row.submitted_by == setup.worker
    entry = CaseLogEntry.objects.get(case=case, kind=LogKind.FORM)
    assert entry.text == "Avslutningsformuläret fylldes i."
    fresh = Case.objects.get(pk=case.pk)
    assert "close" in available_actions(fresh, setup.worker)
    closed = services.do_close(fresh, actor=setup.worker)
    assert closed.state == CaseState.CLOSED

    # Submitting again on a closed case is refused.
    with pytest.raises(CaseActionError) as err:
        services.do_submit_form(closed, actor=setup.worker, form_code="closing", data=VALID)
    assert err.value.message == "Ärendet är avslutat."


def test_resubmission_replaces_and_numbers_parse(setup, case):
    services.do_submit_form(case, actor=setup.worker, form_code="closing", data=VALID)
    row = services.do_submit_form(
        case,
        actor=setup.other,
        form_code="closing",
        data={"orsak": "ej_atgard", "atgardsdatum": "2024-06-01", "timmar": "12"},
    )
    assert CaseFormData.objects.count() == 1
    row.refresh_from_db()
    assert row.data["timmar"] == 12 and row.data["kommentar"] is None
    assert row.submitted_by == setup.other
    assert CaseLogEntry.objects.filter(case=case, kind=LogKind.FORM).last().text == (
        "Avslutningsformuläret ändrades."
    )


def test_form_that_no_longer_matches_the_configuration_blocks_closing(setup, case):
    services.do_submit_form(case, actor=setup.worker, form_code="closing", data=VALID)
    setup.case_type.closing_form = [
        *FIELDS,
        {"name": "kostnad", "label": "Kostnad", "type": "number", "required": True},
    ]
    setup.case_type.save()
    with pytest.raises(CaseActionError) as err:
        services.do_close(Case.objects.get(pk=case.pk), actor=setup.worker)
    assert err.value.code == "closing_form_required"


def test_stale_form_is_refused(setup, case):
    stale = case.version
    services.do_add_note(case, actor=setup.other, text="Någon annan ändrade")
    with pytest.raises(CaseActionError) as err:
        services.do_submit_form(
            case, actor=setup.worker, form_code="closing", data=VALID, expected_version=stale
        )
    assert err.value.code == "stale"
    assert not CaseFormData.objects.exists()


def test_without_closing_form_there_is_no_form_to_submit(setup):
    case = services.do_create(
        actor=setup.worker, queue=setup.queue, case_type=setup.case_type, title="Utan formulär"
    )
    assert "submit_form" not in available_actions(case, setup.worker)
    with pytest.raises(CaseActionError) as err:
        services.do_submit_form(case, actor=setup.worker, form_code="closing", data=VALID)
    assert err.value.message == "Ärendetypen har inget avslutningsformulär."
    assert services.do_close(case, actor=setup.worker).state == CaseState.CLOSED


def test_unknown_form_code_is_refused(setup, case):
    with pytest.raises(CaseActionError) as err:
        services.do_submit_form(case, actor=setup.worker, form_code="annat", data=VALID)
    assert err.value.code == "unknown_form"
