"""Full-text search over cases (sökning), with filters and keyset pagination.

**The index.** One search document per case: reference, title, description, notes (case-log
entries of kind ``note``), conversation topics, message bodies and contact names (the free
contact's name and e-mail, a registered person's given and family name — never a person's
address, e-mail or phone, which may be protected). :func:`reindex_case` rebuilds it; it is the
only writer of the index and is called after commit for every stored case event
(``services/base.py`` subscribes :func:`reindex_for_event`), so every ``do_*`` function keeps
it current. ``manage.py reindex_cases`` backfills.

* **PostgreSQL**: ``Case.search_vector`` (``tsvector``, GIN index ``cases_case_search_gin``)
  with the ``swedish`` configuration; reference and title weigh A, description B, the rest C.
  Snowball stemming: "lampa", "lampor" and "lamporna" all become ``lamp`` ("lampan" does
  not). Compounds are not split ("gatlampor" does not find "lampa").
* **SQLite**: the FTS5 table ``cases_case_fts(rowid = case id, body)`` with the ``unicode61``
  tokenizer and ``remove_diacritics 0``: case-insensitive also for å/ä/ö, but å, ä and ö stay
  distinct letters (``"gå"`` does not match ``"ga"``); no stemming. Each word is searched as a
  prefix (``"lamp"*``), so "lamp" finds "lampa" and "lampor" but "lampa" does not find "lampor".

**The query.** The user's text is parsed once into terms (words, ``"quoted phrases"``,
``-excluded`` words, ``or`` between terms; anything else is ignored) and rendered from those
terms only: for PostgreSQL as a clean ``websearch_to_tsquery('swedish', …)`` string, for SQLite
as an FTS5 expression in which every token is double-quoted. User input never reaches either
query language directly, so no syntax error can reach the user. A hyphenated chunk such as a
reference ``SBK-20240115-12`` becomes the phrase ``"sbk 20240115 12"``; the document holds the
reference in that form too. Text without any word gives no text filter and a notice.

**Lists** always start from ``Case.objects.visible_to(user)`` (organisation, restriction,
drafts) and are paged by keyset (``after`` = the ``next_cursor`` of the previous page).
"""

from __future__ import annotations

import base64
import binascii
import datetime
import re
from dataclasses import dataclass, field

from django.contrib.postgres.search import SearchQuery, SearchVector
from django.db import connection, models, transaction
from django.db.models import Q, Value
from django.db.models.expressions import RawSQL
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _

from sambruk.core.authz.permissions import ALL, permitted_organisation_ids

from .errors import CaseActionError
from .models import Case, CaseContact, CaseLogEntry, CaseState, Conversation, LogKind, Message

CONFIG = "swedish"
FTS_TABLE = "cases_case_fts"
MAX_TEXT = 500  # characters of the user's text that are considered
MAX_TERMS = 16
MAX_TOKEN = 64
MAX_DOCUMENT = 400_000  # characters per document (PostgreSQL tsvector limit is 1 MB)
MAX_LIMIT = 200

#: ``order`` → (field, descending)
ORDERS = {
    "-created": ("created_at", True),
    "created": ("created_at", False),
    "-updated": ("updated_at", True),
    "updated": ("updated_at", False),
}
#: The keys of a query (saved searches store exactly these).
QUERY_KEYS = (
    "text",
    "status",
    "state",
    "case_type",
    "queue",
    "assignee",
    "label",
    "created_from",
    "created_to",
    "due_from",
    "due_to",
    "overdue",
    "order",
)
ID_KEYS = ("status", "case_type", "queue", "label")
DATE_KEYS = ("created_from", "created_to", "due_from", "due_to")


# --- the index ---------------------------------------------------------------------------


