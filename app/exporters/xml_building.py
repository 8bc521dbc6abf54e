"""Small lxml helpers shared by the XML formats (JATS, Crossref, oai_dc)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any, TypeVar

from lxml import etree
from pydantic import BaseModel

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
XLINK = "http://www.w3.org/1999/xlink"


def sub(
    parent: etree._Element,
    tag: str,
    text: str | None = None,
    attrib: dict[str, str] | None = None,
) -> etree._Element:
    """Append a child element; text goes through lxml, so it is always escaped."""
    element = etree.SubElement(parent, tag, attrib or {})
    if text is not None:
        element.text = text
    return element


def sub_if(
    parent: etree._Element,
    tag: str,
    text: str | int | None,
    attrib: dict[str, str] | None = None,
) -> etree._Element | None:
    """Append only when there is a value: XSDs reject empty required-content elements."""
    if text is None or str(text).strip() == "":
        return None
    return sub(parent, tag, str(text), attrib)


def to_bytes(root: etree._Element) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


# Characters XML 1.0 forbids (C0 controls except tab/newline/CR, surrogates, U+FFFE/U+FFFF).
# Text extracted from PDFs and OJS pages can carry them (form feeds between pages); lxml refuses
# them, so they become spaces rather than a 500.
_NOT_XML_CHAR = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")

M = TypeVar("M", bound=BaseModel)


def xml_safe(text: str) -> str:
    return _NOT_XML_CHAR.sub(" ", text)


def _clean(value: Any) -> Any:
    if isinstance(value, str):
        return xml_safe(value)
    if isinstance(value, list):
        return [_clean(v) for v in value]
    if isinstance(value, dict):
        return {_clean(k): _clean(v) for k, v in value.items()}
    return value


def xml_safe_model(model: M) -> M:
    """A copy of a public model whose every string can be written to XML or HTML."""
    return type(model).model_validate(_clean(model.model_dump()))


def xml_safe_models(models: Sequence[M]) -> list[M]:
    return [xml_safe_model(m) for m in models]
