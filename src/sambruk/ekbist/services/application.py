"""The e-application on the eforms engine: publishing, prefill, checks, submission.

* :func:`publish_eservice` — the kommun's case setup, the form (built by
  :mod:`ekbist.application_form`, validated and published through eforms' services) and the
  e-service with two signers (the second only when there is a medsökande). On an existing
  e-service it runs :func:`upgrade_form`: the built-in texts' English arrives as a new
  published version (drafts in progress keep theirs).
* The prefill plugin ``ekbist`` (``plugin:ekbist.<path>``): ``skyddad`` (the applicant's
  protection marking), ``kind`` and ``period`` (a månadsansökan when an earlier application
  exists, for the month after it), ``answer.<field>`` (last month's answers, the monthly
  re-application starts from them).
* eforms hooks for the form code :data:`FORM_CODE`: the household's contradictions
  (:func:`application_data.validate`), the number of signers, the Självservice step after the
  consent page, and :func:`create_application` in the submission's transaction.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sambruk.core.audit.models import AuditAction
from sambruk.core.audit.services import record
from sambruk.eforms import hooks
from sambruk.eforms.prefill import PrefillContext, register_prefill

from .. import application_data as ad
from ..application_form import (
    ESERVICE_NAME,
    ESERVICE_SLUG,
    FORM_CODE,
    add_english,
    build_definition,
)
from ..casesetup import ensure_case_setup
from ..models import Application, ApplicationKind, ApplicationState, FetchedValue

logger = logging.getLogger(__name__)

DESCRIPTION = (
    "Ansök om försörjningsstöd för en månad. Logga in med e-legitimation. Du kan hämta "
    "uppgifter om dina ersättningar direkt från myndigheterna (Självservice). Söker du "
    "tillsammans med make, maka eller sambo skriver ni båda under."
)
ESERVICE_NAME_EN = "Application for financial assistance"
DESCRIPTION_EN = (
    "Apply for financial assistance for one month. Log in with "
    "e-legitimation. You can fetch information about your benefits directly from the "
    "authorities (self-service). If you apply together with a spouse or partner, you both sign."
)

#: Form fields stored in öre (prefilled as kronor text, as the citizen would type them).
AMOUNT_FIELDS = {
    "hyra",
    "andrahandsinkomst",
    "inkomst_belopp",
    "tillgang_varde",
    "kostnad_ovrigt",
    *(f"kostnad_{v}" for v in ad.COSTS),
}


# --- publishing ----------------------------------------------------------------------------
def publish_eservice(organisation, *, actor=None, attachments=None):
    """The kommun's e-application, published (idempotent): returns the ``EService``.

    An existing e-service is brought up to date with :func:`upgrade_form`.
    """
    from sambruk.eforms.queries import eservice_by_slug, published_version
    from sambruk.eforms.services.definitions import create_definition, publish
    from sambruk.eforms.services.eservices import do_create_eservice

    with transaction.atomic():
        case_type, queue = ensure_case_setup(organisation)
        existing = eservice_by_slug(organisation, ESERVICE_SLUG)
        if existing is not None:
            upgrade_form(existing, actor=actor)
            existing.refresh_from_db()
            if not existing.name_en:  # installed before the e-service had English texts
                from sambruk.eforms.services.eservices import do_update_eservice

                values = {"name_en": ESERVICE_NAME_EN}
                if not existing.description_en and existing.description == DESCRIPTION:
                    values["description_en"] = DESCRIPTION_EN
                existing = do_update_eservice(existing, actor=actor, values=values)
            return existing
        version = published_version(organisation, FORM_CODE)
        if version is None:
            draft = create_definition(
                actor=actor,
                organisation=organisation,
                code=FORM_CODE,
                name=ESERVICE_NAME,
                schema=build_definition(attachments),
            )
            version = publish(draft, actor=actor)
        return do_create_eservice(
            actor=actor,
            organisation=organisation,
            slug=ESERVICE_SLUG,
            values={
                "name": ESERVICE_NAME,
                "name_en": ESERVICE_NAME_EN,
                "description": DESCRIPTION,
                "description_en": DESCRIPTION_EN,
                "form_version": version,
                "queue": queue,
                "case_type": case_type,
                "login_required": True,
                "signing": "two",
                "draft_ttl_days": 30,
            },
        )


def upgrade_form(eservice, *, actor=None):
    """Publish the e-service's form again with the built-in texts' English, if any is missing.

    The e-service's current version is copied through the engine's versioning path
    (:func:`~sambruk.eforms.services.definitions.create_draft_version`, ``update_draft``,
    ``publish``) with :func:`~sambruk.ekbist.application_form.add_english` applied, and the
    e-service switches to it. The kommun's own changes stay; the old version stays published,
    so drafts started on it keep it. Nothing happens when there is nothing to add, when the
    e-service uses another form, or while the form has a draft in the form editor (the kommun
    is editing it; run again after publishing). Returns the new version or None.
    """
    from sambruk.cases.errors import CaseActionError
    from sambruk.eforms.models import VersionStatus
    from sambruk.eforms.services.definitions import create_draft_version, publish, update_draft
    from sambruk.eforms.services.eservices import do_update_eservice

    current = eservice.form_version
    definition = current.definition
    if definition.code != FORM_CODE or current.status != VersionStatus.PUBLISHED:
        return None
    schema = add_english(current.schema)
    if schema == current.schema:
        return None
    try:
        with transaction.atomic():
            if definition.versions.filter(status=VersionStatus.DRAFT).exists():
                return None
            draft = create_draft_version(definition, actor=actor, from_version=current)
            errors = update_draft(draft, actor=actor, schema=schema)
            if errors:
                raise _NotUpgraded("; ".join(str(e) for e in errors[:5]))
            version = publish(draft, actor=actor)
            do_update_eservice(eservice, actor=actor, values={"form_version": version})
    except (_NotUpgraded, CaseActionError) as problem:  # e.g. a concurrent run made a draft
        logger.warning("ekbist: %s not upgraded: %s", eservice.organisation, problem)
        return None
    return version


class _NotUpgraded(Exception):
    pass


# --- reads ---------------------------------------------------------------------------------
def previous_application(organisation, civic_number: str) -> Application | None:
    """The applicant's latest submitted application in ``organisation`` (system read)."""
    if not civic_number or organisation is None:
        return None
    return (
        Application.objects.filter(organisation=organisation, applicant=civic_number)
        .exclude(state=ApplicationState.DRAFT)
        .order_by("-period", "-submitted_at")
        .first()
    )


