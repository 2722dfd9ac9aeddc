"""The form engine: a version's definition + posted values → cleaned answers and errors.

Public API (the citizen flow, the editor preview, the receipt and the case data use these):

* :func:`clean_page` — one page's POST (and FILES) → :class:`PageResult` (answers, Swedish
  errors per input, checked uploads, a group add/remove action, raw input for re-display).
* :func:`merge_page` — put a page's answers into the whole set; drops hidden answers.
* :func:`missing_answers` — what still blocks submitting (required fields on visible pages).
* :func:`resolve_prefill` / :func:`initial_answers` — prefill from e-legitimation and plugins.
* :func:`build_summary` / :func:`summary_data` — label/value pairs of visible answers.
* :class:`~sambruk.eforms.visibility.Visibility` — visible pages/fields for a set of answers.

Rendering lives in :mod:`sambruk.eforms.rendering`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import get_language
from django.utils.translation import gettext as _

from .definition import NOT_IN_GROUP, field_map, localise
from .prefill import PrefillContext, PrefillRegistry
from .prefill import registry as global_registry
from .values import CLEANERS, FieldError, display_value, is_empty, required_message
from .visibility import Visibility, shown

ACTION_KEY = "eforms-action"
#: Upper bound for group rows when a definition gives no maxItems.
GROUP_ROW_LIMIT = 50
DEFAULT_MAX_FILES = 10

__all__ = [
    "ACTION_KEY",
    "CheckedUpload",
    "EngineError",
    "PageResult",
    "Visibility",
    "build_summary",
    "clean_page",
    "initial_answers",
    "input_key",
    "merge_page",
    "missing_answers",
    "resolve_prefill",
    "summary_data",
]


@dataclass(frozen=True)
class EngineError:
    """One error: ``key`` is the input's name (``hushall-0-namn``), ``page`` its page."""

    key: str
    label: str
    message: str
    page: int = 0

    @property
    def anchor(self) -> str:
        return f"f-{self.key}"


@dataclass(frozen=True)
class CheckedUpload:
    """An uploaded file that passed the field's checks (not stored yet)."""

    file: Any
    name: str
    content_type: str
    size: int
    sha256: str


@dataclass
class PageResult:
    page: int
    values: dict = field(default_factory=dict)
    errors: list[EngineError] = field(default_factory=list)
    uploads: dict[str, list[CheckedUpload]] = field(default_factory=dict)
    removed_files: dict[str, list] = field(default_factory=dict)
    raw: dict[str, Any] = field(default_factory=dict)
    row_counts: dict[str, int] = field(default_factory=dict)
    action: tuple | None = None

    @property
    def is_valid(self) -> bool:
        return not self.errors and self.action is None

    @property
    def error_map(self) -> dict[str, list[str]]:
        found: dict[str, list[str]] = {}
        for error in self.errors:
            found.setdefault(error.key, []).append(error.message)
        return found


def input_key(name: str, group: str | None = None, row: int | None = None) -> str:
    return name if group is None else f"{group}-{row}-{name}"


def _get(post, key):
    value = post.get(key) if post is not None else None
    if isinstance(value, list):
        return value[-1] if value else None
    return value


def _getlist(post, key) -> list:
    if post is None:
        return []
    if hasattr(post, "getlist"):
        return post.getlist(key)
    value = post.get(key)
    return value if isinstance(value, list) else ([] if value is None else [value])


def _raw(field: dict, post, key: str):
    kind = field["type"]
    if kind == "checkboxes":
        return _getlist(post, key)
    if kind == "location":
        return {part: _get(post, f"{key}-{part}") or "" for part in ("address", "lat", "lon")}
    return _get(post, key)


