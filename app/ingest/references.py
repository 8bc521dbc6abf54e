"""Reference string → CSL-JSON item.

A hybrid, because no single method handles all the styles our journals print:

* identifiers (DOI, URL, PMID, PMCID, ISBN) are found by rules in the whole string first and cut
  out, since their forms are fixed and a tagger only blurs them;
* GOST references (``Authors Title // Journal. Year. Т. 5, № 2. С. 10-20.``) are split by rules on
  ``//``, the one separator that style guarantees;
* everything else is labelled word by word by a CRF trained on AnyStyle's data
  (:mod:`app.ingest.reference_model`), and the labelled segments are turned into fields here.

Authors are the printed names in order; a trailing ``et al.``/``и др.`` is never turned into a name:
it is recorded as ``"note": "et al."`` (CSL's free-text note), so clients can still see the list
is truncated.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from itertools import groupby
from operator import itemgetter
from typing import Any

from app.ingest.identifiers import (
    DOI_SPAN,
    find_isbn,
    find_pmcid,
    find_pmid,
    normalize_doi,
)
from app.ingest.languages import detect_language, orthography_language
from app.ingest.reference_model import clear_caches as _clear_model_caches
from app.ingest.reference_model import tag, tokenize

DASH = "-‐‑‒–—―−"
_DASH_RE = f"[{DASH}]"
_QUOTES = (
    ("“", "”"), ('"', '"'), ("«", "»"), ("»", "«"), ("‘", "’"), ("``", "''"), ("„", "“"),
    ("‚", "‘"), ("'", "'"),
)
_URL = re.compile(r"(?:https?\s?:\s?//|www\.)\S+", re.IGNORECASE)  # "http ://" from PDF text
_YEAR = re.compile(r"(?<!\d)(1[5-9]\d\d|20\d\d)(?!\d)")
_ET_AL = re.compile(
    r"[,;]?\s*(?:\bet\s*al\b\.?|\b[иi]\s+dr\b\.?|\bи\s+др\b\.?|\bu\.\s*a\.)\s*[.,;:]*\s*$",
    re.IGNORECASE,
)
_PARTICLES = {
    "van", "von", "de", "der", "den", "da", "di", "la", "le", "du", "dos", "das", "del", "della",
    "des", "ter", "ten", "zu", "af", "al", "el", "bin", "ibn", "st", "st.", "mc", "o", "d'", "l'",
}
# After the first "A." the parts are letter runs, each maximal (possessive): "QQQQ" was split
# into 1-2 letter parts in every possible way before failing, exponential in its length (a
# 60-byte reference took 16 s). The strings matched are the same as with {1,2}-letter parts.
_INITIAL_TOKEN = re.compile(
    r"^(?:[^\W\d_]{1,2}\.(?:\s?[-‐]?\s?[^\W\d_]++\.?)*+|[^\W\d_]\.?[-‐][^\W\d_]\.?)$"
)
_UPPER_INITIALS = re.compile(r"^[^\W\d_]{1,3}$")
_CYRILLIC = re.compile(r"[\u0400-\u04FF]")
_UKRAINIAN = set("іїєґІЇЄҐ")
_KAZAKH = set("әғқңөұүһӘҒҚҢӨҰҮҺ")


# Precompiled patterns of the hot path.
_IN_PREFIX = re.compile(r"^(?:In|in|IN|Dans|dans|В|в)\s*:?\s+")
_CONJUNCTION = re.compile(r"\s+(?:and|AND|And|&|und|et|y|e|и|та)\s+|\s*&\s*")
_NAME_SEP = re.compile(r"\s*([,;])\s*")
_EDITOR_MARK = re.compile(
    r"\((?:eds?|hrsg|hg|dir|éds?|coords?|orgs?|ред)\.?\)|\b(?:eds?|Hrsg|Hg|editors?)\.?\s*$",
    re.IGNORECASE,
)
_NAMES_LEAD = re.compile(
    r"^(?:by|edited by|in:?|under the editorship of|под ред\.)\s+", re.IGNORECASE
)
_PAGE_LABEL = re.compile(r"^(?:pages?|pp\.?|p\.|S\.|С\.|C\.|стр\.)\s*", re.IGNORECASE)
_WORD = re.compile(r"[^\W\d_]+")
SAME_AUTHORS = "same authors as the previous reference"
_REPEAT_MARK = re.compile(r"^[—–_-]{2,}[.,]?$|^—[.,]?$")
_ROMAN_TAIL = re.compile(r"(?:[,.]\s+|\s+(?=[IVXLC]{3,}$))(?P<roman>[IVXLC]{2,})$")
_GOST_AREA_DASH = re.compile(r"(?<=[.,:;])\s+[–—-]\s+(?=\S)")
_GLUED_YEAR = re.compile(r"(?<=[^\W\d_])\((?=(?:1[5-9]|20)\d\d[a-z]?\))")
_CITATION_NUMBER = re.compile(r"^\s*(?:\[\d+\]|\(\d+\)|\d{1,3}\.(?=\s)|\d{1,3}(?=\s+\D))\s*")


# --------------------------------------------------------------------------- small text helpers


def _clean(text: str) -> str:
    return " ".join(text.split())


def _strip_quotes(text: str) -> str:
    """Remove one pair of enclosing quotes (and the ``.``/``,`` printed inside them)."""
    text = text.strip()
    for left, right in _QUOTES:
        if len(text) > 2 and text.startswith(left) and text.endswith(right):
            inner = text[len(left) : len(text) - len(right)].strip()
            if left not in inner and right not in inner:
                return inner.rstrip(".,").strip()
    return text


def clean_title(text: str) -> str | None:
    """Title as printed without the separator after it or its enclosing quotes."""
    text = _clean(text).strip(" ,;:/")
    text = text.rstrip(".,;: ")
    for left, right in _QUOTES:
        # A closing quote followed by the separator that the CRF kept: “Title,”
        if text.startswith(left) and text.endswith(right):
            text = _strip_quotes(text)
            break
        if text.startswith(left) and right not in text[len(left) :]:
            text = text[len(left) :].strip()
            break
    text = text.strip().rstrip(".,;:").strip()
    return text or None


_VOLUME_LABEL_TAIL = re.compile(r"[,.]\s*(?:Jg|Vol|Bd|Heft|Nr|No|T)\.?$")


def clean_container(text: str) -> str | None:
    """Journal or book title without a leading ``In:`` and surrounding punctuation or quotes."""
    text = _clean(text)
    while True:
        new = _IN_PREFIX.sub("", text)
        if new == text:
            break
        text = new
    text = text.strip(" .,;:/")
    for left, right in (("«", "»"), ("“", "”"), ("„", "“"), ("‘", "’")):
        if text.startswith(left) and right not in text:
            text = text[1:]
        if text.endswith(right) and left not in text:
            text = text[:-1]
    text = text.strip('"').strip(" .,;:")
    text = _VOLUME_LABEL_TAIL.sub("", text)  # "Zeitschrift für Soziologie, Jg." (volume follows)
    return text or None


def _year_of(text: str) -> int | None:
    match = _YEAR.search(text)
    return int(match.group(1)) if match else None


# --------------------------------------------------------------------------- names


# A body, not a person: kept whole as a CSL literal name rather than split into family/given.
# Whole words only (a set lookup of the \w runs, cheaper than a regex alternation tried at every
# position of the author list).
_CORPORATE_WORDS = frozenset(
    "organisation organization association institute institut ministry society group committee"
    " council agency department university center centre foundation commission office bureau"
    " service consortium collaboration network federation board министерство институт"
    " ассоциация комитет центр общество служба".split()
)
_WORD_RUN = re.compile(r"\w+")
_ELLIPSIS = re.compile(r"\.\s*\.\s*\.|…")


@lru_cache(maxsize=16384)
def _is_initials(token: str) -> bool:
    token = token.strip(",;:")
    if not token:
        return False
    if _INITIAL_TOKEN.match(token):
        return True
    # Vancouver initials: "CZ", "HR", "J" (upper-case, no dots)
    return bool(_UPPER_INITIALS.match(token) and token.isupper())


# Generational suffixes printed as a part of their own ("Smith, J., Jr., and ..."): CSL's "suffix".
_SUFFIXES = frozenset("jr jr. sr sr. jun. sen. ii iii iv".split())
# Turkic "son of"/"daughter of" after the father's name (Uzbek o'g'li/qizi, Azerbaijani oğlu/qızı,
# Kazakh/Kyrgyz uly/kyzy) and Russian patronymic endings: the family name comes first.
_PATRONYMIC_MARKS = frozenset(
    "o'g'li og'li ogli o'gli ugli qizi kizi oglu oğlu qızı kyzy uly qyzy угли оглы кызы кизи улы"
    " қызы ұлы".split()
)
_PATRONYMIC_END = re.compile(r"(?:ович|евич|ьич|овна|евна|ична|ovich|evich|ovna|evna|ichna)$")
_APOSTROPHES = str.maketrans(dict.fromkeys("’‘`ʻʼ´", "'"))


def _name_of(words: list[str]) -> dict[str, str]:
    """One name in printed order: ``Family Given Patronymic`` when a patronymic ends it, else by
    where the initials are, else natural order."""
    suffix = None
    if len(words) > 1 and words[-1].lower().rstrip(",") in _SUFFIXES:
        suffix, words = words[-1].rstrip(","), words[:-1]
    last = words[-1].lower().translate(_APOSTROPHES)
    if len(words) > 2 and (last in _PATRONYMIC_MARKS or _PATRONYMIC_END.search(last)):
        name = {"family": words[0], "given": " ".join(words[1:])}
    else:
        name = _person(words) or _natural(words)
    if suffix:
        name["suffix"] = suffix
    return name


def _split_name_parts(segment: str) -> tuple[list[str], list[str], dict[int, str]]:
    """Split an author list into parts, the separator printed before each part, and the suffixes
    (``Jr.``) printed after a part, by the part's index.

    The separator matters: in ``Family, Given & Family, Given`` the conjunction precedes a family
    name, in Chicago's ``Family, Given, Given Family, and Given Family`` it precedes a whole name.
    """
    segment = _CONJUNCTION.sub(" ; ", segment)
    pieces = _NAME_SEP.split(segment)
    parts: list[str] = []
    seps: list[str] = []
    suffixes: dict[int, str] = {}
    sep = ""
    for piece in pieces:
        if piece in (",", ";"):
            sep = piece if sep != ";" else sep
            continue
        piece = piece.strip()
        if piece.lower() in _SUFFIXES and parts:  # "Smith, J., Jr.": the previous name's suffix
            suffixes[len(parts) - 1] = piece
            continue
        if _WORD_RUN.search(piece):  # "&." or a lone "." leaves a part with no name in it
            keep_dot = _is_initials(piece.split()[-1])  # "Ivanov I.I." keeps its initials' dot
            parts.append(piece if keep_dot else piece.strip(" ."))
            seps.append(sep)
        sep = ""
    return parts, seps, suffixes


def _with_suffixes(
    names: list[dict[str, str]], parts: list[str], suffixes: dict[int, str]
) -> list[dict[str, str]]:
    """Named people only, each ``Jr.`` given to the name built from the part before it."""
    names = [n for n in names if n.get("family")]
    for index, suffix in suffixes.items():
        part = parts[index]
        for name in names:
            if part in (name.get("given"), name["family"]) or part.endswith(" " + name["family"]):
                name.setdefault("suffix", suffix)
                break
    return names


def _family_of_natural(words: list[str]) -> str:
    """Family name of a natural-order name ("A. B. de Family"): the last word plus particles."""
    family = [words[-1]]
    i = len(words) - 2
    while i >= 0 and words[i].lower() in _PARTICLES:
        family.insert(0, words[i])
        i -= 1
    return " ".join(family)


def _person(words: list[str]) -> dict[str, str] | None:
    """One name whose family/given order shows in its initials, else None."""
    flags = [_is_initials(w) for w in words]
    if len(words) < 2 or not any(flags):
        return None
    if not flags[0]:
        k = flags.index(True)
        if all(flags[k:]):  # Family Initials: "Liu M.", "Pei CZ"
            return {"family": " ".join(words[:k]), "given": " ".join(words[k:])}
        family = _family_of_natural(words)  # Given I. Family: "Sunil B. Family"
        return {"family": family, "given": " ".join(words[: len(words) - len(family.split())])}
    if not flags[-1]:  # Initials Family: "S. E. Han", "W.-P. de Roever"
        k = max(j for j, f in enumerate(flags) if f) + 1
        return {"family": " ".join(words[k:]), "given": " ".join(words[:k])}
    return None


def _natural(words: list[str]) -> dict[str, str]:
    if len(words) == 1:
        return {"family": words[0]}
    family = _family_of_natural(words)
    return {"family": family, "given": " ".join(words[: len(words) - len(family.split())])}


def _looks_given(words: list[str]) -> bool:
    """A given name as printed after the comma: one name, maybe followed by initials."""
    return 1 <= len(words) <= 3 and not _is_initials(words[0]) and all(
        _is_initials(w) for w in words[1:]
    )


def parse_names(segment: str) -> tuple[list[dict[str, str]], bool]:
    """Ordered ``{"family", "given"}`` names of a printed author list; True if it ends in et al."""
    text = _clean(segment)
    et_al = False
    # The mark ends the text but for punctuation: search only its last characters (an anchored
    # pattern is otherwise tried at every position).
    match = _ET_AL.search(text, max(0, len(text.rstrip(" .,;:")) - 12))
    if match:
        et_al = True
        text = text[: match.start()]
    # APA 7 prints 19 authors, an ellipsis, then the last one: "..., S. T., ... & Last, A."
    if "..." in text or ". ." in text or "…" in text:
        text, omitted = _ELLIPSIS.subn(" ; ", text)
        et_al = et_al or omitted > 0
    text = _EDITOR_MARK.sub("", text)
    text = _NAMES_LEAD.sub("", text)
    if not _CORPORATE_WORDS.isdisjoint(_WORD_RUN.findall(text.lower())):
        return [{"literal": text.strip(" .,;:")}], et_al
    text = text.strip(" .,;:")
    if not text:
        return [], et_al
    parts, seps, suffixes = _split_name_parts(text)
    if not parts:
        return [], et_al
    words0 = parts[0].split()
    names: list[dict[str, str]] = []
    inverted = (
        len(parts) > 1
        and not any(_is_initials(w) for w in words0)
        and seps[1] == ","
        and (
            len(words0) == 1
            or words0[0].lower() in _PARTICLES
            or all(_is_initials(w) for w in parts[1].split())
            # one person, compound family name: "Wong Fillmore, Lily", "Del Rey, Lester A."
            or (len(parts) == 2 and _looks_given(parts[1].split()))
        )
    )
    if not inverted:
        for part in parts:
            words = part.split()
            if all(_is_initials(w) for w in words):
                if names and "given" not in names[-1]:
                    names[-1]["given"] = part
                continue
            names.append(_name_of(words))
        return _with_suffixes(names, parts, suffixes), et_al
    # "Family, Given & Family, Given" pairs, or Chicago: first inverted, then natural order
    paired = len(parts) % 2 == 0 and all(seps[j] == "," for j in range(1, len(parts), 2))
    names.append({"family": parts[0], "given": parts[1]})
    i = 2
    while i < len(parts):
        words = parts[i].split()
        nxt = parts[i + 1] if i + 1 < len(parts) else None
        if nxt is not None and seps[i + 1] == "," and (
            paired or all(_is_initials(w) for w in nxt.split())
        ) and not _person(words):
            names.append({"family": parts[i], "given": nxt})
            i += 2
            continue
        names.append(_name_of(words))
        i += 1
    return _with_suffixes(names, parts, suffixes), et_al


# --------------------------------------------------------------------------- volume, pages


_VOL_PREFIX = r"(?<!\w)(?:vol(?:ume)?\.?|v\.|[тt]\.|том|bd\.|band|tome|jg\.|jahrg(?:ang|\.))\s*"
_NO_PREFIX = r"(?<!\w)(?:no\.?|nos\.?|n°|nr\.?|n\.|issue|№|вып\.?|heft|h\.)\s*"
_VOLUME_FORMS = [
    # CJK: 제25권 제2호 (Korean), 第25巻第2号 (Japanese), 25卷2期 (Chinese)
    re.compile(r"^(?:제|第)?\s*(?P<vol>\d+)\s*[권巻卷](?:\s*,?\s*(?:제|第)?\s*(?P<iss>\d+)\s*[호号期])?$"),
    # a supplement: "24 Suppl 1", "Vol. 24, Suppl. 2"
    re.compile(
        rf"^(?:{_VOL_PREFIX})?(?P<vol>\d+)\s*[,(]?\s*(?P<iss>suppl(?:ement)?\.?\s?\d*[A-Za-z]?)\)?$",
        re.IGNORECASE,
    ),
    re.compile(
        rf"^(?:(?P<year>1[5-9]\d\d|20\d\d)\s*;\s*)?(?:{_VOL_PREFIX})?(?P<vol>\d+[A-Za-z]?|[IVXLCDM]+)"
        rf"(?:\s*,?\s*\(\s*(?:{_NO_PREFIX})?(?P<iss>[\w]+(?:\s*[-–/]\s*\w+)?)\s*\))?"
        rf"(?:\s*[:,]\s*(?P<pages>[A-Za-z]*\d+[A-Za-z]?\d*(?:\s*[{DASH}]\s*[A-Za-z]*\d+)?))?$",
        re.IGNORECASE,
    ),
    re.compile(
        rf"^(?:{_VOL_PREFIX})?(?P<vol>\d+[A-Za-z]?|[IVXLCDM]+)\s*[,.]?\s*{_NO_PREFIX}"
        rf"(?P<iss>\w+(?:[-–/]\w+)?)$",
        re.IGNORECASE,
    ),
]


def parse_volume(text: str) -> dict[str, str]:
    """volume/issue (and pages, year) from a volume segment, only in its unambiguous forms."""
    text = _clean(text).strip(" .,;:")
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
    text = _clean(text)
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


# --------------------------------------------------------------------------- identifiers


# "Available from:" and the like left at the end once the URL is cut out.
_ACCESS_TAIL = re.compile(
    r"\b(?:Available\s+(?:from|at|online)|Retrieved\s+from|URL|Published(?: online)?)\s*:?\s*$",
    re.IGNORECASE,
)
# A DOI printed without a space before the next sentence: "10.5772/x.84211.Available from"
_RUN_ON = re.compile(
    r"\.(?:available|accessed|retrieved|published|epub|pmid|pmcid|url|http)\b.*$", re.IGNORECASE
)


def _cut_identifiers(raw: str, item: dict[str, Any]) -> str:
    """Record DOI/URL/PMID/PMCID/ISBN found anywhere and return the text without them."""
    text = raw
    low = raw.lower()  # cheap substring tests spare the regexes on most strings
    match = DOI_SPAN.search(text) if "10." in text else None
    if match:
        doi = normalize_doi(match.group("doi"))
        if doi:
            # a DOI run into the next sentence: "10.5772/x.84211.Available from"
            doi = _RUN_ON.sub("", doi)
            item["DOI"] = doi
            start, end = match.start(), match.end()
            runon = _RUN_ON.search(match.group(0))
            if runon:
                end = match.start() + runon.start() + 1
            label = re.search(r"(?:\bdoi\b|https?://(?:dx\.)?doi)\s*[:=.]?\s*$", text[:start],
                              re.IGNORECASE)
            if label:
                start = label.start()
            text = text[:start] + " " + text[end:]
    url = _URL.search(text) if "http" in low or "www." in low else None
    if url:
        item["URL"] = "".join(url.group(0).split()).rstrip(".,;)")
        text = text[: url.start()] + " " + text[url.end():]
    if "DOI" not in item and "URL" in item and "doi.org" in item["URL"].lower():
        doi = normalize_doi(item["URL"])
        if doi:
            item["DOI"] = doi
    for key, finder, pattern in (
        ("PMID", find_pmid, r"\bPMID\s*:?\s*\d+"),
        ("PMCID", find_pmcid, r"\b(?:PMCID\s*:?\s*)?PMC\d+"),
        ("ISBN", find_isbn, r"\bISBN(?:-1[03])?\s*:?\s*[0-9Xx][0-9Xx\s‐-―-]{8,20}[0-9Xx]"),
    ):
        if key[:3].lower() not in low:
            continue
        value = finder(text)
        if value:
            item[key] = value
            text = re.sub(pattern, " ", text, flags=re.IGNORECASE)
    # PubMed's "Published 2017 Dec 16." / "Epub 2015 Jan 3." notes: dates of the record, not fields
    if "published" in low or "epub" in low:
        text = re.sub(r"\b(?:Published(?:\s+online)?|Epub(?:\s+ahead\s+of\s+print)?)\s*:?\s*"
                      r"(?:\d{1,2}\s+)?(?:[A-Z][a-z]+\.?\s+)?(?:\d{1,2},?\s+)?(?:1[5-9]\d\d|20\d\d)"
                      r"(?:\s+[A-Z][a-z]{2,8}\.?)?(?:\s+\d{1,2}\b)?\.?", " ", text)
    if "available" in low or "retrieved" in low or "url" in low or "published" in low:
        text = _ACCESS_TAIL.sub("", text.strip())  # tried at every position: only when it can match
    return _clean(text)


# --------------------------------------------------------------------------- GOST


_GOST_SERIAL = re.compile(
    rf"(?:\b(?:{_VOL_PREFIX})(?P<vol>\d+\w*))|(?:{_NO_PREFIX}(?P<iss>[\w]+(?:[-–/]\w+)?))|"
    rf"(?:\b(?:[СCPРS]|pp?|стр)\.\s*(?P<pages>[A-Za-z]*\d+(?:\s*[{DASH}]\s*\d+)?))",
    re.IGNORECASE,
)


def _parse_gost(text: str, item: dict[str, Any]) -> None:
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
    year = _YEAR.search(right)
    container_end = len(right)
    if year:
        container_end = year.start()
    serial = re.search(rf"(?:\b{_VOL_PREFIX}|{_NO_PREFIX}|\b[СCPР]\.\s*\d)", right, re.IGNORECASE)
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
        item["page"] = re.sub(rf"\s*[{DASH}]\s*", "-", vanc.group(3))
        return
    for match in _GOST_SERIAL.finditer(tail):
        if match.group("vol") and "volume" not in item:
            item["volume"] = match.group("vol")
        elif match.group("iss") and "issue" not in item:
            item["issue"] = match.group("iss")
        elif match.group("pages") and "page" not in item:
            item["page"] = re.sub(rf"\s*[{DASH}]\s*", "-", match.group("pages"))


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


# --------------------------------------------------------------------------- CRF path


def _fix_title_boundary(tokens: list[str], labels: list[str]) -> list[str]:
    """A title ends at punctuation: when the tagger cut it mid-phrase ("Role | of HLA in X,"),
    give the container's words up to the next comma or full stop back to the title."""
    if "title" not in labels or ("container-title" not in labels and "journal" not in labels):
        return labels  # nothing to repair: spare the walk over every token
    for i in range(1, len(tokens)):
        if (
            labels[i - 1] == "title"
            and labels[i] in ("container-title", "journal")
            and tokens[i - 1][-1] not in ".,:;?!\"”’»)"
        ):
            j = i
            while j < len(tokens) and labels[j] == labels[i] and tokens[j][-1] not in ".,:;?!":
                j += 1
            if j < len(tokens) - 1 and labels[j] == labels[i] and labels[j + 1] == labels[i]:
                for k in range(i, j + 1):
                    labels[k] = "title"
            break
    return labels


