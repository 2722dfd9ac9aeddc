"""E-service state changes, one module per concept.

* :mod:`.definitions` — form definitions and versions (create, edit drafts, publish, retire).

Every function is atomic, takes the acting user as keyword-only ``actor``, audits, and
raises :class:`~sambruk.cases.errors.CaseActionError` with a Swedish message on refusal.
"""
