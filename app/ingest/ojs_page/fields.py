"""Classified lines → the article's fields: title, authors, abstracts, references, keywords.

OJS prints an article page in one order (article_details.tpl): title, authors with affiliation and
ORCID, DOI, keywords, abstract, galleys, references, then the sidebar. Each finder below reads
its field where that order puts it, and stops at the next label, galley link or interface line.
"""

from __future__ import annotations

import re

from app.ingest.languages import classify_language
from app.ingest.ojs_page.authors import authors_from_lines, names_on_line
from app.ingest.ojs_page.lines import CONTENT_ROLES, Line, Page
from app.ingest.ojs_page.shapes import (
    AUTHOR_START,
    DOI,
    INITIALS,
    LIST_MARKER,
    footer_match,
    is_prose,
    is_reference_like,
    is_title_like,
    title_like_name,
)
from app.ingest.records import AuthorRecord

# An issue or volume line ("Volume 17, No. 3, Art. 4 – September 2016") is not a title.
_ISSUE_LINE = re.compile(
    r"^(?:Vol(?:ume)?|No|Number|Issue|Том|Т|Вып(?:уск)?|Cild|Cilt|Sayı|Jilid|v|n)\.?\s*\d",
    re.IGNORECASE,
)


def find_title(page: Page, citation: str = "") -> Line | None:
    """The article title: the line the page's own citation cites, else the first title-like
    content line before the abstract or references.

    Lines before an OJS breadcrumb are the site header; a title-like line followed by menu lines
    is the site's name, not the article's; prose at the very top of the page is skipped.
    """
    journal = {t.casefold() for t in page.journal_titles.values()}
    cited = _cited_title(page, citation, journal)
    if cited is not None:
        return cited
    seen_structure = False
    grouped: dict[int, list[Line]] = {}
    lines_from = page.lines
    breadcrumb = next((ln for ln in page.lines if ln.value == "breadcrumb"), None)
    if breadcrumb is not None:
        lines_from = page.lines[page.lines.index(breadcrumb) + 1 :]
    following = {id(a): b for a, b in zip(page.lines, page.lines[1:], strict=False)}
    for line in lines_from:
        grouped.setdefault(line.block, []).append(line)
    for lines in grouped.values():
        content = [line for line in lines if line.kind == "text"]
        if any(line.kind in {"galley", "heading"} for line in lines) and not content:
            if any(
                line.kind == "heading" and line.value in {"references", "most_read", "how_to_cite"}
                for line in lines
            ):
                return None
        joined = " ".join(line.text for line in content)
        if content and len(content) == len(lines) and is_prose(joined):
            if seen_structure:
                return None
            continue
        for line in lines:
            if line.kind == "galley" or (
                line.kind == "heading" and line.value in {"references", "most_read"}
            ):
                return None
            if line.kind != "text":
                seen_structure = True
                continue
            if is_reference_like(line.text):
                if not _running_header(line, following):
                    return None
                seen_structure = True
                continue
            nxt = following.get(id(line))
            site_name = nxt is not None and nxt.kind == "interface" and breadcrumb is None
            if (
                line.text.casefold() not in journal
                and not site_name
                and not _ISSUE_LINE.match(line.text)
                and is_title_like(line.text)
            ):
                return _below_running_header(line, following)
            seen_structure = True
    return None


# Words of journal names, as stems: a running header above the title names the journal.
_JOURNAL_WORDS = re.compile(
    r"journal|jurnal|revista|revue|rivista|zeitschrift|dergi|вестник|вісник|журнал|bulletin|"
    r"бюллетень|annals|proceedings|transactions|cuadernos|cadernos|acta\b|izvestiya|известия",
    re.IGNORECASE,
)


def _running_header(line: Line, following: dict[int, Line]) -> bool:
    """A reference-shaped line at the top that is a running header ("Revista X, v. 12, n. 2,
    p. 45-60, 2023"): short, and the line after it is a title, not another reference."""
    nxt = following.get(id(line))
    return (
        len(line.text) <= 160
        and nxt is not None
        and nxt.kind == "text"
        and is_title_like(nxt.text)
        and not is_reference_like(nxt.text)
    )


def _names_follow(line: Line, following: dict[int, Line]) -> bool:
    nxt = following.get(id(line))
    if nxt is not None and nxt.kind == "heading" and nxt.value == "authors":
        return True
    return nxt is not None and nxt.kind == "text" and bool(names_on_line(nxt.text))