def _fix_number_labels(tokens: list[str], labels: list[str]) -> None:
    """Repairs of numbers the tagger splits badly: a page range broken after its dash
    ("1670-" "1683."), and a bare volume taken for a date before the year ("12 (1990):")."""
    for i in range(len(tokens) - 1):
        tok, nxt = tokens[i], tokens[i + 1]
        if labels[i] == "pages" and tok[-1] in DASH and nxt[:1].isdigit():
            labels[i + 1] = "pages"
        elif (
            labels[i] == "date"
            and labels[i + 1] == "date"
            and tok.rstrip(",.:;").isdigit()
            and not _YEAR.search(tok)
            and _YEAR.search(nxt)
            and (i == 0 or labels[i - 1] in ("journal", "container-title"))
        ):
            labels[i] = "volume"


def _fix_repeated_author(tokens: list[str], labels: list[str]) -> None:
    """"———. Watt. Paris: ..." (same author as above): words after the dashes are the title
    when the tagger ran them into the author and left no title."""
    if not tokens or "title" in labels or labels[0] != "author":
        return
    if not _REPEAT_MARK.match(tokens[0]):
        return
    for i in range(1, len(tokens)):
        if labels[i] != "author":
            break
        labels[i] = "title"


_EDITOR_WORD = re.compile(r"^\(?(?:eds?|editors?|hrsg|hg|dir|éds?|ред)\.?\)?[.,:;]?$", re.I)


