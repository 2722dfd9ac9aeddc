"""Sub-cases: create, link and unlink (one parent per case, no cycles)."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from ..errors import CaseActionError
from ..predicates import check
from .base import begin, commit_change, lock


@transaction.atomic
def do_create_subcase(
    parent,
    *,
    actor,
    title: str,
    description: str = "",
    case_type=None,
    queue=None,
    expected_version=None,
):
    """Create a sub-case (same organisation; type and queue default to the parent's)."""
    from .lifecycle import do_create

    parent = begin("create_subcase", parent, actor, expected_version)
    queue = queue or parent.queue
    if queue.organisation_id != parent.organisation_id:
        raise CaseActionError(
            _("Ett underärende måste ligga i samma organisation."), code="other_organisation"
        )
    child = do_create(
        actor=actor,
        queue=queue,
        case_type=case_type or parent.case_type,
        title=title,
        description=description,
        origin=parent.origin,
        parent=parent,
    )
    commit_change(
        parent,
        actor=actor,
        event="case.subcase_added",
        text=_("Underärende %(ref)s skapades.") % {"ref": child.reference},
        changes={"subcases": [None, child.pk]},
    )
    return child


@transaction.atomic
def do_link_subcase(parent, *, actor, child, expected_version=None):
    """Make an existing case a sub-case of ``parent``."""
    first, second = sorted([parent, child], key=lambda c: c.pk)  # fixed lock order: no deadlock
    lock(first)
    lock(second)
    parent = begin("link_subcase", parent, actor, expected_version)
    child = lock(child)
    check("change_title", child, actor)  # the actor must be able to change the child too
    if child.pk == parent.pk or child.organisation_id != parent.organisation_id:
        raise CaseActionError(_("Ärendet kan inte bli underärende här."), code="invalid_subcase")
    if child.parent_id is not None:
        raise CaseActionError(
            _("Ärendet är redan underärende till ett annat ärende."), code="has_parent"
        )
    ancestor = parent
    while ancestor is not None:
        if ancestor.pk == child.pk:
            raise CaseActionError(
                _("Ett ärende kan inte bli underärende till sitt eget underärende."), code="cycle"
            )
        ancestor = ancestor.parent
    child.parent = parent
    commit_change(
        child,
        actor=actor,
        event="case.parent_changed",
        text=_("Kopplat som underärende till %(ref)s.") % {"ref": parent.reference},
        changes={"parent": [None, parent.pk]},
        fields=["parent"],
    )
    return commit_change(
        parent,
        actor=actor,
        event="case.subcase_added",
        text=_("Ärende %(ref)s kopplades som underärende.") % {"ref": child.reference},
        changes={"subcases": [None, child.pk]},
    )


@transaction.atomic
def do_unlink_subcase(child, *, actor, expected_version=None):
    """Detach a sub-case from its parent."""
    child = begin("unlink_parent", child, actor, expected_version)
    parent = lock(child.parent)
    child.parent = None
    commit_change(
        child,
        actor=actor,
        event="case.parent_changed",
        text=_("Kopplingen till huvudärendet %(ref)s togs bort.") % {"ref": parent.reference},
        changes={"parent": [parent.pk, None]},
        fields=["parent"],
    )
    commit_change(
        parent,
        actor=actor,
        event="case.subcase_removed",
        text=_("Underärendet %(ref)s kopplades bort.") % {"ref": child.reference},
        changes={"subcases": [child.pk, None]},
    )
    return child
