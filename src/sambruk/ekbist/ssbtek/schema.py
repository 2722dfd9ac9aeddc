"""The SSBTEK v10 XSDs (packaged copy under ``wsdl/``) and validation helpers on lxml.

The packaged tree keeps the original relative layout so the ``xsd:import`` locations of
``sammansatt_bastjanst_v10.xsd`` resolve (libxml2 loads them from the file system only).
"""

from __future__ import annotations

import copy
import functools
from pathlib import Path

from lxml import etree

NS_SOAP = "http://schemas.xmlsoap.org/soap/envelope/"
NS_SSBT = "http://schema.forsakringskassan.se/integration/ssbt/10"

PACKAGED_ROOT = Path(__file__).resolve().parent / "wsdl"
MAIN_XSD = Path("se/forsakringskassan/schema/integration/ssbt/_10/sammansatt_bastjanst_v10.xsd")
WSDL = Path("se/forsakringskassan/schema/integration/ssbt/_10/Sammansatt_Bastjanst_v10.wsdl")


@functools.lru_cache(maxsize=4)
def load_schema(root: str | Path = PACKAGED_ROOT) -> etree.XMLSchema:
    """The compiled schema of the composite service, loaded from ``root`` (a copy of the tree)."""
    parser = etree.XMLParser(no_network=True, resolve_entities=False)
    return etree.XMLSchema(etree.parse(str(Path(root) / MAIN_XSD), parser))


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