def _fix_editor_tail(tokens: list[str], labels: list[str]) -> None:
    """"In: Brown A, editor. Oncology Handbook." with the book tagged as editors: the editor mark
    ends the names, and what follows it is the book when no container was tagged."""
    if "editor" not in labels or "container-title" in labels or "journal" in labels:
        return
    for i, token in enumerate(tokens[:-1]):
        if labels[i] == "editor" and labels[i + 1] == "editor" and _EDITOR_WORD.match(token):
            j = i + 1
            while j < len(tokens) and labels[j] == "editor":
                labels[j] = "container-title"
                j += 1
            return


def _fix_corporate_author(tokens: list[str], labels: list[str]) -> None:
    """"World Health Organization. Global report. Geneva: WHO" with no author tagged: a first
    sentence naming a body, followed by more title, is the (corporate) author."""
    if labels[0] != "title" or "author" in labels:
        return
    for k, token in enumerate(tokens):
        if labels[k] != "title":
            return
        if token.endswith(".") and not _is_initials(token):
            if k + 1 < len(tokens) and labels[k + 1] == "title" and not _CORPORATE_WORDS.isdisjoint(
                t.strip(".,;:").lower() for t in tokens[: k + 1]
            ):
                labels[: k + 1] = ["author"] * (k + 1)
            return


