"""Sök: the engine's search (``sambruk.cases.search``) with filters and keyset pages, and
saved searches (perspektiv). Without the engine's search module, a simple filter on title
and reference over the visible cases."""

from __future__ import annotations

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
from .common import WorkspaceMixin, decorate_rows, list_rows, visible_cases

PAGE = 50
ACTIVE = [CaseState.OPEN, CaseState.ON_HOLD]


def engine_query(data: dict) -> dict:
    """Search form data → the engine's query keys (``sambruk.cases.search.QUERY_KEYS``)."""
    state = data.get("state") or "active"
    query = {
        "text": (data.get("text") or "").strip(),
        "state": {"active": ACTIVE, "all": None}.get(state, [state]),
        "case_type": data.get("case_type"),
        "queue": data.get("queue"),
        "assignee": data.get("assignee") or None,
        "label": data.get("label"),
        "created_from": data.get("created_from"),
        "created_to": data.get("created_to"),
        "overdue": True if data.get("overdue") else None,
    }
    return {k: v for k, v in query.items() if v not in (None, "", [])}


def fallback_search(user, query: dict, after=None):
    """Title/reference filter over the visible cases (used when the engine has no search)."""
    qs = visible_cases(user).filter(removed=False)
    if query.get("text"):
        text = query["text"]
        qs = qs.filter(Q(title__icontains=text) | Q(reference__icontains=text))
    if query.get("state"):
        qs = qs.filter(state__in=query["state"])
    for key in ("case_type", "queue"):
        if query.get(key):
            qs = qs.filter(**{key: query[key]})
    if query.get("label"):
        qs = qs.filter(labels=query["label"])
    if query.get("assignee") == "me":
        qs = qs.filter(assignee=user)
    elif query.get("assignee") == "none":
        qs = qs.filter(assignee__isnull=True)
    if query.get("created_from"):
        qs = qs.filter(created_at__date__gte=query["created_from"])
    if query.get("created_to"):
        qs = qs.filter(created_at__date__lte=query["created_to"])
    if query.get("overdue"):
        qs = qs.filter(due_date__lt=timezone.localdate(), state__in=ACTIVE)
    from ..pagination import keyset_page

    page = keyset_page(qs, after, size=PAGE, descending=True)
    return page.rows, page.next_cursor, None


def run_search(user, query: dict, after=None):
    """(rows, next cursor, notice, full-text used)."""
    search_cases = optional.search_cases()
    if search_cases is None:
        return (*fallback_search(user, query, after), False)
    kwargs = {k: v for k, v in query.items() if k != "text"}
    page = search_cases(user, query.get("text"), after=after or None, limit=PAGE, **kwargs)
    ids = [c.pk for c in page.cases]
    decorated = {c.pk: c for c in list_rows(visible_cases(user).filter(pk__in=ids), user)}
    rows = [decorated[pk] for pk in ids if pk in decorated]
    return rows, page.next_cursor, page.notice, True


class SearchView(WorkspaceMixin, View):
    def get(self, request):
        user = request.user
        form = SearchForm(request.GET or None, user=user)
        result = None
        if form.is_bound and form.is_valid():
            try:
                result = run_search(user, engine_query(form.cleaned_data), request.GET.get("efter"))
            except CaseActionError as error:
                form.add_error(None, error.message)
        return self.render(request, form, result, SaveSearchForm())

    def post(self, request):
        """Save the current search as a perspektiv."""
        user = request.user
        save = optional.save_search()
        query = QueryDict(request.POST.get("query", ""))
        back = f"{request.path}?{query.urlencode()}"
        if save is None:
            messages.error(request, _("Perspektiv kan inte sparas i den här versionen."))
            return redirect(back)
        form = SearchForm(query, user=user)
        name_form = SaveSearchForm(request.POST)
        if form.is_valid() and name_form.is_valid():
            name = name_form.cleaned_data["name"]
            try:
                save(user, name=name, query=engine_query(form.cleaned_data))
            except CaseActionError as error:
                name_form.add_error("name", error.message)
            else:
                messages.success(request, _("Perspektivet %(name)s sparades.") % {"name": name})
                return redirect(back)
        return self.render(request, form, None, name_form, status=400)

    def render(self, request, form, result, name_form, status=200):
        user = request.user
        saved = []
        for item in SavedSearch.objects.restrict(user, "cases.view_case").filter(user=user):
            saved.append((item, saved_params(item.query or {})))
        rows, next_cursor, notice, fulltext = result or (None, None, None, False)
        decorate_rows(rows or ())
        params = request.GET.copy() if request.method == "GET" else QueryDict(mutable=True)
        params.pop("efter", None)
        context = {
            "form": form,
            "rows": rows,
            "notice": notice,
            "fulltext": fulltext,
            "next_url": f"?{params.urlencode()}&efter={next_cursor}" if next_cursor else None,
            "saved": saved,
            "name_form": name_form,
            "can_save": optional.save_search() is not None,
            "query": params.urlencode() if request.method == "GET" else request.POST.get("query"),
            "title": _("Sökresultat"),
            "can_bulk": False,
        }
        return render(request, "workspace/search.html", context, status=status)


def saved_params(query: dict) -> str:
    """A stored perspektiv → the search page's GET parameters."""
    params = QueryDict(mutable=True)
    for key, value in query.items():
        if key == "state":
            states = value if isinstance(value, list) else [value]
            params["state"] = (
                "active" if sorted(states) == sorted(ACTIVE) else (states[0] if states else "all")
            )
        elif key == "overdue":
            if value:
                params["overdue"] = "on"
        elif isinstance(value, list):
            if value:
                params[key] = str(value[0])
        else:
            params[key] = str(value)
    params.setdefault("state", "all")
    return params.urlencode()
