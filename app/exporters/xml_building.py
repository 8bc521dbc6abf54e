"""Small lxml helpers shared by the XML formats (JATS, Crossref, oai_dc)."""

from __future__ import annotations

from lxml import etree

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
