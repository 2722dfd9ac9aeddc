"""Sök: the engine's full-text search when present, else a title/reference filter; saved
searches (perspektiv)."""

from __future__ import annotations

import inspect

from django.contrib import messages
from django.db.models import Q
from django.http import QueryDict
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View

from sambruk.cases.errors import CaseActionError
from sambruk.cases.models import CaseState, SavedSearch

from .. import optional
from ..forms import SaveSearchForm, SearchForm
from .common import WorkspaceMixin, is_overdue, list_rows, visible_cases

LIMIT = 100
FILTER_KEYS = (
    "q",
    "state",
    "case_type",
    "queue",
    "assignee",
    "label",
    "created_from",
    "created_to",
    "overdue",
)


def fallback_search(user, data: dict):
    """Filters over the visible cases; the text matches title or reference."""
    qs = visible_cases(user).filter(removed=False)
    text = (data.get("q") or "").strip()
    if text:
        qs = qs.filter(Q(title__icontains=text) | Q(reference__icontains=text))
    return apply_filters(qs, user, data)


def apply_filters(qs, user, data: dict):
    state = data.get("state") or "active"
    if state == "active":
        qs = qs.filter(state__in=[CaseState.OPEN, CaseState.ON_HOLD])
    elif state != "all":
        qs = qs.filter(state=state)
    for field in ("case_type", "queue"):
        if data.get(field):
            qs = qs.filter(**{field: data[field]})
    if data.get("label"):
        qs = qs.filter(labels=data["label"])
    if data.get("assignee") == "me":
        qs = qs.filter(assignee=user)
    elif data.get("assignee") == "none":
        qs = qs.filter(assignee__isnull=True)
    if data.get("created_from"):
        qs = qs.filter(created_at__date__gte=data["created_from"])
    if data.get("created_to"):
        qs = qs.filter(created_at__date__lte=data["created_to"])
    if data.get("overdue"):
        qs = qs.filter(
            due_date__lt=timezone.localdate(), state__in=[CaseState.OPEN, CaseState.ON_HOLD]
        )
    return qs


def run_search(user, data: dict):
    """Rows (at most ``LIMIT``) and whether the engine's full-text search was used."""
    engine = optional.search_cases()
    if engine is not None:
        result = _call_engine(engine, user, data)
        if result is not None:
            return list(list_rows(result, user)[:LIMIT]) if hasattr(result, "filter") else list(
                result
            )[:LIMIT], True
    qs = fallback_search(user, data).order_by("-created_at", "-pk")
    return list(list_rows(qs, user)[:LIMIT]), False


def _call_engine(engine, user, data):
    """Call ``search_cases`` with what its signature accepts."""
    params = inspect.signature(engine).parameters
    filters = {k: v for k, v in data.items() if k != "q" and v not in (None, "", False)}
    kwargs = {}
    if "user" in params:
        kwargs["user"] = user
    text = data.get("q") or ""
    for name in ("text", "query", "q"):
        if name in params:
            kwargs[name] = text
            break
    accepts_any = any(p.kind == p.VAR_KEYWORD for p in params.values())
    if "filters" in params:
        kwargs["filters"] = filters
    else:
        kwargs.update({k: v for k, v in filters.items() if k in params or accepts_any})
    try:
        if "user" not in params:
            return engine(user, **kwargs)
        return engine(**kwargs)
    except (TypeError, CaseActionError):
        return None


class SearchView(WorkspaceMixin, View):
    def get(self, request):
        user = request.user
        form = SearchForm(request.GET or None, user=user)
        rows, fulltext = None, False
        if form.is_bound and form.is_valid():
            rows, fulltext = run_search(user, form.cleaned_data)
            today = timezone.localdate()
            for row in rows:
                row.overdue = is_overdue(row, today)
        return self.render(request, form, rows, fulltext, SaveSearchForm())

    def post(self, request):
        """Save the current search as a perspektiv (if the engine offers it)."""
        user = request.user
        save = optional.save_search()
        query = QueryDict(request.POST.get("query", ""))
        form = SearchForm(query, user=user)
        name_form = SaveSearchForm(request.POST)
        if save is None:
            messages.error(request, _("Perspektiv kan inte sparas än."))
            return redirect(f"{request.path}?{query.urlencode()}")
        if form.is_valid() and name_form.is_valid():
            stored = {k: v for k, v in query.lists() if k in FILTER_KEYS}
            stored = {k: (v[0] if len(v) == 1 else v) for k, v in stored.items()}
            try:
                save(actor=user, name=name_form.cleaned_data["name"], query=stored)
            except CaseActionError as error:
                name_form.add_error(None, error.message)
            except TypeError:
                save(user, name=name_form.cleaned_data["name"], query=stored)
            if not name_form.errors:
                messages.success(
                    request,
                    _("Perspektivet %(name)s sparades.") % {"name": name_form.cleaned_data["name"]},
                )
                return redirect(f"{request.path}?{query.urlencode()}")
        rows, fulltext = run_search(user, form.cleaned_data) if form.is_valid() else (None, False)
        return self.render(request, form, rows, fulltext, name_form, status=400)

    def render(self, request, form, rows, fulltext, name_form, status=200):
        user = request.user
        saved = []
        for item in SavedSearch.objects.restrict(user, "cases.view_case").filter(user=user):
            params = QueryDict(mutable=True)
            for key, value in (item.query or {}).items():
                if isinstance(value, list):
                    params.setlist(key, [str(v) for v in value])
                else:
                    params[key] = str(value)
            saved.append((item, params.urlencode()))
        context = {
            "form": form,
            "rows": rows,
            "fulltext": fulltext,
            "limit": LIMIT,
            "saved": saved,
            "name_form": name_form,
            "can_save": optional.save_search() is not None,
            "query": request.GET.urlencode()
            if request.method == "GET"
            else request.POST.get("query", ""),
            "title": _("Sökresultat"),
            "can_bulk": False,
        }
        return render(request, "workspace/search.html", context, status=status)
