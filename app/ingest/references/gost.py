"""GOST 7.1 references (``Authors Title // Journal. Year. Т. 5, № 2. С. 10-20.``) by rule.

The ``//`` before the container is the one separator that style guarantees, so these references
are split on it by rule rather than labelled by the tagger.
"""

from __future__ import annotations

import re
from typing import Any

from app.ingest.references.names import parse_names
from app.ingest.references.numbering import NO_PREFIX, VOL_PREFIX
from app.ingest.references.patterns import DASH, YEAR, page_range
from app.ingest.references.titles import clean_container, clean_title

_GOST_SERIAL = re.compile(
    rf"(?:\b(?:{VOL_PREFIX})(?P<vol>\d+\w*))|(?:{NO_PREFIX}(?P<iss>[\w]+(?:[-–/]\w+)?))|"
    rf"(?:\b(?:[СCPРS]|pp?|стр)\.\s*(?P<pages>[A-Za-z]*\d+(?:\s*[{DASH}]\s*\d+)?))",
    re.IGNORECASE,
)


def parse_gost(text: str, item: dict[str, Any]) -> None:
    """``Authors Title // Container. Year. Т. 5, № 2. С. 10-20.`` split on the GOST ``//``."""
    left, _, right = text.partition("//")
    left = left.strip()
    # The statement of responsibility after " / " lists the authors in full ("/ И.И. Иванов,
    # П.П. Петров [и др.]"), where the heading names only the first one.
    left, _, statement = left.partition(" / ")
    names, rest = _gost_leading_names(left)
    if names:
        item["author"] = names[0]
        if names[1]:
            item["note"] = "et al."
    if statement:
        listed, et_al = parse_names(statement.replace("[", "").replace("]", ""))
        if len(listed) >= len(item.get("author", [])) and all("family" in n for n in listed):
            item["author"] = listed
            if et_al:
                item["note"] = "et al."
    title = clean_title(rest)
    if title:
        item["title"] = title
    right = right.strip()
    year = YEAR.search(right)
    container_end = len(right)
    if year:
        container_end = year.start()
    serial = re.search(rf"(?:\b{VOL_PREFIX}|{NO_PREFIX}|\b[СCPР]\.\s*\d)", right, re.IGNORECASE)
    if serial and serial.start() < container_end:
        container_end = serial.start()
    # Imprint of a collection: ". – М.: Медицина, 2010" or ". – СПб., 2016"
    imprint = _GOST_PLACE.search(right[: container_end + 4])
    if imprint:
        place = imprint.group("place") or imprint.group("abbr")
        item["publisher-place"] = place.rstrip(".") or place
        if imprint.group("pub"):
            item["publisher"] = imprint.group("pub").strip(" .,")
        container_end = imprint.start()
    container = clean_container(right[:container_end])
    if container:
        item["container-title"] = container
    tail = right[container_end:]
    if year:
        item["issued"] = {"date-parts": [[int(year.group(1))]]}
    # Vancouver-like tail inside GOST: "2016;22(2): 8-16"
    vanc = re.search(rf"(?:1[5-9]\d\d|20\d\d)\s*;\s*(\d+\w*)\s*(?:\((\w+(?:[-–]\w+)?)\))?\s*:\s*"
                     rf"([A-Za-z]*\d+(?:\s*[{DASH}]\s*\d+)?)", tail)
    if vanc:
        item["volume"] = vanc.group(1)
        if vanc.group(2):
            item["issue"] = vanc.group(2)
        item["page"] = page_range(vanc.group(3))
        return
    for match in _GOST_SERIAL.finditer(tail):
        if match.group("vol") and "volume" not in item:
            item["volume"] = match.group("vol")
        elif match.group("iss") and "issue" not in item:
            item["issue"] = match.group("iss")
        elif match.group("pages") and "page" not in item:
            item["page"] = page_range(match.group("pages"))


_GOST_PLACE = re.compile(
    r"[.,]\s+(?:(?P<place>[А-ЯA-Z][А-Яа-яA-Za-z]{0,12}\.?)\s*:\s*(?P<pub>[^,:\d]{2,60}?)"
    r"|(?P<abbr>[А-ЯA-Z][А-Яа-яA-Za-z]{0,3}\.))\s*,\s*(?=(?:1[5-9]|20)\d\d)"
)
_GOST_NAME = re.compile(
    r"\s*(?:(?P<fam>[^\W\d_][\w'’-]+)\s*,?\s+(?P<ini>(?:[^\W\d_]{1,2}\.\s?-?){1,3})"
    r"|(?P<ini2>(?:[^\W\d_]{1,2}\.\s?-?){1,3})\s*(?P<fam2>[^\W\d_][\w'’-]+))\s*[,;]?"
)


def _gost_leading_names(text: str) -> tuple[tuple[list[dict[str, str]], bool] | None, str]:
    """Names at the head of a GOST/Vancouver reference (``Family I.O., ...``) and what follows."""
    names: list[dict[str, str]] = []
    pos = 0
    while True:
        match = _GOST_NAME.match(text, pos)
        if not match:
            break
        initials = match.group("ini") or match.group("ini2") or ""
        if not initials[:1].isupper():
            break
        if match.group("fam"):
            names.append({"family": match.group("fam"), "given": match.group("ini").strip()})
        else:
            names.append({"family": match.group("fam2"), "given": match.group("ini2").strip()})
        pos = match.end()
        sep = re.match(r"\s*(?:,|;|and\b|&|и\b(?!\s*др))?\s*", text[pos:])
        if sep:
            pos += sep.end()
    et_al = False
    etal = re.match(r"\s*(?:et\s*al\.?|и\s+др\.?)\s*[.,]?\s*", text[pos:], re.IGNORECASE)
    if etal:
        et_al = True
        pos += etal.end()
    if not names:
        return None, text
    return (names, et_al), text[pos:]
