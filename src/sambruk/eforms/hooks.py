"""Extension points for modules that build a service on an e-service's form.

A module registers, for the **form definition code** it owns (``FormDefinition.code``, e.g.
``"ekonomiskt-bistand"``), from its ``AppConfig.ready``:

* a **validator** ``fn(sub, answers, page_index) -> [(field_name, message), …]`` — checks that
  span several fields (a household's contradictions). Called when a page is saved
  (``page_index`` = that page, ``answers`` = the stored answers merged with the page's) and
  before signing or submitting (``page_index`` ``None``, the whole submission). Problems on a
  page are shown like field errors and nothing is saved; before signing they refuse with a
  :class:`~sambruk.eforms.services.submissions.SubmissionError`.
* an **after-page** hook ``fn(request, sub, page_index) -> url | None`` — after a page was
  saved and is valid, the citizen is sent to ``url`` instead of the next page (a module's own
  step, e.g. fetching data with the citizen's consent). The module sends them back to
  ``next_page_url(sub, page_index)`` when done.
* **signers** ``fn(sub) -> 1 | 2`` — for an e-service with two signers: whether this
  submission needs the second one (``register_signers``).
* a **submit** hook ``fn(sub)`` — called in the submission's transaction right after the case
  was created (``sub.case`` is set). Raising ``SubmissionError`` aborts the submission: no
  case, no receipt, nothing half-written.
"""

from __future__ import annotations

from collections.abc import Callable

_VALIDATORS: dict[str, list[Callable]] = {}
_AFTER_PAGE: dict[str, list[Callable]] = {}
_SUBMIT: dict[str, list[Callable]] = {}
_SIGNERS: dict[str, Callable] = {}


def _add(table: dict, code: str, fn: Callable) -> Callable:
    fns = table.setdefault(code, [])
    if fn not in fns:
        fns.append(fn)
    return fn


def register_validator(code: str, fn: Callable) -> Callable:
    return _add(_VALIDATORS, code, fn)


def register_after_page(code: str, fn: Callable) -> Callable:
    return _add(_AFTER_PAGE, code, fn)


def register_submit_hook(code: str, fn: Callable) -> Callable:
    return _add(_SUBMIT, code, fn)


def register_signers(code: str, fn: Callable) -> Callable:
    """``fn(sub) -> 1 | 2``: how many must sign a two-signer e-service's submission (e.g. a
    second signer only when the applicant has a co-applicant)."""
    _SIGNERS[code] = fn
    return fn


def signers_needed(sub) -> int | None:
    if not _SIGNERS:
        return None
    fn = _SIGNERS.get(form_code(sub))
    return fn(sub) if fn is not None else None


def form_code(sub) -> str:
    return sub.form_version.definition.code


# The hooks run on every page request: when no module registered any (or none at all of a
# kind), the definition is not even looked at (no query on the citizen's hot path).


def problems(sub, answers: dict, page_index: int | None) -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    if not _VALIDATORS:
        return found
    for fn in _VALIDATORS.get(form_code(sub), ()):
        found.extend(fn(sub, answers, page_index) or [])
    return found


def after_page(request, sub, page_index: int) -> str | None:
    if not _AFTER_PAGE:
        return None
    for fn in _AFTER_PAGE.get(form_code(sub), ()):
        url = fn(request, sub, page_index)
        if url:
            return url
    return None


def on_submit(sub) -> None:
    if not _SUBMIT:
        return
    for fn in _SUBMIT.get(form_code(sub), ()):
        fn(sub)


def next_page_url(sub, page_index: int) -> str:
    """Where the citizen continues after ``page_index`` (the next visible page or summary)."""
    from .services import submissions as subs
    from .views.citizen import _page_url, _urls

    following = subs.next_page(sub, page_index)
    return _urls(sub)["summary"] if following is None else _page_url(sub, following)
