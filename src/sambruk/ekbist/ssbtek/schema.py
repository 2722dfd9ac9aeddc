"""The SSBTEK v10 XSDs (packaged copy under ``wsdl/``) and validation helpers on lxml.

The packaged tree keeps the original relative layout so the ``xsd:import`` locations of
``sammansatt_bastjanst_v10.xsd`` resolve (libxml2 loads them from the file system only).
"""

from __future__ import annotations

import copy
import threading
from pathlib import Path

from lxml import etree

NS_SOAP = "http://schemas.xmlsoap.org/soap/envelope/"
NS_SSBT = "http://schema.forsakringskassan.se/integration/ssbt/10"

PACKAGED_ROOT = Path(__file__).resolve().parent / "wsdl"
MAIN_XSD = Path("se/forsakringskassan/schema/integration/ssbt/_10/sammansatt_bastjanst_v10.xsd")
WSDL = Path("se/forsakringskassan/schema/integration/ssbt/_10/Sammansatt_Bastjanst_v10.wsdl")


# One compiled schema per thread: an lxml ``XMLSchema`` shared between threads gives wrong
# answers under concurrent validation (Multifråga validates its parallel answers at the same
# time; a stress run of 3,000 validations on 8 threads got 50 verdicts wrong).
_per_thread = threading.local()


def load_schema(root: str | Path = PACKAGED_ROOT) -> etree.XMLSchema:
    """The compiled schema of the composite service, loaded from ``root`` (a copy of the tree).

    Cached per thread and root; do not hand the returned object to another thread.
    """
    cache = _per_thread.__dict__.setdefault("schemas", {})
    key = str(Path(root).resolve())
    if key not in cache:
        parser = etree.XMLParser(no_network=True, resolve_entities=False)
        cache[key] = etree.XMLSchema(etree.parse(str(Path(root) / MAIN_XSD), parser))
    return cache[key]


def schema_errors(element, schema: etree.XMLSchema | None = None) -> list[str]:
    """Validation messages for ``element`` (a global ssbt element); empty when valid."""
    schema = schema or load_schema()
    doc = etree.ElementTree(copy.deepcopy(element))
    if schema.validate(doc):
        return []
    return [f"rad {e.line}: {e.message}" for e in schema.error_log]


def agency_schema_errors(response, schema: etree.XMLSchema | None = None) -> dict[str, list[str]]:
    """Validate each agency part of a ``hamtaBastjanstInformationResponse`` on its own.

    Each part is wrapped in a response holding only that part, so one broken agency does not
    hide the others' validity. Returns ``{agency: [messages]}`` for the invalid parts only.
    """
    schema = schema or load_schema()
    svarsdata = response.find(f"{{{NS_SSBT}}}svarsdata")
    out: dict[str, list[str]] = {}
    if svarsdata is None:
        return out
    for part in svarsdata:
        if not isinstance(part.tag, str):
            continue
        wrapper = etree.Element(f"{{{NS_SSBT}}}hamtaBastjanstInformationResponse")
        holder = etree.SubElement(wrapper, f"{{{NS_SSBT}}}svarsdata")
        holder.append(copy.deepcopy(part))
        errors = schema_errors(wrapper, schema)
        if errors:
            out[etree.QName(part).localname] = errors
    return out