def clean_page(
    schema: dict,
    page_index: int,
    post,
    files=None,
    *,
    answers: dict | None = None,
    prefill: dict | None = None,
    language: str | None = None,
) -> PageResult:
    """Clean one page's input.

    ``answers`` are the answers saved so far (earlier pages decide this page's visibility;
    this page's stored files are kept unless the citizen removed them). ``prefill`` are the
    resolved prefill values: a ``readonly`` prefilled field keeps the prefilled value,
    whatever was posted. A post carrying ``eforms-action=add:<group>`` or
    ``remove:<group>:<row>`` changes the rows and returns ``action`` set and no errors —
    the caller shows the page again.
    """
    answers = answers or {}
    prefill = prefill or {}
    language = language or get_language() or "sv"
    page = schema["pages"][page_index]
    refs = field_map(schema)
    earlier = {k: v for k, v in answers.items() if k not in _page_names(page)}
    scope = Visibility(schema, earlier).values
    result = PageResult(page=page_index, action=_parse_action(_get(post, ACTION_KEY)))

    for fld in page.get("fields") or []:
        name = fld.get("name")
        if not name or not shown(fld, scope, refs):
            continue
        label = localise(fld["label"], language)
        kind = fld["type"]
        if kind == "group":
            value = _clean_group(fld, post, result, scope, refs, language, page_index)
        elif kind == "file":
            value = _clean_files(fld, post, files, answers.get(name) or [], result, label)
        elif fld.get("readonly") and name in prefill:
            value = prefill[name]
        else:
            raw = _raw(fld, post, name)
            result.raw[name] = raw
            try:
                value = CLEANERS[kind](fld, raw, label)
            except FieldError as error:
                result.errors.append(EngineError(name, label, error.message, page_index))
                continue
            if value is None and fld.get("required"):
                result.errors.append(
                    EngineError(name, label, required_message(fld, label), page_index)
                )
        if not is_empty(value):
            result.values[name] = value
            scope = {**scope, name: value}
    if result.action is not None:
        result.errors = []
    return result


def _page_names(page: dict) -> set[str]:
    return {f["name"] for f in page.get("fields") or [] if f.get("name")}


def _parse_action(raw) -> tuple | None:
    if not raw:
        return None
    parts = str(raw).split(":")
    if parts[0] == "add" and len(parts) == 2:
        return ("add", parts[1])
    if parts[0] == "remove" and len(parts) == 3 and parts[2].isdigit():
        return ("remove", parts[1], int(parts[2]))
    return None


def _clean_group(group, post, result, scope, refs, language, page_index) -> list:
    name = group["name"]
    limit = group.get("maxItems", GROUP_ROW_LIMIT)
    try:
        count = int(_get(post, f"{name}-count") or 0)
    except ValueError:
        count = 0
    count = max(0, min(count, limit))
    subs = [s for s in group["fields"] if s.get("name") and s["type"] not in NOT_IN_GROUP]
    raw_rows = [
        {s["name"]: _raw(s, post, input_key(s["name"], name, i)) for s in subs}
        for i in range(count)
    ]
    action = result.action
    if action and action[1] == name:
        if action[0] == "add" and len(raw_rows) < limit:
            raw_rows.append({})
        elif action[0] == "remove" and action[2] < len(raw_rows):
            raw_rows.pop(action[2])
    result.row_counts[name] = len(raw_rows)
    rows = []
    for i, raw_row in enumerate(raw_rows):
        row: dict = {}
        filled = any(not is_empty(v) for v in raw_row.values())
        for sub in group["fields"]:
            sub_name = sub.get("name")
            if not sub_name or not shown(sub, {**scope, **row}, refs):
                continue
            key = input_key(sub_name, name, i)
            raw = raw_row.get(sub_name)
            result.raw[key] = raw
            sub_label = localise(sub["label"], language)
            shown_label = f"{localise(group['label'], language)} {i + 1}: {sub_label}"
            try:
                value = CLEANERS[sub["type"]](sub, raw, shown_label)
            except FieldError as error:
                result.errors.append(EngineError(key, shown_label, error.message, page_index))
                continue
            if value is None and sub.get("required") and filled:
                result.errors.append(
                    EngineError(key, shown_label, required_message(sub, shown_label), page_index)
                )
            if not is_empty(value):
                row[sub_name] = value
        if row:
            rows.append(row)
    label = localise(group["label"], language)
    minimum = max(group.get("minItems", 0), 1 if group.get("required") else 0)
    if len(rows) < minimum:
        message = (
            required_message(group, label)
            if minimum == 1
            else _("Lägg till minst %(n)s rader i ”%(label)s”.") % {"n": minimum, "label": label}
        )
        result.errors.append(EngineError(name, label, message, page_index))
    if "maxItems" in group and len(rows) > group["maxItems"]:
        result.errors.append(
            EngineError(
                name,
                label,
                _("”%(label)s” får ha högst %(n)s rader.")
                % {"label": label, "n": group["maxItems"]},
                page_index,
            )
        )
    return rows


