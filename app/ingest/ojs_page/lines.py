"""Page text → classified lines: what each line of a saved page is, and which block it is in.

Pages saved as text mix OJS interface strings (menus, ``##locale.keys##``, labels in the journal's
UI language), running headers/footers of the PDF (journal title + volume/issue/year/page), the
article's own metadata and its reference list. Labels split the page into blocks even when it was
saved without blank lines; a label glued to its value (``…8670366palavras-chave: …``) is cut off.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from app.ingest.languages import classify_language
from app.ingest.ojs_page.dates import parse_date
from app.ingest.ojs_page.labels import (
    inline_labels,
    issue_identification,
    label_language,
    label_prefix,
    label_role,
)
from app.ingest.ojs_page.shapes import (
    GALLEY_LINE,
    HAS_YEAR,
    ISSN_LINE,
    LOCALE_KEY,
    LOGO_KEY,
    ONLINE_MEDIA,
    PRINT_MEDIA,
    URL_DOI,
    footer_match,
    galley_locale,
    is_reference_like,
    is_title_like,
    issn_is_valid,
)
from app.ingest.records import AuthorRecord, GalleyRecord, IssueRecord
from app.ingest.text import normalize_spaces

# Blocks of the sidebar and of OJS's own furniture: their text is never the article's abstract,
# keywords or references (a "How to cite" line is reference-shaped, a "Most read" list too).
ASIDE_ROLES = frozenset(
    {
        "how_to_cite", "citation_formats", "downloads", "download", "published", "issue",
        "section", "category", "license", "most_read", "author_bios", "details", "versions",
        "data_availability", "funding", "doi", "authors",
    }
)  # fmt: skip
CONTENT_ROLES = frozenset({"abstract", "keywords", "references"})
# Labels over one value line ("Published" / "2020-03-15"); the others label a block of lines.
_ONE_LINE_ROLES = frozenset({"doi", "published", "issue", "section", "category", "versions"})
# Lines that stand alone on a page even when it has no blank lines between its parts.
STRUCTURAL = frozenset({"heading", "interface", "galley", "issn", "key"})


@dataclass
class Line:
    """One non-blank line with what the loader decided it is."""

    text: str
    block: int
    kind: str = "text"  # text | issn | galley | footer | interface | heading | key | meta | aside
    value: str | None = None  # heading: its role; aside: the role of its block


@dataclass
class Page:
    lines: list[Line] = field(default_factory=list)
    journal_titles: dict[str, str] = field(default_factory=dict)
    issn_print: str | None = None
    issn_online: str | None = None
    issue: IssueRecord | None = None
    galleys: list[GalleyRecord] = field(default_factory=list)
    published: date | None = None
    doi: str | None = None
    authors: list[AuthorRecord] = field(default_factory=list)
    ui_languages: Counter[str] = field(default_factory=Counter)

    def ui_language(self) -> str | None:
        """The UI language the page's labels are in, when they say."""
        return self.ui_languages.most_common(1)[0][0] if self.ui_languages else None

    def has_ojs_lines(self) -> bool:
        return any(line.kind not in {"text", "aside"} for line in self.lines)

    def roles(self) -> set[str]:
        return {line.value or "" for line in self.lines if line.kind == "heading"}


def blocks(text: str) -> list[list[str]]:
    """Paragraphs: runs of non-blank lines separated by blank lines."""
    found: list[list[str]] = [[]]
    for raw in text.split("\n"):
        line = raw.strip()
        if line:
            found[-1].append(line)
        elif found[-1]:
            found.append([])
    return [block for block in found if block]


def split_inline_labels(text: str) -> list[tuple[str, str | None]]:
    """A line cut at the labels inside it: ``[(text, None) | (label, role), ...]``."""
    found = inline_labels(text) if ":" in text or "：" in text else []
    if found and found[0][0] > 0 and is_reference_like(text):
        return [(text, None)]  # "…, IntechOpen, DOI: 10.5772/…" is a reference, not a label
    if not found:
        return [(text, None)]
    pieces: list[tuple[str, str | None]] = []
    position = 0
    for start, end, role in found:
        before = text[position:start].strip()
        if before:
            pieces.append((before, None))
        pieces.append((text[start:end].strip(), role))
        position = end
    rest = text[position:].strip()
    if rest:
        pieces.append((rest, None))
    return pieces


def classify(text: str) -> Page:
    """Label each line; collect the facts that single lines state (ISSN, galleys, footers...)."""
    page = Page()
    paragraphs = blocks(text)
    repeated = Counter(
        re.sub(r"\d+", "#", normalize_spaces(line))
        for block in paragraphs
        for line in block
        if len(line) < 120
    )
    expect_journal_title = False
    for number, block in enumerate(paragraphs):
        for raw in block:
            for piece, role in split_inline_labels(normalize_spaces(raw)):
                line = Line(piece, number)
                page.lines.append(line)
                if role is not None:
                    line.kind, line.value = "heading", role
                    _count_language(page, piece)
                    continue
                keys = LOCALE_KEY.findall(line.text)
                if keys:
                    rest = normalize_spaces(LOCALE_KEY.sub(" ", line.text))
                    line.kind = "key"
                    if any(LOGO_KEY.search(key) for key in keys):
                        if rest:
                            add_title(page.journal_titles, rest)
                        else:
                            expect_journal_title = True
                    elif rest:
                        line.kind, line.text = "text", rest
                    continue
                if expect_journal_title:
                    expect_journal_title = False
                    if is_title_like(line.text):
                        line.kind = "key"
                        add_title(page.journal_titles, line.text)
                        continue
                _classify_line(page, line, repeated)
    _separate_structure(page)
    _site_name(page)
    return page


