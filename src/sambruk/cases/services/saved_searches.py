"""Saved searches (perspektiv): a user's own named queries."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from sambruk.core.audit.models import AuditAction
from sambruk.core.audit.services import record
from sambruk.core.authz.permissions import ALL, permitted_organisation_ids

from ..errors import CaseActionError
from ..models import SavedSearch
from ..roles import VIEW_CASE
from ..search import clean_query


def _organisation_id(user, organisation) -> int:
    orgs = permitted_organisation_ids(user, VIEW_CASE)
    if organisation is not None:
        org_id = getattr(organisation, "pk", organisation)
        if orgs == ALL or org_id in orgs:
            return org_id
    elif orgs and orgs != ALL:
        return min(orgs)
    elif orgs == ALL:
        membership = user.memberships.order_by("organisation_id").first()
        if membership is not None:
            return membership.organisation_id
    raise CaseActionError(
        _("Du saknar behörighet att söka bland ärenden här."), code="permission_denied"
    )


@transaction.atomic
def do_save_search(user, *, name: str, query: dict, organisation=None) -> SavedSearch:
    """Save (or overwrite) the user's perspektiv ``name`` with a validated ``query``.

    ``query`` holds only the keys of :data:`sambruk.cases.search.QUERY_KEYS`. The perspektiv
    belongs to ``organisation`` (default: the user's organisation where they may read cases).
    """
    if user is None or not getattr(user, "is_authenticated", False):
        raise CaseActionError(_("Du måste vara inloggad."), code="permission_denied")
    name = (name or "").strip()
    if not name:
        raise CaseActionError(_("Ge perspektivet ett namn."), code="name_required")
    if len(name) > 120:
        raise CaseActionError(_("Namnet får vara högst 120 tecken."), code="name_too_long")
    cleaned = clean_query(query)
    if not cleaned:
        raise CaseActionError(_("Perspektivet har inga filter."), code="empty_search")
    org_id = _organisation_id(user, organisation)
    saved = SavedSearch.objects.select_for_update().filter(user=user, name=name).first()
    if saved is None:
        saved = SavedSearch.objects.create(
            user=user, organisation_id=org_id, name=name, query=cleaned
        )
        action = AuditAction.CREATE
    else:
        saved.query, saved.organisation_id = cleaned, org_id
        saved.save(update_fields=["query", "organisation"])
        action = AuditAction.UPDATE
    record(action, actor=user, obj=saved, organisation=org_id, changes={"query": cleaned})
    return saved


@transaction.atomic
def do_delete_search(user, *, saved_search) -> None:
    """Delete one of the user's own perspektiv (``saved_search``: instance or id)."""
    pk = getattr(saved_search, "pk", saved_search)
    saved = None
    if str(pk).isdigit():
        saved = SavedSearch.objects.select_for_update().filter(pk=pk, user_id=user.pk).first()
    if saved is None:
        raise CaseActionError(_("Perspektivet finns inte."), code="not_found")
    record(AuditAction.DELETE, actor=user, obj=saved, organisation=saved.organisation_id)
    saved.delete()
