"""The case engine (ärendehantering): one engine for every module's ärenden.

* ``models/`` — configuration as data per organisation (case types, statuses, transition
  table, resolutions, priorities, labels, queues) and the case with contacts, log, read
  markers and stored events.
* ``workflow.check_transition`` — the one place the transition table is enforced.
* ``predicates`` — the precondition of every action; ``actions.available_actions`` and the
  services share them.
* ``services`` — every state change (``do_*``): atomic, locked, audited, logged, evented.
* ``queries`` — read helpers; lists always start from ``Case.objects.visible_to(user)``.
* ``events.subscribe`` — react to stored case events after commit.

Decisions:

* **Restricted cases** are hidden, not only unchangeable: ``Case.objects.visible_to`` shows
  a restricted case only to the users named on it and its assignee (superusers excepted);
  drafts only to their creator. ``restrict()`` alone is the organisation filter.
* **Sending to another organisation** creates a new case there with what was sent (see
  ``services/assignment.py``); the sender keeps its case and may read the received one.
"""