def _site_name(page: Page) -> None:
    """The journal's name as the default theme's header prints it when it has no logo: the one
    text line among the skip links and the menu, above the breadcrumb (header.tpl)."""
    if page.journal_titles:
        return
    breadcrumb = next((i for i, ln in enumerate(page.lines) if ln.value == "breadcrumb"), None)
    if breadcrumb is None:
        return
    header = page.lines[:breadcrumb]
    texts = [i for i, line in enumerate(header) if line.kind == "text"]
    if len(texts) != 1:
        return
    index = texts[0]
    before = header[index - 1] if index else None
    after = header[index + 1] if index + 1 < len(header) else None
    if (
        before is not None
        and after is not None
        and before.kind == "interface"
        and after.kind == "interface"
        and is_title_like(header[index].text)
    ):
        header[index].kind = "key"
        add_title(page.journal_titles, header[index].text)


def _classify_line(page: Page, line: Line, repeated: Counter[str]) -> None:
    text = line.text
    rest = label_prefix(text, "published") if HAS_YEAR.search(text) else None
    published = parse_date(rest, page.ui_language()) if rest else None
    if published is not None:
        line.kind, line.value = "aside", "published"
        page.published = page.published or published
        return
    # Length first: the search costs seconds on a megabyte line, holding the interpreter lock.
    issn = ISSN_LINE.search(text) if len(text) < 80 else None
    if issn:
        line.kind = "issn"
        value = re.sub(r"\s", "", issn.group("issn")).replace("‐", "-").replace("–", "-")
        value = value.upper()
        medium = next((m for m in issn.group("before", "inside", "after", "trail") if m), "")
        medium = medium.casefold()
        if issn_is_valid(value):
            if medium in ONLINE_MEDIA:
                page.issn_online = page.issn_online or value
            elif medium in PRINT_MEDIA:
                page.issn_print = page.issn_print or value
            # A bare "ISSN" does not say which medium it is; it is not assigned to one.
        return
    galley = GALLEY_LINE.match(text)
    if galley:
        line.kind = "galley"
        label = galley.group("label")
        label = label.upper() if label.casefold() in {"pdf", "html", "xml", "epub"} else label
        record = GalleyRecord(label=label, locale=galley_locale(galley.group("language")))
        if record not in page.galleys:
            page.galleys.append(record)
        return
    footer = footer_match(text)
    if footer:
        line.kind = "footer"
        page.issue = page.issue or _issue(footer)
        add_title(page.journal_titles, footer.group("title").strip(" ,."))
        return
    role = label_role(text)
    if role == "interface":
        line.kind = "interface"
        return
    if role:
        line.kind, line.value = "heading", role
        _count_language(page, text)
        return
    issue = issue_identification().search(text) if len(text) < 160 else None
    if issue and (issue["volume"] or issue["number"]) and not is_reference_like(text):
        line.kind = "meta"
        # OJS breadcrumbs ("Home / Archives / Vol. 8 No. 2 (2021) / Articles") precede the title
        line.value = "breadcrumb" if text.count("/") >= 2 else None
        page.issue = page.issue or _issue(issue)
        return
    doi = URL_DOI.match(text)
    if doi and (text.upper().startswith("DOI") or "doi.org" in text):
        line.kind = "meta"
        page.doi = page.doi or doi.group(1).rstrip(".").lower()
        return
    # The same short non-reference line several times (digits aside): a running header/footer.
    shape = re.sub(r"\d+", "#", text)
    if repeated[shape] > 1 and re.search(r"\d", text) and not is_reference_like(text):
        line.kind = "footer"


def _count_language(page: Page, label: str) -> None:
    language = label_language(label)
    if language:
        page.ui_languages[language] += 1


def _issue(match: re.Match[str]) -> IssueRecord:
    volume, number = match.group("volume"), match.group("number")
    return IssueRecord(
        volume=str(int(volume)) if volume else None,
        number=(str(int(number)) if number.isdigit() else number) if number else None,
        year=int(match.group("year")),
    )


def add_title(titles: dict[str, str], title: str) -> None:
    language = classify_language(title) or "und"
    titles.setdefault(language, title)


def _separate_structure(page: Page) -> None:
    """Give labels and interface lines blocks of their own; read the values labels introduce.

    Pages saved without blank lines would otherwise be one paragraph; a running footer is not a
    separator, since it may sit inside a reference that a PDF page break cut in two. Text after a
    sidebar label (How to cite, Issue, License, Most read ...) is marked ``aside``.
    """
    block = 0
    previous: Line | None = None
    previous_original = -1
    role: str | None = None
    for line in page.lines:
        original = line.block
        if previous is None or original != previous_original:
            block += 1
        elif line.kind in STRUCTURAL or previous.kind in STRUCTURAL:
            block += 1
        line.block, previous_original = block, original
        if line.kind == "heading":
            role = line.value
        elif line.kind in {"interface", "galley"}:
            role = None
        elif line.kind in {"text", "meta"} and role in ASIDE_ROLES:
            _read_value(page, line, role)
            if role in _ONE_LINE_ROLES:
                role = None
        previous = line


def _read_value(page: Page, line: Line, role: str) -> None:
    """A line in a sidebar block: the value of its label when it has one, never content."""
    if line.kind == "text":
        line.kind, line.value = "aside", role
    text = line.text
    if role == "published" and page.published is None:
        page.published = parse_date(text, page.ui_language())
    elif role == "doi" and page.doi is None:
        doi = re.search(r"10\.\d{4,9}/\S+", text)
        if doi:
            page.doi = doi.group(0).rstrip(".").lower()
    elif role == "issue" and page.issue is None:
        issue = issue_identification().search(text)
        if issue:
            page.issue = _issue(issue)