def _below_running_header(line: Line, following: dict[int, Line]) -> Line:
    """The title, when ``line`` is a short running header above it: the journal's name, a
    section heading in capitals ("ORIGINAL ARTICLE") or a line the page repeats. The title is
    then the next title-like line (OJS prints the authors right after it). A line that the
    authors follow is the title itself, whatever it says."""
    if _names_follow(line, following):
        return line
    text = line.text
    letters = [ch for ch in text if ch.isalpha()]
    header_like = (
        (letters and all(ch.isupper() for ch in letters) and len(text.split()) <= 6)
        or _JOURNAL_WORDS.search(text) is not None
    )
    if not header_like:
        return line
    nxt = following.get(id(line))
    for _ in range(3):
        if nxt is None:
            break
        if nxt.kind == "text":
            if is_title_like(nxt.text) and not is_prose(nxt.text) and not names_on_line(nxt.text):
                return nxt
            break
        if nxt.kind not in {"meta", "footer", "key"}:
            break
        nxt = following.get(id(nxt))
    return line


def citation_text(page: Page) -> str:
    """The "How to cite" citation the page prints (citationStyleLanguage plugin), or ""."""
    return " ".join(
        line.text for line in page.lines if line.kind == "aside" and line.value == "how_to_cite"
    )[:2000]


def _cited_title(page: Page, citation: str, journal: set[str]) -> Line | None:
    """The line that the page's citation names first: every citation style puts the article's
    title before the journal's, and a page's header lines (journal, issue, section, menus) are
    either not in it or come after the title in it."""
    folded = citation.casefold()
    best: tuple[int, Line] | None = None
    for line in page.lines:
        text = line.text
        if line.kind != "text" or len(text) < 12 or text.casefold() in journal:
            continue
        position = folded.find(text.casefold())
        if position < 0 or not is_title_like(text) or names_on_line(text):
            continue
        if best is None or position < best[0]:
            best = (position, line)
    return best[1] if best else None


def container_title(page: Page, citation: str, title: Line | None) -> dict[str, str]:
    """The journal's name, when a line of the page is what the citation prints right after the
    article's title (its container: "Title. Journal Name, 9(1)")."""
    if not citation or title is None:
        return {}
    position = citation.casefold().find(title.text.casefold())
    if position < 0:
        return {}
    rest = citation[position + len(title.text) :].lstrip(" .?!”\"»").casefold()
    for line in page.lines:
        text = line.text
        if line is title or line.kind not in {"text", "footer"} or len(text) < 8:
            continue
        if rest.startswith(text.casefold()) and rest[len(text) : len(text) + 1] in {",", ".", ""}:
            language = classify_language(text) or "und"
            return {language: text}
    return {}


def header_journal(page: Page, title: Line | None) -> dict[str, str]:
    """The journal's name when a running header right above the title names it (a line with a
    journal's word: "Journal of …", "Revista …", "Вестник …")."""
    if title is None:
        return {}
    index = page.lines.index(title)
    for line in reversed(page.lines[max(0, index - 3) : index]):
        if line.kind == "text":
            if _JOURNAL_WORDS.search(line.text) and title_like_name(line.text):
                return {classify_language(line.text) or "und": line.text}
            return {}
        if line.kind not in {"meta", "footer", "key"}:
            return {}
    return {}


def after(page: Page, start: Line) -> list[Line]:
    return page.lines[page.lines.index(start) + 1 :]


def author_zone(lines: list[Line]) -> tuple[list[str], int]:
    """Lines between the title and the first block of content, and how many lines they span.

    The zone ends at any label other than the screen-reader "Authors", a galley link, an
    interface line, or prose; authors are read from its lines only.
    """
    zone: list[str] = []
    count = 0
    for count, line in enumerate(lines):  # noqa: B007 - the index is returned
        if line.kind == "heading" and line.value != "authors":
            return zone, count
        if line.kind in {"galley", "interface", "issn"}:
            return zone, count
        if line.kind == "meta" or line.kind == "key" or line.kind == "footer":
            continue
        if line.kind == "heading":
            continue
        if is_prose(line.text) and not names_on_line(line.text):
            return zone, count
        if len(zone) >= 60:
            return zone, count
        zone.append(line.text)
    return zone, len(lines)


