"""Open311 attributes of a category: validate a report's answers against the definition."""

from __future__ import annotations

from datetime import datetime

from django.utils.translation import gettext as _

from .errors import ReportError

DATATYPES = {"string", "number", "datetime", "text", "singlevaluelist", "multivaluelist"}


def definition(category) -> list[dict]:
    """The category's attributes in GeoReport v2 shape, ordered by ``order``."""
    attrs = []
    for i, a in enumerate(category.attributes or [], start=1):
        attrs.append(
            {
                "variable": a.get("variable", True),
                "code": str(a["code"]),
                "datatype": a.get("datatype", "string"),
                "required": bool(a.get("required", False)),
                "datatype_description": a.get("datatype_description", ""),
                "order": int(a.get("order", i)),
                "description": a.get("description", ""),
                **({"values": a.get("values", [])} if "list" in a.get("datatype", "") else {}),
            }
        )
    return sorted(attrs, key=lambda a: a["order"])


def validate_attributes(category, values: dict | None) -> dict:
    """Clean answers: required present, list values among the keys, numbers and datetimes
    parse. Unknown codes are ignored (as the Open311 spec allows). Returns the clean dict."""
    values = values or {}
    clean: dict = {}
    errors = []
    for attr in definition(category):
        if not attr["variable"]:
            continue
        code, kind = attr["code"], attr["datatype"]
        raw = values.get(code)
        if kind == "multivaluelist":
            items = [raw] if isinstance(raw, str) else list(raw or [])
            items = [str(v) for v in items if str(v).strip()]
        else:
            if isinstance(raw, list | tuple):
                raw = raw[0] if raw else None
            items = [str(raw).strip()] if raw is not None and str(raw).strip() else []
        if not items:
            if attr["required"]:
                errors.append(_("%(q)s måste anges.") % {"q": attr["description"] or code})
            continue
        if kind in ("singlevaluelist", "multivaluelist"):
            keys = {str(v["key"]) for v in attr.get("values", [])}
            bad = [v for v in items if v not in keys]
            if bad or (kind == "singlevaluelist" and len(items) > 1):
                errors.append(_("Ogiltigt värde för %(q)s.") % {"q": attr["description"] or code})
                continue
            clean[code] = items if kind == "multivaluelist" else items[0]
        elif kind == "number":
            try:
                float(items[0])
            except ValueError:
                errors.append(_("%(q)s ska vara ett tal.") % {"q": attr["description"] or code})
                continue
            clean[code] = items[0]
        elif kind == "datetime":
            try:
                datetime.fromisoformat(items[0].replace("Z", "+00:00"))
            except ValueError:
                errors.append(
                    _("%(q)s ska vara datum och tid (ISO 8601).")
                    % {"q": attr["description"] or code}
                )
                continue
            clean[code] = items[0]
        else:
            clean[code] = items[0][:4000]
    if errors:
        raise ReportError(" ".join(errors), code="invalid_attribute")
    return clean
