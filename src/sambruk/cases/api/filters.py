"""Query parameters of ``GET /api/cases/``: validated like a body (bad values → 400)."""

from __future__ import annotations

import datetime

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter
from rest_framework import serializers

from ..models import CaseState

MAX_ID = 2**63 - 1
ACTIVE_STATES = [CaseState.OPEN, CaseState.ON_HOLD]


def _id(**kw):
    return serializers.IntegerField(min_value=1, max_value=MAX_ID, required=False, **kw)


class CaseFilterSerializer(serializers.Serializer):
    status = _id(help_text=_("Status (id)."))
    state = serializers.ChoiceField(choices=CaseState.choices, required=False)
    case_type = _id(help_text=_("Ärendetyp (id)."))
    queue = _id(help_text=_("Funktion (id)."))
    assignee = serializers.RegexField(
        r"^(me|none|[0-9]{1,18})$",
        required=False,
        help_text=_("Handläggare: id, ”me” (du själv) eller ”none” (otilldelade)."),
    )
    label = _id(help_text=_("Etikett (id)."))
    overdue = serializers.BooleanField(
        required=False, help_text=_("true: förfallodatum passerat och ej avslutat.")
    )
    created_after = serializers.DateField(
        required=False, help_text=_("Skapade denna dag eller senare.")
    )
    created_before = serializers.DateField(required=False, help_text=_("Skapade före denna dag."))
    removed = serializers.BooleanField(
        required=False, help_text=_("true: bara borttagna ärenden (standard: inga borttagna).")
    )
    q = serializers.CharField(
        max_length=200, required=False, help_text=_("Fritext (ärendenummer, rubrik …).")
    )

    def _check_day(self, value):
        if not 1900 <= value.year <= 9998:
            raise serializers.ValidationError(_("Ange ett datum mellan år 1900 och 9998."))
        return value

    validate_created_after = validate_created_before = _check_day


def filter_parameters() -> list[OpenApiParameter]:
    """The OpenAPI description of :class:`CaseFilterSerializer` as query parameters."""
    types = {
        serializers.IntegerField: int,
        serializers.BooleanField: bool,
        serializers.DateField: datetime.date,
    }
    params = []
    for name, field in CaseFilterSerializer().fields.items():
        kind = next((t for cls, t in types.items() if isinstance(field, cls)), str)
        enum = list(field.choices) if isinstance(field, serializers.ChoiceField) else None
        params.append(
            OpenApiParameter(
                name,
                kind,
                OpenApiParameter.QUERY,
                description=str(field.help_text or ""),
                enum=enum,
                pattern=r"^(me|none|[0-9]{1,18})$" if name == "assignee" else None,
            )
        )
    return params


def _local_midnight(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def apply_filters(queryset, params: dict, user):
    f = params
    if "removed" in f:
        queryset = queryset.filter(removed=f["removed"])
    else:
        queryset = queryset.filter(removed=False)
    for name in ("status", "case_type", "queue"):
        if name in f:
            queryset = queryset.filter(**{f"{name}_id": f[name]})
    if "state" in f:
        queryset = queryset.filter(state=f["state"])
    if "label" in f:
        queryset = queryset.filter(labels=f["label"])
    if "assignee" in f:
        value = f["assignee"]
        if value == "me":
            queryset = queryset.filter(assignee_id=user.pk)
        elif value == "none":
            queryset = queryset.filter(assignee__isnull=True)
        else:
            queryset = queryset.filter(assignee_id=int(value))
    if "overdue" in f:
        overdue = Q(due_date__lt=timezone.localdate(), state__in=ACTIVE_STATES, removed=False)
        queryset = queryset.filter(overdue if f["overdue"] else ~overdue)
    if "created_after" in f:
        queryset = queryset.filter(created_at__gte=_local_midnight(f["created_after"]))
    if "created_before" in f:
        queryset = queryset.filter(created_at__lt=_local_midnight(f["created_before"]))
    if f.get("q", "").strip():
        queryset = search(queryset, f["q"].strip(), user)
    return queryset


def search(queryset, text: str, user):
    """Full-text search with the engine's search module (:mod:`sambruk.cases.search`).

    Its building blocks (``parse_text`` → ``text_filter``) narrow *this* queryset, so the
    API's filters and cursor pagination stay as they are (``search_cases`` itself returns a
    page of its own). Without that module: substring match on reference and title.
    """
    try:
        from sambruk.cases import search as search_module
    except ModuleNotFoundError as exc:
        if exc.name != "sambruk.cases.search":
            raise
        search_module = None
    parse_text = getattr(search_module, "parse_text", None)
    text_filter = getattr(search_module, "text_filter", None)
    if parse_text is None or text_filter is None:
        return queryset.filter(Q(reference__icontains=text) | Q(title__icontains=text))
    terms = parse_text(text)
    return text_filter(queryset, terms) if terms else queryset
