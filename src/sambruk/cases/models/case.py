"""The case (ärende), its contacts, and the per-organisation reference counter."""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.db.models.functions import Upper
from django.utils.translation import gettext_lazy as _

from sambruk.core.authz.permissions import ALL, permitted_organisation_ids
from sambruk.core.authz.querysets import RestrictedManager, RestrictedQuerySet


class Origin(models.TextChoices):
    WEB_FORM = "web_form", _("E-tjänst")
    EMAIL = "email", _("E-post")
    API = "api", _("API")
    FIXAMINGATA = "fixamingata", _("FixaMinGata")
    PHONE = "phone", _("Telefon")
    VISIT = "visit", _("Besök")
    INTERNAL = "internal", _("Intern")


class CaseState(models.TextChoices):
    """The engine's view of a case: drafts, or the ``kind`` of its configured status."""

    DRAFT = "draft", _("Utkast")
    OPEN = "open", _("Öppet")
    ON_HOLD = "on_hold", _("Vilande")
    CLOSED = "closed", _("Avslutat")


class CaseQuerySet(RestrictedQuerySet):
    def visible_to(self, user, permission: str = "cases.view_case"):
        """Cases ``user`` may see with ``permission``: the only entry point for case lists.

        ``restrict(user, permission)`` (organisation membership, plus cases this user's
        organisation sent elsewhere, see :meth:`Case.restrict_extra`) and then:

        * a *restricted* case is visible only to the users named on it and its assignee;
        * a *draft* is visible only to the user who created it.

        Superusers see everything. Child rows (log, contacts …) are reached through a visible
        case (``CaseLogEntry.objects.visible_to``), never listed across cases without it.
        """
        qs = self.restrict(user, permission)
        if user is None or not getattr(user, "is_authenticated", False):
            return qs.none()
        if user.is_superuser:
            return qs
        named = Case.restricted_to.through.objects.filter(case_id=OuterRef("pk"), user_id=user.pk)
        return qs.filter(
            Q(restricted=False) | Q(assignee_id=user.pk) | Exists(named),
            Q(is_draft=False) | Q(created_by_id=user.pk),
        )

    def open(self):
        return self.filter(state__in=[CaseState.OPEN, CaseState.ON_HOLD], removed=False)

    def inbox(self, queue):
        """The queue's inbox: open, unassigned, not removed, oldest first."""
        return self.filter(
            queue=queue, state=CaseState.OPEN, assignee__isnull=True, removed=False
        ).order_by("created_at", "pk")

    def assigned_to(self, user):
        """Mina ärenden."""
        return self.filter(
            assignee=user, removed=False, state__in=[CaseState.OPEN, CaseState.ON_HOLD]
        )


CaseManager = RestrictedManager.from_queryset(CaseQuerySet)