_DIGIT = re.compile(r"\d")


def _fix_date_overrun(tokens: list[str], labels: list[str]) -> None:
    """"(2009) Notes on winter birds." with the first title words tagged as the date: a bracketed
    year closes the date, so the words after it, up to the title, are the title."""
    for i in range(len(tokens) - 2):
        if labels[i] == "date" and labels[i + 1] == "date" and tokens[i].endswith(")"):
            if not _YEAR.search(tokens[i]):
                return
            j = i + 1
            while j < len(tokens) and labels[j] == "date" and not _DIGIT.search(tokens[j]):
                j += 1
            if j < len(tokens) and labels[j] == "title":
                labels[i + 1 : j] = ["title"] * (j - i - 1)
            return


_ET_AL_END = frozenset({"al.", "al", "dr.", "dr", "др.", "др"})
_ET_AL_START = frozenset({"et", "i", "и"})


def _fix_after_et_al(tokens: list[str], labels: list[str]) -> None:
    """"Ivanov I.I., Petrov P.P., i dr. Title. Journal" with the title tagged as authors: nothing
    after "et al."/"i dr." is a name, so the author run ends there and the title starts."""
    if "title" in labels:
        return
    for i in range(1, len(tokens) - 1):
        if (
            labels[i] == "author"
            and labels[i + 1] == "author"
            and tokens[i].lower().rstrip(",;") in _ET_AL_END
            and tokens[i - 1].lower() in _ET_AL_START
        ):
            j = i + 1
            while j < len(tokens) and labels[j] == "author":
                labels[j] = "title"
                j += 1
            return


