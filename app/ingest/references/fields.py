"""Labelled segments → CSL-JSON fields: the step that assembles the item on the tagger's path.

The first segment of a label wins; names, titles and numbers are read by their own steps
(:mod:`.names`, :mod:`.titles`, :mod:`.numbering`) and only put together here.
"""

from __future__ import annotations

import re
from typing import Any

from app.ingest.identifiers import normalize_doi
from app.ingest.references.names import name_of, parse_names
from app.ingest.references.numbering import VOL_PREFIX, issued, parse_pages, parse_volume
from app.ingest.references.patterns import REPEAT_MARK, normalize_space, page_range, year_of
from app.ingest.references.titles import (
    clean_container,
    clean_title,
    move_glued_tail,
    split_comma_chapter,
    split_quoted_title,
    split_title_journal,
    title_before_publisher,
)

SAME_AUTHORS = "same authors as the previous reference"
_ROMAN_TAIL = re.compile(r"(?:[,.]\s+|\s+(?=[IVXLC]{3,}$))(?P<roman>[IVXLC]{2,})$")


def fill_from_segments(
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

    if first("author") and REPEAT_MARK.match(normalize_space(first("author") or "")):
        item["note"] = SAME_AUTHORS  # "———." repeats the previous entry's authors
    elif first("author"):
        names, et_al = parse_names(first("author") or "")
        if names:
            item["author"] = names
        if et_al:
            item["note"] = "et al."
    for role in ("editor", "translator"):
        segment = first(role)
        people = parse_names(segment)[0] if segment else []
        if people:
            item[role] = people
    title_text = first("title") or ""
    container = first("journal") or first("container-title") or first("collection-title")
    if title_text and not container and "editor" not in item and title_before_publisher(segments):
        chapter = split_comma_chapter(title_text)
        if chapter:
            title_text, container, editor = chapter
            item["editor"] = [name_of(editor.split())]
    if title_text:
        title_text, container = split_quoted_title(title_text, container)
        title_text, container = move_glued_tail(title_text, container)
    journal_like = seen.keys() & {"volume", "pages"} or item.keys() & {"DOI", "URL"}
    if title_text and not container and (journal_like or segments[-1][0] == "title"):
        title_text, container = split_title_journal(title_text)
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

    years = [y for y in (year_of(d) for d in seen.get("date", [])) if y]
    date = first("date")
    if years:
        item["issued"] = issued(date or "", years[0])

    volume = first("volume")
    if volume:
        parsed = parse_volume(volume)
        if parsed.get("vol"):
            item["volume"] = parsed["vol"]
        if parsed.get("iss"):
            item["issue"] = parsed["iss"]
        if parsed.get("pages") and not first("pages"):
            item["page"] = page_range(parsed["pages"])
        if parsed.get("year") and "issued" not in item:
            item["issued"] = {"date-parts": [[int(parsed["year"])]]}
        if not parsed:
            vol_only = re.match(
                rf"^\(?\s*(?:{VOL_PREFIX})?(\d+)\s*[.,:;)]*$",
                normalize_space(volume),
                re.IGNORECASE,
            )
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
                item["page"] = page_range(parsed["pages"])
                if parsed.get("iss"):
                    item["issue"] = parsed["iss"]
    for label, key in (("publisher", "publisher"), ("location", "publisher-place"),
                       ("edition", "edition"), ("genre", "genre"), ("medium", "medium"),
                       ("note", "note"), ("source", "source")):
        value = first(label)
        if value:
            value = normalize_space(value).strip(" .,;:()[]")
            if value and key == "note" and "note" in item:
                item["note"] = f"{item['note']}; {value}"  # "et al." stays first
            elif value and key not in item:
                item[key] = value
    if "DOI" not in item and first("doi"):
        doi = normalize_doi(first("doi") or "")
        if doi:
            item["DOI"] = doi
