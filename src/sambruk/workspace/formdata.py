"""The case's filled forms as the "Formulär" tab shows them.

E-service forms (``etjanst-*``, made by ``eforms.services.casefile``) carry a summary (sections
of label → answer) and the signatures; those are shown as a definition list and a signature
table. Every other form keeps the generic key → value list.
"""

from __future__ import annotations

from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _

ROLES = {"first": _("Sökande"), "second": _("Medsökande")}
METHODS = {
    "oidc": _("E-legitimation (OIDC)"),
    "bankid": _("BankID"),
    "demo": _("Test-legitimation"),
}
SHORT_HASH = 12


def _text(value) -> str:
    """A stored text that may be ``{"sv": …, "en": …}``."""
    if isinstance(value, dict):
        return str(value.get("sv") or next(iter(value.values()), ""))
    return "" if value is None else str(value)


def _when(value):
    parsed = parse_datetime(value) if isinstance(value, str) else None
    return timezone.localtime(parsed) if parsed and timezone.is_aware(parsed) else parsed


def _item(item: dict) -> dict:
    rows = item.get("rows")
    return {
        "label": _text(item.get("label") or item.get("name")),
        "value": _text(item.get("value")),
        "rows": [[_item(x) for x in row if isinstance(x, dict)] for row in rows]
        if isinstance(rows, list)
        else None,
    }


def _eservice_view(data: dict, names: dict[str, str]) -> dict | None:
    summary = data.get("summary")
    if not isinstance(summary, list):
        return None
    sections = [
        {
            "title": _text(section.get("title")),
            "items": [_item(i) for i in section.get("items") or [] if isinstance(i, dict)],
        }
        for section in summary
        if isinstance(section, dict)
    ]
    signatures = []
    for s in data.get("signatures") or []:
        if not isinstance(s, dict):
            continue
        digest = str(s.get("hash") or "")
        civic = str(s.get("civic_number") or "")
        signatures.append(
            {
                "who": names.get(civic, ""),
                "civic_number": civic,
                "role": ROLES.get(s.get("role"), s.get("role") or ""),
                "signed_at": _when(s.get("signed_at")),
                "loa": str(s.get("loa") or ""),
                "method": METHODS.get(s.get("method"), s.get("method") or ""),
                "hash": digest,
                "short_hash": digest[:SHORT_HASH] + ("…" if len(digest) > SHORT_HASH else ""),
            }
        )
    missing = [
        {
            "role": ROLES.get(m.get("role"), m.get("role") or ""),
            "expired_at": _when(m.get("invitation_expired_at")),
        }
        for m in data.get("missing_signatures") or []
        if isinstance(m, dict)
    ]
    return {
        "name": _text(data.get("eservice")),
        "sections": sections,
        "signatures": signatures,
        "missing": missing,
        "content_hash": str(data.get("content_hash") or ""),
    }


def form_views(case) -> list:
    """The case's forms; an e-service form gets ``form.eservice`` (else ``None``)."""
    forms = list(case.forms.select_related("submitted_by"))
    names = None
    for form in forms:
        form.eservice = None
        data = form.data if isinstance(form.data, dict) else {}
        if form.form_code.startswith("etjanst-") and isinstance(data.get("summary"), list):
            if names is None:
                names = {
                    c.person.civic_number: str(c.person)
                    for c in case.contacts.filter(person__isnull=False).select_related("person")
                    if getattr(c.person, "civic_number", "")
                }
            form.eservice = _eservice_view(data, names)
    return forms