def _segments(tokens: list[str], labels: list[str]) -> list[tuple[str, str]]:
    labels = _fix_title_boundary(tokens, list(labels))
    _fix_number_labels(tokens, labels)
    _fix_editor_tail(tokens, labels)
    _fix_date_overrun(tokens, labels)
    _fix_after_et_al(tokens, labels)
    if labels:
        _fix_corporate_author(tokens, labels)
    _fix_repeated_author(tokens, labels)
    # one join per run of a label, not one concatenation per token
    return [
        (label, " ".join(token for token, _ in run))
        for label, run in groupby(zip(tokens, labels, strict=True), key=itemgetter(1))
    ]


_VANCOUVER = re.compile(
    rf"(?<!\d)(?P<year>1[5-9]\d\d|20\d\d)(?:\s+[A-Z][a-z]{{2}}(?:\s+\d{{1,2}})?)?\s*;\s*"
    rf"(?P<vol>\d+[A-Za-z]?)(?:\s*\(\s*(?P<iss>[\w]+(?:[-–/]\w+)?)\s*\)|"
    rf"\s(?P<sup>Suppl\.?\s?\d*[A-Za-z]?))?\s*"
    # pages after a colon, or right after the bracket: "2010;44(1)12-7"
    rf"(?:(?::|(?<=\)))\s*(?P<pages>[A-Za-z]*\d+[A-Za-z]?(?:\s*[{DASH}]\s*[A-Za-z]*\d+)?))?(?=[\s.,;]|$)\.?"
)