def _clean_files(fld, post, files, existing, result, label) -> list:
    from sambruk.cases.attachments import KINDS, check_upload
    from sambruk.cases.errors import CaseActionError

    name = fld["name"]
    remove = {str(x) for x in _getlist(post, f"{name}-remove")}
    kept = [f for f in existing if str(f.get("id")) not in remove]
    removed = [f.get("id") for f in existing if str(f.get("id")) in remove]
    if removed:
        result.removed_files[name] = removed
    accepted = fld.get("accept")
    checked: list[CheckedUpload] = []
    for upload in _getlist(files, name):
        if upload is None or getattr(upload, "size", 1) == 0 and not getattr(upload, "name", ""):
            continue
        try:
            info = check_upload(upload)
        except CaseActionError as error:
            result.errors.append(EngineError(name, label, str(error.message), result.page))
            continue
        if accepted and info.kind.code not in accepted:
            allowed = ", ".join(KINDS[k].label for k in accepted)
            result.errors.append(
                EngineError(
                    name,
                    label,
                    _(
                        "Filen ”%(file)s” är en %(kind)s. Tillåtna filtyper för ”%(label)s”: %(allowed)s."
                    )
                    % {
                        "file": info.name,
                        "kind": info.kind.label,
                        "label": label,
                        "allowed": allowed,
                    },
                    result.page,
                )
            )
            continue
        if "maxSize" in fld and info.size > fld["maxSize"]:
            result.errors.append(
                EngineError(
                    name,
                    label,
                    _("Filen ”%(file)s” är för stor. Största tillåtna storlek är %(max)s.")
                    % {"file": info.name, "max": _size(fld["maxSize"])},
                    result.page,
                )
            )
            continue
        checked.append(CheckedUpload(upload, info.name, info.kind.mime, info.size, info.sha256))
    total = len(kept) + len(checked)
    limit = fld.get("maxFiles", DEFAULT_MAX_FILES)
    if total > limit:
        result.errors.append(
            EngineError(
                name,
                label,
                _("Du kan bifoga högst %(n)s filer i ”%(label)s”.") % {"n": limit, "label": label},
                result.page,
            )
        )
        checked = checked[: max(0, limit - len(kept))]
    minimum = max(fld.get("minItems", 0), 1 if fld.get("required") else 0)
    if total < minimum and not any(e.key == name for e in result.errors):
        message = (
            required_message(fld, label)
            if minimum == 1
            else _("Bifoga minst %(n)s filer i ”%(label)s”.") % {"n": minimum, "label": label}
        )
        result.errors.append(EngineError(name, label, message, result.page))
    if checked:
        result.uploads[name] = checked
    return kept


def _size(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.1f} MB".replace(".0 ", " ").replace(".", ",")
    return f"{max(1, round(size / 1024))} kB"


def merge_page(schema: dict, page_index: int, answers: dict, page_values: dict) -> dict:
    """All answers after saving one page; answers of fields now hidden are dropped."""
    page = schema["pages"][page_index]
    merged = {k: v for k, v in (answers or {}).items() if k not in _page_names(page)}
    merged.update(page_values)
    return Visibility(schema, merged).values


def missing_answers(
    schema: dict, answers: dict, *, language: str | None = None
) -> list[EngineError]:
    """Required answers missing on visible pages (checked again before submitting)."""
    language = language or get_language() or "sv"
    vis = Visibility(schema, answers or {})
    missing = []
    for p in vis.pages:
        for fld in schema["pages"][p].get("fields") or []:
            name = fld.get("name")
            if not name or not vis.field_visible(name):
                continue
            label = localise(fld["label"], language)
            value = vis.values.get(name)
            needed = fld.get("required") or fld.get("minItems", 0) > 0
            if needed and is_empty(value):
                missing.append(EngineError(name, label, required_message(fld, label), p))
    return missing