def _documents(case_ids) -> dict[int, tuple[str, str, str]]:
    """(A, B, C) texts per existing case id: a fixed number of queries for any batch."""
    docs: dict[int, list] = {}
    for pk, reference, title, description in Case.objects.filter(pk__in=case_ids).values_list(
        "pk", "reference", "title", "description"
    ):
        docs[pk] = [f"{reference} {reference.replace('-', ' ')} {title}", description, []]
    if not docs:
        return {}
    ids = list(docs)
    rest = (
        CaseLogEntry.objects.filter(case_id__in=ids, kind=LogKind.NOTE).values_list(
            "case_id", "text"
        ),
        Conversation.objects.filter(case_id__in=ids).values_list("case_id", "topic"),
        Message.objects.filter(conversation__case_id__in=ids).values_list(
            "conversation__case_id", "body"
        ),
    )
    for rows in rest:
        for case_id, text in rows:
            docs[case_id][2].append(text)
    contacts = CaseContact.objects.filter(case_id__in=ids).values_list(
        "case_id", "name", "email", "person__given_name", "person__family_name"
    )
    for case_id, *names in contacts:
        docs[case_id][2].append(" ".join(n for n in names if n))
    return {
        pk: (a[:MAX_DOCUMENT], b[:MAX_DOCUMENT], "\n".join(c)[:MAX_DOCUMENT])
        for pk, (a, b, c) in docs.items()
    }


def reindex_cases(case_ids) -> int:
    """Rebuild the search documents of ``case_ids``; returns how many cases were indexed.

    Runs in its own transaction. PostgreSQL: the case rows are locked first, so the documents
    are read after any concurrent change commits. SQLite: the first statement takes the write
    lock. Ids of deleted cases lose their document.
    """
    ids = sorted({int(pk) for pk in case_ids})
    if not ids:
        return 0
    with transaction.atomic():
        if connection.vendor == "sqlite":
            placeholders = ",".join(["%s"] * len(ids))
            with connection.cursor() as cursor:
                cursor.execute(f"DELETE FROM {FTS_TABLE} WHERE rowid IN ({placeholders})", ids)  # noqa: S608
                docs = _documents(ids)
                cursor.executemany(
                    f"INSERT INTO {FTS_TABLE}(rowid, body) VALUES (%s, %s)",  # noqa: S608
                    [(pk, "\n".join(parts)) for pk, parts in docs.items()],
                )
            return len(docs)
        list(Case.objects.select_for_update().filter(pk__in=ids).order_by("pk").values_list("pk"))
        docs = _documents(ids)
        for pk, (a, b, c) in docs.items():
            vector = (
                SearchVector(Value(a), config=CONFIG, weight="A")
                + SearchVector(Value(b), config=CONFIG, weight="B")
                + SearchVector(Value(c), config=CONFIG, weight="C")
            )
            # update() does not touch ``updated_at``: indexing is not a change of the case.
            Case.objects.filter(pk=pk).update(search_vector=vector)
        return len(docs)


def reindex_case(case_id) -> None:
    """Rebuild one case's search document (the one function that writes the index)."""
    reindex_cases([case_id])


def reindex_for_event(event) -> None:
    """Case-event subscriber: every stored event (after commit) re-indexes its case.

    Except a ``case.created`` event whose case ``do_create`` already indexed in its own
    transaction (``event.indexed``).
    """
    if getattr(event, "indexed", False):
        return
    reindex_case(event.case_id)


def prune_index() -> int:
    """SQLite: drop documents of cases that no longer exist (PostgreSQL needs nothing)."""
    if connection.vendor != "sqlite":
        return 0
    with connection.cursor() as cursor:
        cursor.execute(
            f"DELETE FROM {FTS_TABLE} WHERE rowid NOT IN (SELECT id FROM {Case._meta.db_table})"  # noqa: S608
        )
        return cursor.rowcount


# --- the user's text -----------------------------------------------------------------------

_CHUNK = re.compile(r'"([^"]*)"|(\S+)')
_WORD = re.compile(r"[^\W_]+")