def _cut_vancouver(text: str, item: dict[str, Any]) -> str:
    """Take ``2017;15(1):95`` (year;volume(issue):pages) by rule: one token the CRF cannot split."""
    match = _VANCOUVER.search(text) if ";" in text else None  # the block has a ";" after the year
    if not match or not (match.group("iss") or match.group("pages") or match.group("sup")):
        return text
    item["issued"] = {"date-parts": [[int(match.group("year"))]]}
    item["volume"] = match.group("vol")
    if match.group("iss") or match.group("sup"):
        item["issue"] = match.group("iss") or match.group("sup")
    if match.group("pages"):
        item["page"] = re.sub(rf"\s*[{DASH}]\s*", "-", match.group("pages"))
    # Keep the block for the tagger's context (it ends the journal title), split as AnyStyle
    # labels it: "2017;" "15(1):" "95."
    block = match.group("year") + "; " + match.group(0)[match.start("vol") - match.start():]
    block = re.sub(r"([;:])\s*|(\))(?=\d)", r"\1\2 ", block)
    return _clean(text[: match.start()] + " " + block + " " + text[match.end():])


def _fill_from_segments(
    segments: list[tuple[str, str]],
    item: dict[str, Any],
    fixed: set[str] | frozenset[str] = frozenset(),
) -> None:
    """Labelled segments → CSL fields (first segment of a kind wins; ``fixed`` keys stay)."""
    kept = {k: item[k] for k in fixed}
    _fill(segments, item)
    item.update(kept)


def _fill(segments: list[tuple[str, str]], item: dict[str, Any]) -> None:
    seen: dict[str, list[str]] = {}
    for label, text in segments:
        seen.setdefault(label, []).append(text)
    firsts = {label: texts[0] for label, texts in seen.items()}
    first = firsts.get  # the first segment of a label, or None

    if first("author") and _REPEAT_MARK.match(_clean(first("author") or "")):
        item["note"] = SAME_AUTHORS  # "———." repeats the previous entry's authors
    elif first("author"):
        names, et_al = parse_names(first("author") or "")
        if names:
            item["author"] = names
        if et_al:
            item["note"] = "et al."
    if first("editor"):
        editors, _ = parse_names(first("editor") or "")
        if editors:
            item["editor"] = editors
    if first("translator"):
        translators, _ = parse_names(first("translator") or "")
        if translators:
            item["translator"] = translators
    title_text = first("title") or ""
    container = first("journal") or first("container-title") or first("collection-title")
    if title_text and not container and "editor" not in item and _title_before_publisher(segments):
        chapter = _split_comma_chapter(title_text)
        if chapter:
            title_text, container, editor = chapter
            item["editor"] = [_name_of(editor.split())]
    if title_text:
        title_text, container = _split_quoted_title(title_text, container)
        title_text, container = _move_glued_tail(title_text, container)
    journal_like = seen.keys() & {"volume", "pages"} or item.keys() & {"DOI", "URL"}
    if title_text and not container and (journal_like or segments[-1][0] == "title"):
        title_text, container = _split_title_journal(title_text)
    title = clean_title(title_text)
    if title:
        item["title"] = title
    container = clean_container(container or "")
    if container:
        # a volume in Roman numerals run into the journal: "Management Technology, IV"
        roman = _ROMAN_TAIL.search(container)
        if roman and not seen.get("volume") and roman.start() > 0:
            item.setdefault("volume", roman.group("roman"))
            container = container[: roman.start()].rstrip(" ,.")
        item["container-title"] = container
    collection = first("collection-title")
    if collection and clean_container(collection):
        item["collection-title"] = clean_container(collection)

    years = [y for y in (_year_of(d) for d in seen.get("date", [])) if y]
    date = first("date")
    if years:
        item["issued"] = _issued(date or "", years[0])

    volume = first("volume")
    if volume:
        parsed = parse_volume(volume)
        if parsed.get("vol"):
            item["volume"] = parsed["vol"]
        if parsed.get("iss"):
            item["issue"] = parsed["iss"]
        if parsed.get("pages") and not first("pages"):
            item["page"] = re.sub(rf"\s*[{DASH}]\s*", "-", parsed["pages"])
        if parsed.get("year") and "issued" not in item:
            item["issued"] = {"date-parts": [[int(parsed["year"])]]}
        if not parsed:
            vol_only = re.match(rf"^\(?\s*(?:{_VOL_PREFIX})?(\d+)\s*[.,:;)]*$", _clean(volume),
                                re.IGNORECASE)
            if vol_only:
                item["volume"] = vol_only.group(1)
    pages = first("pages")
    if pages:
        page = parse_pages(pages)
        if page:
            item["page"] = page
        elif "volume" not in item:  # "9:23–48" tagged as pages: the volume printed with them
            parsed = parse_volume(pages)
            if parsed.get("vol") and parsed.get("pages"):
                item["volume"] = parsed["vol"]
                item["page"] = re.sub(rf"\s*[{DASH}]\s*", "-", parsed["pages"])
                if parsed.get("iss"):
                    item["issue"] = parsed["iss"]
    for label, key in (("publisher", "publisher"), ("location", "publisher-place"),
                       ("edition", "edition"), ("genre", "genre"), ("medium", "medium"),
                       ("note", "note"), ("source", "source")):
        value = first(label)
        if value:
            value = _clean(value).strip(" .,;:()[]")
            if value and key == "note" and "note" in item:
                item["note"] = f"{item['note']}; {value}"  # "et al." stays first
            elif value and key not in item:
                item[key] = value
    if "DOI" not in item and first("doi"):
        doi = normalize_doi(first("doi") or "")
        if doi:
            item["DOI"] = doi