class Case(models.Model):
    """Ärende.

    ``state`` mirrors ``status.kind`` (or ``draft``) so the hot lists filter one column.
    Only the service functions in :mod:`sambruk.cases.services` change a case.
    """

    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="cases"
    )
    reference = models.CharField(_("ärendenummer"), max_length=40)
    case_type = models.ForeignKey("cases.CaseType", on_delete=models.PROTECT, related_name="cases")
    queue = models.ForeignKey("cases.Queue", on_delete=models.PROTECT, related_name="cases")
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_cases",
        verbose_name=_("handläggare"),
    )
    status = models.ForeignKey("cases.Status", on_delete=models.PROTECT, related_name="cases")
    state = models.CharField(
        _("läge"), max_length=10, choices=CaseState.choices, default=CaseState.OPEN
    )
    priority = models.ForeignKey(
        "cases.Priority", on_delete=models.SET_NULL, null=True, blank=True, related_name="cases"
    )
    due_date = models.DateField(_("förfallodatum"), null=True, blank=True)
    title = models.CharField(_("rubrik"), max_length=300)
    description = models.TextField(_("beskrivning"), blank=True)
    labels = models.ManyToManyField("cases.Label", blank=True, related_name="cases")
    parent = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="subcases"
    )
    sent_from = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="sent_copies",
        help_text=_("Ärendet i den organisation som skickade hit detta ärende."),
    )
    origin = models.CharField(
        _("ursprung"), max_length=16, choices=Origin.choices, default=Origin.INTERNAL
    )
    restricted = models.BooleanField(_("begränsad åtkomst"), default=False)
    restricted_to = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="restricted_cases",
        verbose_name=_("behöriga"),
    )
    is_draft = models.BooleanField(_("utkast"), default=False)
    resolution = models.ForeignKey(
        "cases.Resolution", on_delete=models.PROTECT, null=True, blank=True, related_name="cases"
    )
    removed = models.BooleanField(_("borttaget"), default=False)
    removed_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("skapat"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("ändrat"), auto_now=True)
    closed_at = models.DateTimeField(_("avslutat"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    version = models.PositiveIntegerField(
        default=1, help_text=_("Ökas vid varje ändring (optimistisk kontroll).")
    )
    # Full-text document (PostgreSQL, GIN-indexed by migration 0003); kept up to date by
    # ``sambruk.cases.search.reindex_case``. Unused on SQLite, which has the FTS5 table
    # ``cases_case_fts`` instead.
    search_vector = SearchVectorField(null=True, blank=True, editable=False)

    objects = CaseManager()
    tenant_field = "organisation"

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("ärende")
        verbose_name_plural = _("ärenden")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "reference"], name="cases_case_unique_reference"
            )
        ]
        indexes = [
            # Queue inbox: unassigned open cases of a queue, oldest first.
            models.Index(
                fields=["queue", "created_at"],
                condition=Q(assignee__isnull=True, state="open", removed=False),
                name="cases_inbox_idx",
            ),
            # Mina ärenden.
            models.Index(fields=["assignee", "state", "due_date"], name="cases_assignee_idx"),
            models.Index(
                fields=["organisation", "state", "created_at"], name="cases_org_state_idx"
            ),
            models.Index(fields=["organisation", "closed_at"], name="cases_org_closed_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"

    @classmethod
    def restrict_extra(cls, user, permission):
        """The organisation that sent a case elsewhere may *read* the received case.

        Only for ``cases.view_case``: it sees the case row (status, resolution), not the
        receiver's log, contacts or notes, whose ``tenant_field`` is the receiver.
        """
        if permission != "cases.view_case":
            return None
        orgs = permitted_organisation_ids(user, permission)
        if not orgs or orgs == ALL:
            return None
        # ``CASE WHEN sent_from_id IS NULL THEN false ELSE EXISTS (sender in orgs) END``
        # instead of a LEFT JOIN through ``sent_from``. The OR then stays on the rows of one
        # table and is not index-able, so PostgreSQL keeps the plan of the other conditions
        # (the inbox's ordered partial index, the keyset scans); the EXISTS (one primary-key
        # probe) runs only for rows that were sent. A bare EXISTS is hashed over every case
        # of the organisation as soon as one row of another organisation is checked; an
        # ``IS NOT NULL AND EXISTS`` guard makes the OR index-able and the planner then
        # prefers a BitmapAnd of three indexes to the partial index. The search adds its own
        # index-able condition (``search.search_queryset``). docs/cases-performance.md.
        sender = Case._base_manager.filter(pk=OuterRef("sent_from_id"), organisation_id__in=orgs)
        sent_by_orgs = models.Case(
            models.When(sent_from_id__isnull=True, then=models.Value(False)),
            default=Exists(sender),
            output_field=models.BooleanField(),
        )
        return Q(sent_by_orgs)

    @property
    def is_closed(self) -> bool:
        return self.state == CaseState.CLOSED

    @property
    def is_active(self) -> bool:
        """Open or on hold, not a draft and not removed: the caseworker can act on it."""
        return self.state in (CaseState.OPEN, CaseState.ON_HOLD) and not self.removed


class ReferenceCounter(models.Model):
    """Last issued N of ``yyyyMMdd-N`` per organisation and day; locked while issuing."""

    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    day = models.DateField()
    last = models.PositiveIntegerField(default=0)

    objects = RestrictedManager()
    tenant_field = "organisation"

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "day"], name="cases_refcounter_unique_day"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation_id} {self.day:%Y%m%d}: {self.last}"


class CaseContact(models.Model):
    """A contact on a case: a registered ``Person`` or a free contact."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="contacts")
    person = models.ForeignKey(
        "persons.Person",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="case_contacts",
    )
    role = models.CharField(
        _("roll"), max_length=60, blank=True, help_text=_("Till exempel ”Anmälare”.")
    )
    name = models.CharField(_("namn"), max_length=200, blank=True)
    email = models.EmailField(_("e-post"), blank=True)
    phone = models.CharField(_("telefon"), max_length=40, blank=True)
    address = models.CharField(_("adress"), max_length=300, blank=True)
    note = models.TextField(_("anteckning"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = RestrictedManager()
    tenant_field = "case__organisation"

    class Meta:
        ordering = ["case", "pk"]
        verbose_name = _("kontakt")
        verbose_name_plural = _("kontakter")
        constraints = [
            models.CheckConstraint(
                condition=Q(person__isnull=False) | ~Q(name="") | ~Q(email="") | ~Q(phone=""),
                name="cases_contact_not_empty",
            )
        ]
        indexes = [
            # Mina sidor finds a citizen's cases by a verified address: ``email__iexact`` is
            # ``UPPER(email) = UPPER(%s)`` on PostgreSQL, which this index answers.
            models.Index(Upper("email"), name="cases_contact_email_upper"),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        if self.person_id:
            return self.person.full_name
        return self.name or self.email or self.phone