def resolve_prefill(
    schema: dict,
    context: PrefillContext,
    *,
    registry: PrefillRegistry | None = None,
    readonly_only: bool = False,
) -> dict:
    """Prefilled values by field name (values a source cannot give, or invalid, are left out).

    ``readonly_only``: only the read-only fields (what ``clean_page`` needs on every save).
    """
    registry = registry or global_registry
    values = {}
    for ref in field_map(schema).values():
        source = ref.field.get("prefill")
        if not source or ref.group is not None:
            continue
        if readonly_only and not ref.field.get("readonly"):
            continue
        value = registry.resolve(source, context)
        if is_empty(value):
            continue
        cleaner = _clean_prefilled_rows if ref.field["type"] == "group" else None
        cleaner = cleaner or CLEANERS.get(ref.field["type"])
        try:
            cleaned = cleaner(ref.field, value, "") if cleaner else value
        except FieldError:
            continue
        if not is_empty(cleaned):
            values[ref.field["name"]] = cleaned
    return values


def _clean_prefilled_rows(field: dict, value, label: str) -> list[dict] | None:
    """A plugin's rows for a group, each sub-value cleaned as if typed (bad ones dropped)."""
    if not isinstance(value, list):
        return None
    rows = []
    limit = min(field.get("maxItems", GROUP_ROW_LIMIT), GROUP_ROW_LIMIT)
    for raw in value[:limit]:
        if not isinstance(raw, dict):
            continue
        row = {}
        for sub in field.get("fields") or []:
            name = sub.get("name")
            cleaner = CLEANERS.get(sub.get("type"))
            if not name or cleaner is None or is_empty(raw.get(name)):
                continue
            try:
                cleaned = cleaner(sub, raw[name], "")
            except FieldError:
                continue
            if not is_empty(cleaned):
                row[name] = cleaned
        if row:
            rows.append(row)
    return rows or None


def initial_answers(
    schema: dict,
    context: PrefillContext,
    answers: dict | None = None,
    *,
    registry: PrefillRegistry | None = None,
) -> dict:
    """``answers`` with prefilled values for unanswered fields (readonly ones always)."""
    answers = dict(answers or {})
    refs = field_map(schema)
    for name, value in resolve_prefill(schema, context, registry=registry).items():
        if is_empty(answers.get(name)) or refs[name].field.get("readonly"):
            answers[name] = value
    return answers


@dataclass
class SummaryItem:
    name: str
    label: str
    value: str
    statistical: bool = False
    rows: list[list[SummaryItem]] | None = None


@dataclass
class SummarySection:
    page: int
    title: str
    items: list[SummaryItem]


def build_summary(
    schema: dict, answers: dict, *, language: str | None = None
) -> list[SummarySection]:
    """Label/value pairs of every visible question, page by page (hidden ones left out)."""
    from django.utils import translation

    language = language or get_language() or "sv"
    with translation.override(language):
        return _summary(schema, answers, language)


def _summary(schema: dict, answers: dict, language: str) -> list[SummarySection]:
    vis = Visibility(schema, answers or {})
    sections = []
    for p in vis.pages:
        page = schema["pages"][p]
        items = []
        for fld in page.get("fields") or []:
            name = fld.get("name")
            if not name or not vis.field_visible(name):
                continue
            value = vis.values.get(name)
            item = SummaryItem(
                name, localise(fld["label"], language), "", bool(fld.get("statistical"))
            )
            if fld["type"] == "group":
                item.rows = [
                    [
                        SummaryItem(
                            sub["name"],
                            localise(sub["label"], language),
                            display_value(sub, row.get(sub["name"]), language),
                            bool(sub.get("statistical")),
                        )
                        for sub in fld["fields"]
                        if sub.get("name") and sub["name"] in vis.row_shows(fld, row)
                    ]
                    for row in value or []
                ]
                item.value = str(len(item.rows))
            else:
                item.value = display_value(fld, value, language)
            items.append(item)
        if items:
            sections.append(SummarySection(p, localise(page["title"], language), items))
    return sections


def summary_data(schema: dict, answers: dict, *, language: str | None = None) -> list[dict]:
    """:func:`build_summary` as JSON-ready data (for the case's form data and the receipt)."""

    def item(i: SummaryItem) -> dict:
        data = {"name": i.name, "label": i.label, "value": i.value}
        if i.statistical:
            data["statistical"] = True
        if i.rows is not None:
            data["rows"] = [[item(x) for x in row] for row in i.rows]
        return data

    return [
        {"page": s.page, "title": s.title, "items": [item(i) for i in s.items]}
        for s in build_summary(schema, answers, language=language)
    ]
