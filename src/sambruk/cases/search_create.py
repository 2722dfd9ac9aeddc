"""The search document of a case being created, written in the creating transaction.

``do_create`` builds the document from the values at hand (a new case has no notes and no
conversations yet) instead of re-reading the case after commit: on PostgreSQL the
``tsvector`` goes into the case's own INSERT (:func:`vector_expression`), on SQLite one row
into the FTS5 table (:func:`index_created`). The ``case.created`` event is then marked as
indexed, so :func:`sambruk.cases.search.reindex_for_event` skips it.
"""

from __future__ import annotations

from django.contrib.postgres.search import SearchVector
from django.db import connection
from django.db.models import Value

from .search import CONFIG, FTS_TABLE, MAX_DOCUMENT


def creation_document(case, contacts=()) -> tuple[str, str, str]:
    """The (A, B, C) texts of a case just created with ``contacts`` (cleaned dicts).

    The same document :func:`_documents` builds, from values already in memory: a new case
    has no notes and no conversations yet.
    """
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
    reference = case.reference
    return (
        f"{reference} {reference.replace('-', ' ')} {case.title}"[:MAX_DOCUMENT],
        (case.description or "")[:MAX_DOCUMENT],
        "\n".join(names)[:MAX_DOCUMENT],
    )


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
