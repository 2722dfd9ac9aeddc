"""REST API of the case engine (``/api/cases/`` and the configuration the integrators need).

* :mod:`.views` — :class:`CaseViewSet`: list (filters, ``q``), retrieve, create, and the
  sub-resources log, notes, attachments and available actions.
* :mod:`.action_views` — one ``POST /api/cases/{id}/actions/<action>/`` per case action,
  generated from :data:`.action_specs.ACTION_SPECS`; each calls the action's ``do_*`` service.
* :mod:`.config_views` — read-only case types (with statuses and transitions), queues,
  labels and priorities, always through ``restrict()``.

Decisions:

* Every list and detail starts from ``Case.objects.visible_to(user)``: another organisation's
  case, a restricted case the user is not named on and another user's draft answer 404.
* Refusals of the engine (:class:`~sambruk.cases.errors.CaseActionError`) keep its Swedish
  message and code: ``{"detail", "code"}`` with 409 for ``stale`` (``expected_version`` did
  not match), 403 for ``permission_denied``, 404 for ``not_found`` and 400 otherwise.
* **API clients** are machine users with the scopes of their organisation. They create cases
  in any active queue of their organisation (``origin`` is always ``api``); they are not queue
  members, so they cannot *take* a case (``assign``) but may assign it to a caseworker who is
  a member of the case's queue (``assign_to``).
"""