def authors_before_abstract(lines: list[Line]) -> list[AuthorRecord]:
    """Names among the text lines between the title and the abstract label, for themes that
    print the galleys, published date or DOI between the title and the authors (bootstrap3)."""
    texts: list[str] = []
    for line in lines:
        if line.kind == "heading" and line.value in CONTENT_ROLES:
            return authors_from_lines(texts)
        if line.kind == "text":
            texts.append(line.text)
        if len(texts) > 60:
            break
    return []


def find_authors(lines: list[Line]) -> list[AuthorRecord]:
    zone, _ = author_zone(lines)
    return authors_from_lines(zone)


def paragraphs(lines: list[Line]) -> list[list[Line]]:
    """Lines grouped by block, in order."""
    grouped: dict[int, list[Line]] = {}
    for line in lines:
        grouped.setdefault(line.block, []).append(line)
    return list(grouped.values())


def join_lines(lines: list[str]) -> str:
    """Join wrapped lines; a line-final hyphen stays (as printed) and the repair decides."""
    out = ""
    for line in lines:
        if not out:
            out = line
        elif out.endswith("-") and not out.endswith(" -"):
            out += line
        else:
            out += " " + line
    return out


def _abstract_pieces(content: list[str]) -> list[str]:
    """An abstract block's paragraphs: wrapped lines joined, a short title-like line between two
    paragraphs (the other language's title) dropped, one piece per language."""
    pieces: list[list[str]] = [[]]
    for index, text in enumerate(content):
        nxt = content[index + 1] if index + 1 < len(content) else ""
        short = len(text) < 200 and not text.rstrip().endswith((".", ";", ","))
        if short and not nxt and pieces[-1] and pieces[-1][-1].endswith((".", "!", "?")):
            break  # a heading after the last paragraph, on a page saved without blank lines
        if short and is_title_like(text) and len(nxt) >= 200 and pieces[-1]:
            pieces.append([])
            continue
        if pieces[-1] and len(text) >= 200 and len(pieces[-1][-1]) >= 200:
            # one long line per paragraph: a new language starts a new abstract
            previous = join_lines(pieces[-1])
            if classify_language(previous[:400]) != classify_language(text[:400]):
                pieces.append([])
        pieces[-1].append(text)
    return [join_lines(piece) for piece in pieces if piece]


def find_abstracts(
    blocks: list[list[Line]], *, labelled_only: bool = False
) -> tuple[list[str], int]:
    """Printed abstracts (one per language) and the index of the block after them.

    Under an abstract label every paragraph counts; without one (PDF-derived pages), prose
    paragraphs do. Text under another label (keywords, DOI) is never an abstract.
    """
    abstracts: list[str] = []
    position = 0
    current: str | None = None
    labelled_at = [
        i for i, lines in enumerate(blocks)
        if any(line.kind == "heading" and line.value == "abstract" for line in lines)
    ]
    for position, lines in enumerate(blocks):
        content = [line for line in lines if line.kind == "text"]
        headings = [line.value for line in lines if line.kind == "heading"]
        if (
            not abstracts
            and labelled_at
            and position < labelled_at[0]
            and any(line.kind != "text" for line in lines)
        ):
            continue  # a theme's sidebar (galleys, date, DOI) printed before the abstract label
        if headings:
            if abstracts and headings[-1] != "abstract":
                return abstracts, position
            if headings[-1] not in {"abstract", "doi", "keywords", "authors"}:
                return abstracts, position
            current = headings[-1]
        if any(line.kind in {"galley", "interface"} for line in lines):
            break
        if not content and not headings and current in {"doi", "authors"}:
            current = None  # the label's value (a DOI, a list of names) ends its block
            continue
        if not content or current not in {None, "abstract"}:
            continue
        if labelled_only and current != "abstract":
            continue
        texts = [line.text for line in content]
        text = join_lines(texts)
        labelled = current == "abstract"
        if labelled and len(text) > 40:
            abstracts.extend(_abstract_pieces(texts))
            continue
        if is_reference_like(text) or not is_prose(text):
            if abstracts:
                return abstracts, position
            continue
        abstracts.extend(_abstract_pieces(texts))
    else:
        position = len(blocks)
    return abstracts, position


