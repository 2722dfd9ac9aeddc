"""Filled forms on a case: the closing form (avslutningsformulär) of its case type."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from ..closing_form import CLOSING_FORM, clean_form, form_fields
from ..errors import CaseActionError
from ..models import CaseFormData, LogKind
from .base import begin, commit_change


class FormError(CaseActionError):
    """The form has errors; ``field_errors`` maps field name → Swedish message."""

    def __init__(self, field_errors: dict):
        self.field_errors = dict(field_errors)
        message = _("Formuläret innehåller fel: %(errors)s") % {
            "errors": " ".join(self.field_errors.values())
        }
        super().__init__(message, code="invalid_form")


@transaction.atomic
def do_submit_form(case, *, actor, form_code: str, data: dict, expected_version=None):
    """Validate ``data`` against the form's fields and store it (replacing an earlier one).

    Every field is checked (required, choice values, ``ÅÅÅÅ-MM-DD`` dates, numbers); on any
    error a :class:`FormError` lists them per field and nothing is saved.
    """
    case = begin("submit_form", case, actor, expected_version)
    fields = form_fields(case.case_type, form_code)
    if fields is None:
        raise CaseActionError(_("Ärendetypen har inget sådant formulär."), code="unknown_form")
    if not isinstance(data, dict):
        raise CaseActionError(_("Formulärets data saknas."), code="invalid_form")
    cleaned, errors = clean_form(fields, data)
    if errors:
        raise FormError(errors)
    row, created = CaseFormData.objects.update_or_create(
        case=case, form_code=form_code, defaults={"data": cleaned, "submitted_by": actor}
    )
    text = (
        _("Avslutningsformuläret fylldes i.")
        if form_code == CLOSING_FORM
        else _("Formuläret %(form)s fylldes i.") % {"form": form_code}
    )
    if not created:
        text = (
            _("Avslutningsformuläret ändrades.")
            if form_code == CLOSING_FORM
            else _("Formuläret %(form)s ändrades.") % {"form": form_code}
        )
    commit_change(
        case,
        actor=actor,
        event="case.form_submitted",
        kind=LogKind.FORM,
        text=text,
        data={"form": form_code, "form_data": row.pk},
        changes={"form": form_code, "data": cleaned},
    )
    return row
