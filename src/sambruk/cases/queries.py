"""Read helpers for cases (lists go through ``Case.objects.visible_to``)."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q

from .models import Case, CaseEvent, CaseRead


def with_unread(queryset, user):
    """Annotate ``unread``: no read marker, or the case changed after the user read it."""
    read = CaseRead.objects.filter(
        case_id=OuterRef("pk"), user_id=user.pk, read_at__gte=OuterRef("updated_at")
    )
    return queryset.annotate(unread=~Exists(read))


def is_unread(case, user) -> bool:
    return not CaseRead.objects.filter(case=case, user=user, read_at__gte=case.updated_at).exists()


def inbox(user, queue):
    return Case.objects.visible_to(user).inbox(queue)


def my_cases(user):
    return Case.objects.visible_to(user).assigned_to(user).order_by("due_date", "created_at")


def drafts(user):
    return Case.objects.visible_to(user).filter(Q(is_draft=True), created_by=user, removed=False)


def saved_searches(user):
    """The user's own perspektiv, in organisations where they may still read cases."""
    from .models import SavedSearch

    return SavedSearch.objects.restrict(user, "cases.view_case").filter(user=user).order_by("name")


def stored_events(ids):
    """Stored case events with these primary keys, oldest first, with their case (unrestricted;
    for consumers that were handed event ids by a subscriber, such as the channel's feed)."""
    return CaseEvent.objects.filter(pk__in=list(ids)).select_related("case").order_by("at", "pk")


def stored_events_since(at, *, organisation=None):
    """Stored case events (``CaseEvent``) at or after ``at``, oldest first, with their case.

    For consumers that must not miss an event although subscribers run after commit (the
    channel's feed catches up from here). Not restricted: callers publish per organisation.
    """
    qs = CaseEvent.objects.filter(at__gte=at).select_related("case").order_by("at", "pk")
    if organisation is not None:
        qs = qs.filter(case__organisation=organisation)
    return qs
