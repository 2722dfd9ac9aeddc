"""The search document of a case being created, written in the creating transaction.

``do_create`` builds the document from the values at hand (a new case has no notes and no
conversations yet) instead of re-reading the case after commit: on PostgreSQL the
``tsvector`` goes into the case's own INSERT (:func:`vector_expression`), on SQLite one row
into the FTS5 table (:func:`index_created`). The ``case.created`` event is then marked as
indexed, so :func:`sambruk.cases.search.reindex_for_event` skips it.
"""

from __future__ import annotations

from django.contrib.postgres.search import SearchVector
from django.db import connection, transaction
from django.db.models import Value

from .search import CONFIG, FTS_TABLE, MAX_DOCUMENT


def creation_document(case, contacts=()) -> tuple[str, str, str]:
    """The (A, B, C) texts of a case just created with ``contacts`` (cleaned dicts).

    The same document :func:`_documents` builds, from values already in memory: a new case
    has no notes and no conversations yet.
    """
    names = contact_names(contacts)
    reference = case.reference
    return (
        f"{reference} {reference.replace('-', ' ')} {case.title}"[:MAX_DOCUMENT],
        (case.description or "")[:MAX_DOCUMENT],
        "\n".join(names)[:MAX_DOCUMENT],
    )


def contact_names(contacts) -> list[str]:
    """One line per contact, as :func:`sambruk.cases.search._documents` writes them."""
    names = []
    for contact in contacts:
        person = contact.get("person")
        parts = (
            contact.get("name"),
            contact.get("email"),
            getattr(person, "given_name", ""),
            getattr(person, "family_name", ""),
        )
        names.append(" ".join(n for n in parts if n))
    return names


def vector_expression(a: str, b: str, c: str):
    """``setweight(to_tsvector(…), 'A') || …``: usable in an INSERT or UPDATE (PostgreSQL)."""
    return (
        SearchVector(Value(a), config=CONFIG, weight="A")
        + SearchVector(Value(b), config=CONFIG, weight="B")
        + SearchVector(Value(c), config=CONFIG, weight="C")
    )


def index_created(case, document) -> None:
    """Index a case inside the transaction that creates it (``do_create``).

    PostgreSQL: ``do_create`` puts :func:`vector_expression` into the case's INSERT, nothing
    to do here. SQLite: one INSERT into the FTS5 table. The ``case.created`` event is then
    marked as indexed so that :func:`reindex_for_event` skips it after commit; the case is
    findable as soon as the creating transaction commits.
    """
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT OR REPLACE INTO {FTS_TABLE}(rowid, body) VALUES (%s, %s)",  # noqa: S608
                [case.pk, "\n".join(document)],
            )


def remember_created(case, document, contacts) -> None:
    """Keep the creation document on the (in-memory) case that ``do_create`` returns, so
    that a first conversation started on it in the same transaction (an inbound e-mail:
    ``do_receive_email``) can extend the document instead of a full re-index after commit."""
    case._creation_search = (case.version, document[0], document[1], contact_names(contacts))
    # Only within the creating transaction: afterwards other changes may have been made.
    transaction.on_commit(lambda: setattr(case, "_creation_search", None))


def index_first_message(created, locked, topic: str, body: str) -> bool:
    """Extend the creation document of ``created`` (a case ``do_create`` returned in this
    transaction, see :func:`remember_created`) with the first conversation's ``topic`` and
    message ``body``, and write it in this transaction. ``locked``: the case as locked now.

    Only while nothing else changed the case since its creation (same version, no notes, no
    other conversation): the result is then the document :func:`_documents` would build.
    Returns False (nothing written) otherwise; the caller's event then re-indexes after
    commit as usual.
    """
    pending = getattr(created, "_creation_search", None)
    if pending is None or pending[0] != locked.version or locked.pk != created.pk:
        return False
    created._creation_search = None  # one conversation only
    _version, a, b, names = pending
    c = "\n".join([topic, body, *names])[:MAX_DOCUMENT]
    if connection.vendor == "sqlite":
        index_created(locked, (a, b, c))
    else:
        from .models import Case

        Case.objects.filter(pk=locked.pk).update(search_vector=vector_expression(a, b, c))
    return True
