"""Volume, issue, pages and date of a reference from the text the tagger or a rule labelled so.

Only unambiguous printed forms are read (``12(3):45-67``, ``Vol. 5, No. 2``, ``제25권 제2호``):
a number the rules cannot place is left out rather than guessed.
"""

from __future__ import annotations

import re
from typing import Any

from app.ingest.references.patterns import DASH, WORD, YEAR, normalize_space

_PAGE_LABEL = re.compile(r"^(?:pages?|pp\.?|p\.|S\.|С\.|C\.|стр\.)\s*", re.IGNORECASE)


VOL_PREFIX = r"(?<!\w)(?:vol(?:ume)?\.?|v\.|[тt]\.|том|bd\.|band|tome|jg\.|jahrg(?:ang|\.))\s*"
NO_PREFIX = r"(?<!\w)(?:no\.?|nos\.?|n°|nr\.?|n\.|issue|№|вып\.?|heft|h\.)\s*"
_VOLUME_FORMS = [
    # CJK: 제25권 제2호 (Korean), 第25巻第2号 (Japanese), 25卷2期 (Chinese)
    re.compile(r"^(?:제|第)?\s*(?P<vol>\d+)\s*[권巻卷](?:\s*,?\s*(?:제|第)?\s*(?P<iss>\d+)\s*[호号期])?$"),
    # a supplement: "24 Suppl 1", "Vol. 24, Suppl. 2"
    re.compile(
        rf"^(?:{VOL_PREFIX})?(?P<vol>\d+)\s*[,(]?\s*(?P<iss>suppl(?:ement)?\.?\s?\d*[A-Za-z]?)\)?$",
        re.IGNORECASE,
    ),
    re.compile(
        rf"^(?:(?P<year>1[5-9]\d\d|20\d\d)\s*;\s*)?(?:{VOL_PREFIX})?(?P<vol>\d+[A-Za-z]?|[IVXLCDM]+)"
        rf"(?:\s*,?\s*\(\s*(?:{NO_PREFIX})?(?P<iss>[\w]+(?:\s*[-–/]\s*\w+)?)\s*\))?"
        rf"(?:\s*[:,]\s*(?P<pages>[A-Za-z]*\d+[A-Za-z]?\d*(?:\s*[{DASH}]\s*[A-Za-z]*\d+)?))?$",
        re.IGNORECASE,
    ),
    re.compile(
        rf"^(?:{VOL_PREFIX})?(?P<vol>\d+[A-Za-z]?|[IVXLCDM]+)\s*[,.]?\s*{NO_PREFIX}"
        rf"(?P<iss>\w+(?:[-–/]\w+)?)$",
        re.IGNORECASE,
    ),
]


def parse_volume(text: str) -> dict[str, str]:
    """volume/issue (and pages, year) from a volume segment, only in its unambiguous forms."""
    text = normalize_space(text).strip(" .,;:")
    if text.startswith("(") and text.count("(") > text.count(")"):
        text = text[1:]
    if text.endswith(")") and text.count(")") > text.count("("):
        text = text[:-1]
    if text.startswith("(") and text.endswith(")") and text.count("(") == 1:
        text = text[1:-1]
    text = text.strip(" .,;:")
    for form in _VOLUME_FORMS:
        match = form.match(text)
        if match:
            out = {k: v for k, v in match.groupdict().items() if v}
            if "pages" in out:
                out["pages"] = re.sub(r"\s+", "", out["pages"])
            return out
    return {}


def parse_pages(text: str) -> str | None:
    """``first-last`` as printed (``161-72`` stays abbreviated), or a single page/article number."""
    text = normalize_space(text)
    text = re.sub(r"[()\[\]]", "", text)
    text = _PAGE_LABEL.sub("", text)
    text = text.strip(" .,;:")
    match = re.fullmatch(
        rf"([A-Za-z]*\d+[A-Za-z]?)\s*(?:[{DASH}]+\s*([A-Za-z]*\d+[A-Za-z]?))?", text
    )
    if not match:
        match = re.fullmatch(r"([A-Za-z]{1,3}\d+[A-Za-z]?)", text)
        if not match:
            return None
        return match.group(1)
    first, last = match.group(1), match.group(2)
    return f"{first}-{last}" if last else first


_MONTH_NUM = {
    m: i + 1
    for i, names in enumerate([
        "jan january janvier januar январь января", "feb february février februar февраль февраля",
        "mar march mars märz март марта", "apr april avril апрель апреля", "may mai май мая",
        "jun june juin juni июнь июня", "jul july juillet juli июль июля",
        "aug august août август августа", "sep sept september septembre сентябрь сентября",
        "oct october octobre oktober октябрь октября", "nov november novembre ноябрь ноября",
        "dec december décembre dezember декабрь декабря",
    ])
    for m in names.split()
}


def issued(text: str, year: int) -> dict[str, Any]:
    """CSL date with month (and day) when printed next to the year."""
    parts = [year]
    words = WORD.findall(text.lower())
    month = next((_MONTH_NUM[w] for w in words if w in _MONTH_NUM), None)
    if month:
        parts.append(month)
        day = re.search(r"(?<!\d)([0-3]?\d)(?:st|nd|rd|th)?(?!\d)", YEAR.sub(" ", text))
        if day and 1 <= int(day.group(1)) <= 31:
            parts.append(int(day.group(1)))
    return {"date-parts": [parts]}