@dataclass(frozen=True)
class Term:
    tokens: tuple[str, ...]  # one word, or a phrase
    negated: bool = False
    or_previous: bool = False  # joined to the previous term with OR


def parse_text(text) -> list[Term]:
    """Split the user's text into terms; everything that is not a word is dropped."""
    terms: list[Term] = []
    pending_or = False
    for quoted, bare in _CHUNK.findall(str(text or "")[:MAX_TEXT]):
        chunk = quoted if quoted else bare
        if not quoted and chunk.lower() == "or":
            pending_or = bool(terms)
            continue
        negated = not quoted and chunk.startswith("-")
        tokens = tuple(t.lower()[:MAX_TOKEN] for t in _WORD.findall(chunk))
        if not tokens:
            continue
        terms.append(Term(tokens, negated, pending_or and not negated))
        pending_or = False
        if len(terms) >= MAX_TERMS:
            break
    return terms


def _groups(terms):
    """Positive terms as AND-ed groups of OR-ed terms (websearch precedence), and negatives."""
    groups: list[list[Term]] = []
    for term in terms:
        if term.negated:
            continue
        if term.or_previous and groups:
            groups[-1].append(term)
        else:
            groups.append([term])
    return groups, [t for t in terms if t.negated]


def websearch_text(terms) -> str:
    """A ``websearch_to_tsquery`` string built only from parsed tokens."""

    def render(term):
        body = term.tokens[0] if len(term.tokens) == 1 else '"' + " ".join(term.tokens) + '"'
        return ("-" if term.negated else "") + body

    parts = []
    for term in terms:
        if term.or_previous and parts:
            parts.append("or")
        parts.append(render(term))
    return " ".join(parts)


def fts5_expression(terms) -> tuple[str, str]:
    """(positive, negative) FTS5 expressions; every token double-quoted, words as prefixes."""

    def render(term):
        if len(term.tokens) == 1:
            return f'"{term.tokens[0]}"*'
        return '"' + " ".join(term.tokens) + '"'

    groups, negatives = _groups(terms)
    positive = " AND ".join("(" + " OR ".join(render(t) for t in group) + ")" for group in groups)
    negative = " OR ".join(render(t) for t in negatives)
    return positive, negative


def _fts_ids(expression: str):
    sql = f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s"  # noqa: S608
    return RawSQL(sql, (expression,))  # noqa: S611 — the expression is a bound parameter


def text_filter(queryset, terms):
    if connection.vendor == "postgresql":
        query = SearchQuery(websearch_text(terms), config=CONFIG, search_type="websearch")
        return queryset.filter(search_vector=query)
    positive, negative = fts5_expression(terms)
    if positive and negative:
        return queryset.filter(pk__in=_fts_ids(f"({positive}) NOT ({negative})"))
    if positive:
        return queryset.filter(pk__in=_fts_ids(positive))
    return queryset.exclude(pk__in=_fts_ids(negative))


# --- filters -------------------------------------------------------------------------------


def _invalid(message):
    return CaseActionError(message, code="invalid_search")


def _id_list(key, value):
    values = value if isinstance(value, list | tuple | set) else [value]
    out = []
    for item in values:
        pk = item.pk if isinstance(item, models.Model) else item
        if isinstance(pk, bool) or not str(pk).isdigit() or int(pk) <= 0:
            raise _invalid(_("Ogiltigt värde för %(key)s.") % {"key": key})
        out.append(int(pk))
    return out


def _date(key, value):
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    if isinstance(value, datetime.date):
        return value
    parsed = None
    if isinstance(value, str):
        try:
            parsed = parse_date(value) or (parse_datetime(value) and parse_datetime(value).date())
        except ValueError:
            parsed = None
    if parsed is None:
        raise _invalid(_("Ogiltigt datum för %(key)s (ÅÅÅÅ-MM-DD).") % {"key": key})
    return parsed


def _bool(value):
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("1", "true", "ja", "yes", "on"):
        return True
    if text in ("0", "false", "nej", "no", "off"):
        return False
    raise _invalid(_("Ogiltigt värde för förfallna ärenden."))


