"""Read helpers of the e-service publisher (catalogue, "Mina sidor")."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q
from django.utils import timezone

from .models import EService, Submission, SubmissionStatus, VersionStatus


@dataclass
class CatalogueEntry:
    organisation: object
    eservices: list


def listed_eservices():
    """Active, listed e-services with a published form, whose closing date has not passed."""
    now = timezone.now()
    return (
        EService.objects.filter(
            active=True,
            listed=True,
            form_version__status=VersionStatus.PUBLISHED,
        )
        .filter(Q(closes_at__isnull=True) | Q(closes_at__gt=now))
        .select_related("organisation")
        .order_by("organisation__name", "name")
    )


def catalogue() -> list[CatalogueEntry]:
    """The public catalogue, grouped by organisation."""
    entries: list[CatalogueEntry] = []
    for eservice in listed_eservices():
        if not entries or entries[-1].organisation.pk != eservice.organisation_id:
            entries.append(CatalogueEntry(eservice.organisation, []))
        entries[-1].eservices.append(eservice)
    return entries


def drafts_for(user) -> list[Submission]:
    """A logged-in citizen's unsent drafts and applications awaiting a co-signer
    (newest first) — for "Mina sidor"."""
    if user is None or not getattr(user, "is_authenticated", False):
        return []
    now = timezone.now()
    return list(
        Submission.objects.filter(
            user=user,
            status__in=[SubmissionStatus.DRAFT, SubmissionStatus.AWAITING_SIGNATURE],
        )
        .filter(Q(expires_at__isnull=True) | Q(expires_at__gt=now) | ~Q(status="draft"))
        .select_related("eservice__organisation")
        .order_by("-updated_at")
    )


def submitted_for(user) -> list[Submission]:
    if user is None or not getattr(user, "is_authenticated", False):
        return []
    return list(
        Submission.objects.filter(user=user, status=SubmissionStatus.SUBMITTED)
        .select_related("eservice__organisation", "case")
        .order_by("-submitted_at")
    )


def published_version(organisation, code: str):
    """The published version of ``organisation``'s form ``code`` (or None)."""
    from .models import FormVersion, VersionStatus

    return (
        FormVersion.objects.filter(
            definition__organisation=organisation,
            definition__code=code,
            status=VersionStatus.PUBLISHED,
        )
        .order_by("-number")
        .first()
    )


def eservice_by_slug(organisation, slug: str) -> EService | None:
    return EService.objects.filter(organisation=organisation, slug=slug).first()
