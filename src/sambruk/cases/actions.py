"""``available_actions(case, user)``: what the user may do with the case now.

The workspace shows exactly these buttons and the REST API returns them with each case. It
runs the same checks (:mod:`sambruk.cases.predicates`) that the services run, so a returned
action is one the service accepts (given valid arguments).
"""

from __future__ import annotations

from .errors import CaseActionError
from .predicates import CHECKS


def available_actions(case, user) -> list[str]:
    result = []
    for name, check in CHECKS.items():
        try:
            check(case, user)
        except CaseActionError:
            continue
        result.append(name)
    return result