def clean_query(query: dict) -> dict:
    """Validate a query (saved search or search form) → JSON-able values; unknown keys refused.

    Ids may be given as model instances, ints or digit strings (or lists of them); dates as
    dates or ISO strings; ``assignee`` may also be ``"me"`` or ``"none"`` (unassigned).
    Empty values are dropped.
    """
    if not isinstance(query, dict):
        raise _invalid(_("Sökningen måste vara en uppsättning filter."))
    unknown = sorted(set(query) - set(QUERY_KEYS))
    if unknown:
        raise _invalid(_("Okända sökfilter: %(keys)s.") % {"keys": ", ".join(map(str, unknown))})
    out: dict = {}
    for key, value in query.items():
        if value is None or value == "" or value == [] or value == ():
            continue
        if key == "text":
            if not isinstance(value, str):
                raise _invalid(_("Söktexten måste vara text."))
            if len(value) > MAX_TEXT:
                raise _invalid(_("Söktexten får vara högst %(n)d tecken.") % {"n": MAX_TEXT})
            out[key] = value.strip()
        elif key in ID_KEYS:
            out[key] = _id_list(key, value)
        elif key == "state":
            states = [value] if isinstance(value, str) else list(value)
            if not all(isinstance(s, str) and s in CaseState.values for s in states):
                raise _invalid(_("Okänt läge."))
            out[key] = states
        elif key == "assignee":
            if isinstance(value, str) and value in ("me", "none"):
                out[key] = value
            else:
                out[key] = _id_list(key, value)
        elif key in DATE_KEYS:
            out[key] = _date(key, value).isoformat()
        elif key == "overdue":
            out[key] = _bool(value)
        elif key == "order":
            if value not in ORDERS:
                raise _invalid(_("Okänd sortering."))
            out[key] = value
    return {k: v for k, v in out.items() if v != ""}


