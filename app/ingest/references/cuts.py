"""Fields printed in fixed forms, taken out of the string by rule before the tagger sees it.

DOI, URL, PMID, PMCID and ISBN have exact forms that a word tagger only blurs, and Vancouver's
``2017;15(1):95`` is one token the tagger cannot split; each is recorded in the item here and cut
out (or respaced) so that the tagger labels only the remaining words.
"""

from __future__ import annotations

import re
from typing import Any

from app.ingest.identifiers import DOI_SPAN, find_isbn, find_pmcid, find_pmid, normalize_doi
from app.ingest.references.patterns import DASH, normalize_space, page_range

_URL = re.compile(r"(?:https?\s?:\s?//|www\.)\S+", re.IGNORECASE)  # "http ://" from PDF text


# "Available from:" and the like left at the end once the URL is cut out.
_ACCESS_TAIL = re.compile(
    r"\b(?:Available\s+(?:from|at|online)|Retrieved\s+from|URL|Published(?: online)?)\s*:?\s*$",
    re.IGNORECASE,
)
# A DOI printed without a space before the next sentence: "10.5772/x.84211.Available from"
_RUN_ON = re.compile(
    r"\.(?:available|accessed|retrieved|published|epub|pmid|pmcid|url|http)\b.*$", re.IGNORECASE
)


def cut_identifiers(raw: str, item: dict[str, Any]) -> str:
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
    return normalize_space(text)


_VANCOUVER = re.compile(
    rf"(?<!\d)(?P<year>1[5-9]\d\d|20\d\d)(?:\s+[A-Z][a-z]{{2}}(?:\s+\d{{1,2}})?)?\s*;\s*"
    rf"(?P<vol>\d+[A-Za-z]?)(?:\s*\(\s*(?P<iss>[\w]+(?:[-–/]\w+)?)\s*\)|"
    rf"\s(?P<sup>Suppl\.?\s?\d*[A-Za-z]?))?\s*"
    # pages after a colon, or right after the bracket: "2010;44(1)12-7"
    rf"(?:(?::|(?<=\)))\s*(?P<pages>[A-Za-z]*\d+[A-Za-z]?(?:\s*[{DASH}]\s*[A-Za-z]*\d+)?))?(?=[\s.,;]|$)\.?"
)


def cut_vancouver(text: str, item: dict[str, Any]) -> str:
    """Take ``2017;15(1):95`` (year;volume(issue):pages) by rule: one token the CRF cannot split."""
    match = _VANCOUVER.search(text) if ";" in text else None  # the block has a ";" after the year
    if not match or not (match.group("iss") or match.group("pages") or match.group("sup")):
        return text
    item["issued"] = {"date-parts": [[int(match.group("year"))]]}
    item["volume"] = match.group("vol")
    if match.group("iss") or match.group("sup"):
        item["issue"] = match.group("iss") or match.group("sup")
    if match.group("pages"):
        item["page"] = page_range(match.group("pages"))
    # Keep the block for the tagger's context (it ends the journal title), split as AnyStyle
    # labels it: "2017;" "15(1):" "95."
    block = match.group("year") + "; " + match.group(0)[match.start("vol") - match.start():]
    block = re.sub(r"([;:])\s*|(\))(?=\d)", r"\1\2 ", block)
    return normalize_space(text[: match.start()] + " " + block + " " + text[match.end():])