def _split_quoted_title(text: str, container: str | None) -> tuple[str, str | None]:
    """``"Title," in Book`` tagged as one title: the title is what the quotes hold, and what
    follows them is the container when none was found."""
    text = text.strip()
    for left, right in _QUOTES[:-1]:  # not ASCII apostrophes: "l'approche" holds one
        if text.startswith(left):
            end = text.find(right, len(left))
            if end < 0:
                return text, container
            after = text[end + len(right) :]
            rest = after.strip(" ,.;:")
            # the quotes close the title only with a separator: "Title," / "Title". / "Title" In
            closed = text[end - 1 : end] in ".,?!" or after[:1] in (".", ",", ":", ";")
            if not closed and not rest.lower().startswith(("in ", "in:")):
                return text, container
            if not any(ch.isalpha() for ch in rest):
                return text, container
            return text[: end + len(right)], container or rest
    return text, container


# A title whose last token runs into the next field, as text taken from PDFs prints it:
# "theories,Annals" "arsenide.Nat." or a separate ",Phys" at the end. (Searched, not matched with a
# leading ".*": each punctuation mark starts one short attempt, so the work stays linear.)
_GLUED_TAIL = re.compile(r"[,.](?P<tail>[A-Z][^\W\d_]*\.?)$")


def _move_glued_tail(text: str, container: str | None) -> tuple[str, str | None]:
    head, _, last = text.rstrip().rpartition(" ")
    match = _GLUED_TAIL.search(last) if head and ("," in last or "." in last) else None
    if not match:
        return text, container
    kept = last[: match.start()]
    if kept and not (len(kept) >= 2 and kept[-2:].isalpha()):
        return text, container  # "U.S.A": initials, not a word run into a name
    title = f"{head} {kept}" if kept else head
    tail = match.group("tail")
    return title, f"{tail} {container}" if container else tail


def _title_before_publisher(segments: list[tuple[str, str]]) -> bool:
    labels = [label for label, _ in segments]
    at = labels.index("title")
    return at + 1 < len(labels) and labels[at + 1] == "publisher"


_PERSON_WORD = re.compile(r"^(?:[A-Z][a-z]*\.|[A-Z][a-z'’-]+)$")


def _split_comma_chapter(text: str) -> tuple[str, str, str] | None:
    """``Chapter, Book, Editor Name`` tagged as one title before the publisher (IntechOpen's and
    similar open-access chapter citations): split at the last two commas when a person's name
    (two or three capitalised words) ends it."""
    parts = _clean(text).rstrip(" ,.").split(", ")
    if len(parts) < 3:
        return None
    editor_words = parts[-1].split()
    if not 2 <= len(editor_words) <= 3 or not all(_PERSON_WORD.match(w) for w in editor_words):
        return None
    book = parts[-2]
    if not book[:1].isupper() or len(book.split()) < 2:
        return None
    return ", ".join(parts[:-2]), book, parts[-1]


def _split_title_journal(text: str) -> tuple[str, str | None]:
    """``Title. Journal Name.`` tagged as one title, when nothing else is the journal: split at the
    last full stop if a short capitalised name follows it."""
    words = text.split()
    for i in range(len(words) - 2, 0, -1):
        word = words[i]
        if word.endswith(".") and len(word.rstrip(".")) > 2 and words[i + 1][:1].isupper():
            rest = words[i + 1 :]
            if len(rest) <= 6 and all(w[:1].isupper() or w.lower() in _MINOR for w in rest):
                return " ".join(words[: i + 1]), " ".join(rest)
            break
    return text, None


_MINOR = {"of", "and", "the", "for", "in", "on", "&", "de", "la", "und", "der", "für"}


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


def _issued(text: str, year: int) -> dict[str, Any]:
    """CSL date with month (and day) when printed next to the year."""
    parts = [year]
    words = _WORD.findall(text.lower())
    month = next((_MONTH_NUM[w] for w in words if w in _MONTH_NUM), None)
    if month:
        parts.append(month)
        day = re.search(r"(?<!\d)([0-3]?\d)(?:st|nd|rd|th)?(?!\d)", _YEAR.sub(" ", text))
        if day and 1 <= int(day.group(1)) <= 31:
            parts.append(int(day.group(1)))
    return {"date-parts": [parts]}


# --------------------------------------------------------------------------- type, language


_CONFERENCE = re.compile(
    r"proc\.|proceedings|conference|symposium|workshop|congress|конференц|симпозиум|съезд|"
    r"материалы .*(?:форума|конгресса|чтений)"
)
# GOST imprint "City: Publisher, Year": М.:, СПб.:, Moscow:, Baku:
_GOST_IMPRINT = re.compile(r"(?:^|[\s.–—-])(?:[А-ЯA-Z][а-яa-z]{0,10}\.?)\s*:\s*[^\d\s]")
_THESIS = re.compile(r"\bthes[ie]s\b|\bdissertation|диссертац|автореф|\bph\.?\s?d\b")
_THESIS_HINT = re.compile(r"thes[ie]s|dissertation|диссертац|автореф|ph\.?\s?d")
_REPORT_WORDS = ("technical report", "working paper", "report no", "tech. rep")
_REPORT = re.compile(r"\b(?:technical report|working paper|report no|tech\. rep)")