def _midnight(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def apply_filters(queryset, user, query: dict):
    """Apply a :func:`clean_query` result (except text and order)."""
    lookups = {"status": "status_id__in", "case_type": "case_type_id__in"}
    lookups |= {"queue": "queue_id__in", "state": "state__in"}
    for key, lookup in lookups.items():
        if key in query:
            queryset = queryset.filter(**{lookup: query[key]})
    if "label" in query:
        queryset = queryset.filter(labels__in=query["label"]).distinct()
    assignee = query.get("assignee")
    if assignee == "none":
        queryset = queryset.filter(assignee__isnull=True)
    elif assignee == "me":
        queryset = queryset.filter(assignee_id=user.pk)
    elif assignee:
        queryset = queryset.filter(assignee_id__in=assignee)
    day = datetime.date.fromisoformat
    if "created_from" in query:
        queryset = queryset.filter(created_at__gte=_midnight(day(query["created_from"])))
    if "created_to" in query:
        end = day(query["created_to"]) + datetime.timedelta(days=1)
        queryset = queryset.filter(created_at__lt=_midnight(end))
    if "due_from" in query:
        queryset = queryset.filter(due_date__gte=day(query["due_from"]))
    if "due_to" in query:
        queryset = queryset.filter(due_date__lte=day(query["due_to"]))
    if "overdue" in query:
        overdue = Q(
            due_date__lt=timezone.localdate(),
            state__in=[CaseState.OPEN, CaseState.ON_HOLD],
        )
        queryset = queryset.filter(overdue) if query["overdue"] else queryset.exclude(overdue)
    return queryset


# --- search --------------------------------------------------------------------------------


@dataclass
class SearchPage:
    cases: list = field(default_factory=list)
    next_cursor: str | None = None
    #: A Swedish notice for the user (e.g. the text held no searchable word), or ``None``.
    notice: str | None = None


def encode_cursor(case, order: str) -> str:
    name, _desc = ORDERS[order]
    raw = f"{getattr(case, name).isoformat()}|{case.pk}"
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(cursor: str):
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        stamp, pk = raw.split("|")
        value = datetime.datetime.fromisoformat(stamp)
        if not pk.isdigit():
            raise ValueError(pk)
        return value, int(pk)
    except (ValueError, TypeError, binascii.Error, UnicodeDecodeError):
        raise _invalid(_("Ogiltig sidmarkör. Börja om sökningen.")) from None


def search_queryset(user, query: dict):
    """(ordered queryset, notice) for a :func:`clean_query` result."""
    queryset = Case.objects.visible_to(user).filter(removed=False)
    orgs = permitted_organisation_ids(user, "cases.view_case")
    if orgs and orgs != ALL:
        # Redundant with visible_to (every visible case is of these organisations or was
        # sent by one), but index-able: PostgreSQL can then AND the organisation (and
        # state) index with the GIN index instead of walking ``created_at`` over all
        # organisations for a common word (docs/cases-performance.md).
        queryset = queryset.filter(Q(organisation_id__in=orgs) | Q(sent_from_id__isnull=False))
    notice = None
    if query.get("text"):
        terms = parse_text(query["text"])
        if terms:
            queryset = text_filter(queryset, terms)
        else:
            notice = _("Söktexten innehöll inga sökbara ord och användes inte.")
    queryset = apply_filters(queryset, user, query)
    name, descending = ORDERS[query.get("order", "-created")]
    sign = "-" if descending else ""
    return queryset.order_by(f"{sign}{name}", f"{sign}pk"), notice


def search_cases(
    user,
    text=None,
    *,
    status=None,
    state=None,
    case_type=None,
    queue=None,
    assignee=None,
    label=None,
    created_from=None,
    created_to=None,
    due_from=None,
    due_to=None,
    overdue=None,
    order="-created",
    after=None,
    limit=50,
) -> SearchPage:
    """One page of the cases ``user`` may see that match ``text`` and the filters.

    Filters take instances, ids or lists of them (see :func:`clean_query`); an invalid filter
    raises :class:`CaseActionError` (``code="invalid_search"``) with a Swedish message. Text
    never raises: it is cut to :data:`MAX_TEXT` characters and parsed into safe terms.
    ``after`` is the ``next_cursor`` of the previous page.
    """
    query = clean_query(
        {
            "status": status,
            "state": state,
            "case_type": case_type,
            "queue": queue,
            "assignee": assignee,
            "label": label,
            "created_from": created_from,
            "created_to": created_to,
            "due_from": due_from,
            "due_to": due_to,
            "overdue": overdue,
            "order": order or "-created",
        }
    )
    query["text"] = str(text or "")[:MAX_TEXT].strip()
    queryset, notice = search_queryset(user, query)
    name, descending = ORDERS[query["order"]]
    if after:
        value, pk = decode_cursor(after)
        op = "lt" if descending else "gt"
        queryset = queryset.filter(
            Q(**{f"{name}__{op}": value}) | Q(**{name: value, f"pk__{op}": pk})
        )
    try:
        limit = max(1, min(int(limit), MAX_LIMIT))
    except (TypeError, ValueError):
        limit = 50
    # Related rows by id, not joined (cheaper to plan on PostgreSQL); no tsvector.
    rows = list(
        queryset.defer("search_vector").prefetch_related(
            "case_type", "status", "queue", "assignee"
        )[: limit + 1]
    )
    more = len(rows) > limit
    rows = rows[:limit]
    return SearchPage(
        cases=rows,
        next_cursor=encode_cursor(rows[-1], query["order"]) if more and rows else None,
        notice=notice,
    )


def run_saved_search(user, saved, *, after=None, limit=50) -> SearchPage:
    """Run a saved search (perspektiv) as ``user``."""
    query = clean_query(saved.query)
    text = query.pop("text", None)
    return search_cases(user, text, after=after, limit=limit, **query)