def is_protected(civic_number: str) -> bool:
    from sambruk.core.persons.models import Person, Protection

    if not civic_number:
        return False
    return (
        Person.objects.filter(civic_number=civic_number)
        .exclude(protection=Protection.NONE)
        .exists()
    )


def next_month(day: dt.date) -> dt.date:
    return (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


def _as_typed(name: str, value):
    """A stored answer as the citizen would type it (amounts: öre → kronor text)."""
    if name in AMOUNT_FIELDS and isinstance(value, int):
        kr, ore = divmod(value, 100)
        return f"{kr},{ore:02d}" if ore else str(kr)
    if isinstance(value, list):
        return [
            {k: _as_typed(k, v) for k, v in row.items()} if isinstance(row, dict) else row
            for row in value
        ]
    return value if isinstance(value, str) else str(value)


@register_prefill("ekbist")
class EkbistPrefill:
    """``plugin:ekbist.skyddad|kind|period|answer.<field>`` for the e-application."""

    label = "Ekonomiskt bistånd"

    def resolve(self, context: PrefillContext, path: str):
        pnr = context.claims.get("civic_number") or ""
        if path == "skyddad":
            return "yes" if is_protected(pnr) else "no"
        previous = previous_application(context.organisation, pnr)
        if path == "kind":
            return ApplicationKind.MONTHLY if previous else ApplicationKind.NEW
        if path == "period":
            start = next_month(previous.period) if previous else timezone.localdate().replace(day=1)
            return start.strftime("%Y-%m")
        if path.startswith("answer.") and previous is not None:
            name = path.removeprefix("answer.")
            if name == "adress" and is_protected(pnr):
                return None
            value = ad.to_answers(previous.data).get(name)
            return None if value is None else _as_typed(name, value)
        return None


# --- eforms hooks --------------------------------------------------------------------------
def _applicant_of(sub) -> tuple[str, str]:
    user = sub.user
    return (getattr(user, "civic_number", "") or "", getattr(user, "full_name", "") or "")


def check_answers(sub, answers: dict, page_index: int | None) -> list[tuple[str, str]]:
    """eforms validator: the household's contradictions as (field, message)."""
    from sambruk.eforms.definition import field_map

    pnr, name = _applicant_of(sub)
    data = ad.from_answers(answers, applicant_civic_number=pnr, applicant_name=name)
    found = ad.validate(data)
    partner = any(r.get("person_relation") == ad.ROLE_PARTNER for r in answers.get("hushall") or [])
    if partner and answers.get("har_medsokande") != "yes":
        found.append(
            ad.Problem(
                "har_medsokande",
                _(
                    "Söker du tillsammans med make, maka eller sambo ska hen anges som "
                    "medsökande, så att ni båda kan skriva under."
                ),
            )
        )
    if page_index is None:
        return [(p.field, p.message) for p in found]
    refs = field_map(sub.form_version.schema)
    return [
        (p.field, p.message) for p in found if p.field in refs and refs[p.field].page <= page_index
    ]


def signers_needed(sub) -> int:
    return 2 if (sub.data or {}).get("har_medsokande") == "yes" else 1


def after_page(request, sub, page_index: int) -> str | None:
    """After the consent page: to Självservice (yes), or withdraw the consent (no)."""
    from django.urls import reverse

    from . import selfservice

    page = sub.form_version.schema["pages"][page_index]
    if page.get("id") != "sjalvservice":
        return None
    if (sub.data or {}).get("sjalvservice") == "yes":
        return reverse("ekbist:selfservice", args=[sub.draft_token])
    selfservice.withdraw_if_given(sub, actor=request.user)
    return None


def create_application(sub) -> Application:
    """eforms submit hook: the normalised :class:`Application`, in the submission's transaction.

    Refuses (``SubmissionError``, nothing saved) a household with contradictions or a second
    signer who is not the medsökande named in the application.
    """
    from sambruk.eforms.services.submissions import SubmissionError

    pnr, name = _applicant_of(sub)
    data = ad.from_answers(sub.data or {}, applicant_civic_number=pnr, applicant_name=name)
    problems = ad.validate(data)
    if problems:
        raise SubmissionError(" ".join(p.message for p in problems), code="invalid")
    co = ad.co_applicant(data)
    co_pnr = (co or {}).get("civic_number") or ""
    signed = set(sub.signatures.values_list("civic_number", flat=True))
    if co_pnr and co_pnr not in signed:
        raise SubmissionError(
            _(
                "Medsökande som skrev under är inte den person som anges i ansökan. Bjud in "
                "rätt person att skriva under."
            ),
            code="wrong_co_applicant",
        )
    application = Application.objects.select_for_update().filter(
        submission=sub
    ).first() or Application(submission=sub)
    previous = previous_application(sub.eservice.organisation, pnr)
    _mark_fetched(application, data)
    application.organisation = sub.eservice.organisation
    application.case = sub.case
    application.previous = previous
    application.kind = data["kind"]
    application.period = ad.period_date(data)
    application.applicant = pnr
    application.co_applicant = co_pnr
    application.data = data
    application.state = ApplicationState.SUBMITTED
    application.submitted_at = timezone.now()
    application.save()
    record(
        AuditAction.CREATE,
        actor=sub.user,
        obj=application,
        organisation=application.organisation,
        person_civic_number=pnr,
        changes={
            "case": sub.case_id,
            "submission": sub.pk,
            "kind": application.kind,
            "period": data["period"],
        },
    )
    return application


def _mark_fetched(application: Application, data: dict) -> None:
    """Incomes that match an accepted Självservice value carry its agency as ``source``."""
    if application.pk is None:
        return
    fetched = list(
        FetchedValue.objects.filter(application=application, accepted=True, amount__isnull=False)
    )
    used = set()
    for row in data["incomes"]:
        for value in fetched:
            if value.pk in used:
                continue
            kind = value.field.rsplit(":", 1)[-1]
            if kind == row["type"] and value.amount == row["amount"]:
                row["source"] = value.agency
                used.add(value.pk)
                break
    stale = [v.pk for v in fetched if v.pk not in used]
    if stale:  # accepted, then changed or removed by the applicant before signing
        FetchedValue.objects.filter(pk__in=stale).update(accepted=False)


hooks.register_validator(FORM_CODE, check_answers)
hooks.register_signers(FORM_CODE, signers_needed)
hooks.register_after_page(FORM_CODE, after_page)
hooks.register_submit_hook(FORM_CODE, create_application)


# --- caseworker reads ----------------------------------------------------------------------
def application_for_viewer(application: Application, user, *, purpose: str = "") -> dict:
    """The application as ``user`` may see it; every call is an audited read.

    Addresses are not part of the application: the applicant's and medsökande's come from
    the person register through ``persons.protection.visible_person_data`` (hidden for
    skyddad folkbokföring / sekretessmarkering without ``persons.view_protected``; those reads
    are audited there). ``address_hidden`` is true when any of them is hidden. Other modules
    (the caseworker overview, the decision) use this instead of reading ``data`` directly.
    """
    from sambruk.core.audit.services import record_read
    from sambruk.core.persons.models import Person
    from sambruk.core.persons.protection import visible_person_data

    data = application.data or {}
    reason = purpose or _("Handläggning av ekonomiskt bistånd")
    people = {
        p.civic_number: p
        for p in Person.objects.filter(
            civic_number__in=[c for c in (application.applicant, application.co_applicant) if c]
        )
    }
    persons = {}
    for key, pnr in (
        ("applicant", application.applicant),
        ("co_applicant", application.co_applicant),
    ):
        if pnr in people:
            persons[key] = visible_person_data(
                people[pnr],
                user,
                organisation=application.organisation,
                purpose=reason,
                full_civic_number=True,
            )
    protected = bool(data.get("protected")) or any(p["is_protected"] for p in persons.values())
    housing = dict(data.get("housing") or {})
    hidden = any(p["protected_data_hidden"] for p in persons.values())
    if hidden:
        housing["address"] = None
    record_read(
        actor=user,
        obj=application,
        organisation=application.organisation_id,
        person_civic_number=application.applicant,
        purpose=reason,
    )
    return {
        "data": {**data, "housing": housing},
        "persons": persons,
        "protected": protected,
        "address_hidden": hidden,
        "applicant": ad.applicant(data),
        "co_applicant": ad.co_applicant(data),
        "children": ad.children(data),
        "others": [m for m in data.get("members") or [] if m.get("role") == ad.ROLE_OTHER_ADULT],
        "total_income": ad.total_income(data),
    }