def _guess_type(item: dict[str, Any], raw: str, labels: set[str]) -> str:
    """CSL type from which fields are present and a few generic words."""
    low = raw.lower()
    genre = str(item.get("genre", "")).lower()
    both = genre + " " + low
    # The hint has no leading \b, so the regex engine skips to its first letters: most strings
    # are rejected without trying the full pattern at every position.
    if _THESIS_HINT.search(both) and _THESIS.search(both):
        return "thesis"
    if any(word in low for word in _REPORT_WORDS) and _REPORT.search(low):
        return "report"
    container = str(item.get("container-title", "")).lower()
    if _CONFERENCE.search(container):
        return "paper-conference"
    if "//" in raw:
        # GOST: "// Book. – City: Publisher, Year" is a chapter, "// Journal. Year. № 2" an article
        after = raw.split("//", 1)[1]
        if _GOST_IMPRINT.search(after) and not re.search(r"№|\b[Tт]\.\s*\d|\bvol\.", after,
                                                         re.IGNORECASE):
            return "chapter"
        return "article-journal"
    if "journal" in labels:
        return "article-journal"
    if container:
        if "editor" in labels or re.search(r"(?<!\()\bin:?\s", low) or "publisher" in item:
            return "chapter"
        return "article-journal"
    if "publisher" in item or "ISBN" in item or "publisher-place" in item:
        return "book"
    if "URL" in item and "volume" not in item:
        return "webpage"
    return "article-journal" if "volume" in item or "page" in item else "book"


# Function words that only one of our common Latin-script languages uses; hits and no rival decide
# the language without the statistical detector (~300 µs a call, two thirds of a whole parse).
_FUNCTION_WORDS: dict[str, frozenset[str]] = {
    lang: frozenset(words.split())
    for lang, words in {
        "en": "the of and for with on to from by is are an its their this at into between",
        "fr": "le la les des du et une dans pour sur au aux est par pas qui que ou",
        "de": "der die das und von zur zum mit für ein eine im auf den dem des ist über bei",
        "es": "el los las y del una en para con por sobre al como entre",
        "it": "il lo gli della delle dei degli nel nella per con una sul sulla tra",
        "pt": "os da das do dos em para com uma no na nos sobre ao pelo pela",
        "nl": "het een van voor en op met zijn bij naar over",
    }.items()
}


def _language(text: str) -> str | None:
    """Script first (Cyrillic → ru/uk/kk by their own letters), then function words, then lingua."""
    if not text:
        return None
    if _CYRILLIC.search(text):
        letters = set(text)
        if letters & _KAZAKH:
            return "kk"
        if letters & _UKRAINIAN:
            return "uk"
        return "ru"
    words = set(_WORD.findall(text.lower()))
    hits = {lang: len(words & vocab) for lang, vocab in _FUNCTION_WORDS.items()}
    best = max(hits, key=hits.__getitem__)
    # One language's function words and (nearly) none of another's: a single "la" or "der" is as
    # good a sign as lingua's low-accuracy guess on a short title, and far cheaper.
    if hits[best] and sorted(hits.values())[-2] * 3 <= hits[best]:
        return best
    if text.isascii() and not any(n for lang, n in hits.items() if lang != "en"):
        # An unaccented title with no other language's function word: short English titles
        # ("Immune profiles in pregnancy", "Photovoltaic Materials") fool the low-accuracy
        # detector, which named such titles Italian or Spanish at ~300 µs a call.
        return "en"
    # letters only one of our languages writes (ł, ß, ñ, ã, ə...), before the costly detector
    return orthography_language(text) or detect_language(text)


# --------------------------------------------------------------------------- public API


def parse_reference(raw: str) -> dict[str, Any]:
    """One printed reference → one CSL-JSON item (only the fields the string supports).

    A truncated author list (``et al.``, ``и др.``) is kept as printed and flagged by a ``note``
    that starts with ``et al.`` (other printed notes follow after ``; ``); no name is invented.
    """
    raw = unicodedata.normalize("NFC", raw or "")
    item: dict[str, Any] = {}
    # One space between words before any pattern runs: patterns with "\s*...\s*" around an
    # optional mark are quadratic in a run of spaces ("Published" + 10,000 spaces took 9 s).
    text = _cut_identifiers(_clean(raw), item)
    text = _CITATION_NUMBER.sub("", text)
    # GOST 7.1 separates areas with ". – ": the dash is punctuation, not text of any field
    if " – " in text or " — " in text or " - " in text:  # text has single spaces here
        text = _GOST_AREA_DASH.sub(" ", text)
    if "(" in text:  # "Weber, Max(1921):" – the year glued to the name
        text = _GLUED_YEAR.sub(" (", text)
    labels: set[str] = set()
    if "//" in text:
        _parse_gost(text, item)
    else:
        text = _cut_vancouver(text, item)
        tokens = tokenize(text)
        tags = tag(tokens)
        labels = set(tags)
        _fill_from_segments(_segments(tokens, tags), item, fixed=set(item))
    item["type"] = _guess_type(item, raw, labels)
    language = _language(item.get("title") or text)
    if language:
        item["language"] = language
    return item


def clear_caches() -> None:
    """Forget the per-token work cached so far (for benchmarks timing strings never parsed)."""
    _clear_model_caches()
    _is_initials.cache_clear()


def parse_references(raws: list[str]) -> list[dict[str, Any]]:
    """Parse a reference list, one CSL-JSON item per string, in order.

    In a list, a repeated-author mark (``———.``) takes the authors of the entry above, which is
    what the mark means; a lone string keeps no author and the note :data:`SAME_AUTHORS`.
    """
    items = [parse_reference(raw) for raw in raws]
    for previous, item in zip(items, items[1:], strict=False):
        if item.get("note") == SAME_AUTHORS and "author" not in item and previous.get("author"):
            item["author"] = [dict(name) for name in previous["author"]]
    return items
