"""One authorisation mechanism: ``restrict(user, permission)`` on querysets.

A user acts through memberships (organisation + role). A role is a named set of
permission strings defined in code (see :mod:`sambruk.core.accounts.roles`). Every list or
detail of tenant data goes through :meth:`RestrictedQuerySet.restrict`.
"""