def find_references(blocks: list[list[Line]]) -> tuple[list[str], int]:
    """References in printed order and the index of the block where they end.

    They start after a references label or at the first reference-like paragraph, and end at a
    galley link, an interface line, another label or a block of keyword-like lines.
    """
    references: list[str] = []
    started = by_label = False
    position = 0
    for position, lines in enumerate(blocks):
        if any(line.kind in {"galley", "interface"} for line in lines):
            return references, position
        heading = next((line.value for line in lines if line.kind == "heading"), None)
        if heading == "references":
            started = by_label = True
            lines = [line for line in lines if line.kind != "heading"]
        elif heading is not None and started:
            return references, position
        content = [line.text for line in lines if line.kind == "text"]
        if not content:
            continue
        if not started:
            if not is_reference_like(join_lines(content)) and not LIST_MARKER.match(content[0]):
                continue
            started = True
        elif keyword_like_block(content) and not any(is_reference_like(c) for c in content):
            return references, position
        references.extend(split_references(content, one_per_line=by_label))
    return references, len(blocks)


def drop_cut_off_reference(references: list[str], blocks: list[list[Line]], end: int) -> list[str]:
    """A last reference that the saved page cut off (nothing follows it, no year) is dropped."""
    if not references or any(
        line.kind not in {"footer"} for lines in blocks[end:] for line in lines
    ):
        return references
    if is_reference_like(references[-1]):
        return references
    return references[:-1]


def split_references(lines: list[str], *, one_per_line: bool = False) -> list[str]:
    """References in one paragraph: numbered items, one per line, or one wrapped reference.

    Under OJS's references label each citation is its own line (``<p>`` or ``nl2br``): a line
    continues the previous one only when that one visibly breaks off (a hyphen, no final stop
    and a lower-case continuation)."""
    lines = [line for line in lines if not footer_match(line)]
    if not lines:
        return []
    items: list[str] = []
    numbered = sum(1 for line in lines if LIST_MARKER.match(line))
    for line in lines:
        marker = LIST_MARKER.match(line)
        if numbered >= 1 and LIST_MARKER.match(lines[0]):
            starts = marker is not None
        elif one_per_line:
            previous = items[-1] if items else ""
            broken = previous.endswith("-") or (
                not previous.rstrip().endswith((".", ")", "]")) and line[:1].islower()
            )
            starts = not items or not broken
        else:
            # a new reference only once the previous one is complete (it has its year)
            starts = not items or (
                is_reference_like(line)
                and is_reference_like(items[-1])
                and (bool(AUTHOR_START.match(line)) or items[-1].endswith((".", ")")))
            )
        text = line[marker.end() :] if marker and numbered and starts else line
        if starts or not items:
            items.append(text)
        else:
            items[-1] = join_lines([items[-1], text])
    return items


def keyword_like_block(lines: list[str]) -> bool:
    """Short lines without digits, sentence punctuation or a reference's author names."""
    return all(
        len(line) <= 120
        and not re.search(r"\d", line)
        and not line.endswith(".")
        and not AUTHOR_START.match(line)
        and not INITIALS.search(line)
        for line in lines
    )


def keyword_lines(blocks: list[list[Line]], after_references: int) -> list[str]:
    """Lines of the keyword list: the text after a keywords label, or else the block of
    keyword-like lines right after the references and galley links, when an OJS line follows
    it (a block that ends the saved page may be a reference cut off mid-way)."""
    for index, block in enumerate(blocks):
        for position, line in enumerate(block):
            if line.kind == "heading" and line.value == "keywords":
                rest: list[str] = []
                for ln in block[position + 1 :]:
                    if ln.kind != "text" or _sentence(ln.text):
                        break
                    rest.append(ln.text)
                if rest:
                    return rest
                following = next((b for b in blocks[index + 1 :] if b), [])
                for ln in following:
                    if ln.kind != "text" or _sentence(ln.text):
                        break
                    rest.append(ln.text)
                return rest
    for index, block in enumerate(blocks[after_references:], start=after_references):
        if any(line.kind in {"interface", "heading"} for line in block):
            return []
        texts = [line.text for line in block if line.kind == "text"]
        if not texts:
            continue  # galley links, footers
        closed = any(
            line.kind in {"interface", "heading", "galley"}
            for later in blocks[index + 1 :]
            for line in later
        )
        if closed and keyword_like_block(texts) and not any(is_prose(t) for t in texts):
            return texts
        return []
    return []


def _sentence(text: str) -> bool:
    """A sentence (a licence line after the keywords), not a keyword list: many words, a final
    stop and no list separator."""
    return text.endswith(".") and len(text.split()) >= 6 and not re.search(r"[;,·]", text)


def strip_doi(text: str) -> str | None:
    match = DOI.search(text)
    return match.group(0).rstrip(".").lower() if match else None
