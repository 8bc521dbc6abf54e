"""Open Journal Systems (OJS) article page → ``ArticleRecord``.

Pure: no database, no HTTP. The input is the text of an article page (as saved from a browser or
extracted from a PDF-backed page) or its HTML. Every value comes from the page: where the page is
silent the record is silent too; where nothing looks like an article title ``PageError`` says so.

Pages saved as text mix four things that the loader tells apart by general shapes only:
OJS interface strings (``PDF (English)``, ``Most read articles by the same author(s)``, untranslated
``##locale.keys##``), running headers/footers of the PDF (journal title + volume/issue/year/page),
the article's own metadata, and its reference list.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path

from selectolax.lexbor import LexborHTMLParser as HTMLParser

from app.ingest.languages import classify_language, orthography_language, script_of
from app.ingest.records import (
    ArticleRecord,
    AuthorRecord,
    GalleyRecord,
    IssueRecord,
    JournalRecord,
    PageError,
)
from app.ingest.text import normalize_spaces, repair_line_break_hyphens, zipf_frequencies

# --------------------------------------------------------------------------- reading files


def read_page(path: Path) -> str:
    """Text of a saved page; ``PageError`` with a one-line reason when it cannot be a page.

    Encodings are not guessed: UTF-8 (with or without BOM) and BOM-marked UTF-16 are read, anything
    else is refused, because a latin-1 guess would turn Cyrillic into plausible-looking garbage.
    """
    path = Path(path)
    if not path.exists():
        raise PageError(f"no such file: {path}")
    if path.is_dir():
        raise PageError(f"is a directory, not a page file: {path}")
    try:
        data = path.read_bytes()
    except OSError as error:
        raise PageError(f"cannot read {path}: {error.strerror or error}") from error
    if not data.strip():
        raise PageError(f"empty file: {path}")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError as error:
            raise PageError(f"invalid UTF-16 despite its byte order mark: {path}") from error
    else:
        if b"\x00" in data:
            raise PageError(f"binary content (NUL bytes), not a text page: {path}")
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise PageError(
                f"not UTF-8 text (undecodable byte at {error.start}); save it as UTF-8: {path}"
            ) from error
    if _mostly_non_text(text):
        raise PageError(f"binary content (mostly control characters), not a text page: {path}")
    if not text.strip():
        raise PageError(f"empty file: {path}")
    return text


def _mostly_non_text(text: str) -> bool:
    """True when control characters dominate: a binary file that happens to decode."""
    sample = text[:4096]
    controls = sum(1 for ch in sample if ch < " " and ch not in "\n\r\t\f")
    return controls > max(8, len(sample) // 20)


# --------------------------------------------------------------------------- line shapes

_LOCALE_KEY = re.compile(r"##[A-Za-z][\w.\-]*##")
# The OJS key printed where the site logo's alt text (the journal title) should be.
_LOGO_KEY = re.compile(r"pageHeaderLogo|logo\.alt|altText", re.IGNORECASE)

_ISSN_VALUE = r"(?P<issn>\d{4}\s?[-‐–]\s?\d{3}[\dXx])"
_ISSN_LINE = re.compile(
    r"(?:(?P<before>print|printed|online|electronic|e|p|web)[\s\-]*)?ISSN"
    r"(?:\s*\((?P<inside>print|online|electronic|e|p)\))?"
    r"(?:\s*[-–(]?\s*(?P<after>print|online|electronic)\)?)?"
    r"\s*[:：]?\s*" + _ISSN_VALUE + r"(?:\s*\(?(?P<trail>print|online|electronic)\)?)?",
    re.IGNORECASE,
)

_GALLEY_FORMATS = r"PDF|HTML|XML|EPUB|JATS XML|Full[ -]?text|Полный текст|Tam mətn"
_GALLEY_LINE = re.compile(
    rf"^(?P<label>{_GALLEY_FORMATS})(?:\s*\((?P<language>[^()]{{2,40}})\))?$", re.IGNORECASE
)

# Language names printed in galley labels, in their own language, in English and in Russian.
_LANGUAGE_NAMES: dict[str, str] = {
    "english": "en", "английский": "en", "ingilis": "en", "ingiliscə": "en",
    "i̇ngilis": "en", "ingilizce": "en", "i̇ngilizce": "en", "englisch": "en",
    "russian": "ru", "русский": "ru", "rus": "ru", "rusca": "ru", "rusça": "ru",
    "russisch": "ru", "rus dili": "ru",
    "azerbaijani": "az", "azerbaijan": "az", "azərbaycan": "az", "azərbaycanca": "az",
    "azərbaycan dili": "az", "азербайджанский": "az", "azerice": "az", "azerbaycanca": "az",
    "turkish": "tr", "türkçe": "tr", "турецкий": "tr", "türk": "tr", "türk dili": "tr",
    "ukrainian": "uk", "українська": "uk", "украинский": "uk",
    "kazakh": "kk", "қазақ": "kk", "қазақша": "kk", "казахский": "kk", "қазақ тілі": "kk",
    "german": "de", "deutsch": "de", "немецкий": "de",
    "french": "fr", "français": "fr", "francais": "fr", "французский": "fr",
    "spanish": "es", "español": "es", "espanol": "es", "испанский": "es",
    "italian": "it", "italiano": "it", "итальянский": "it",
    "portuguese": "pt", "português": "pt", "portugues": "pt",
    "dutch": "nl", "nederlands": "nl", "polish": "pl", "polski": "pl", "польский": "pl",
}  # fmt: skip

# OJS section labels (default theme, en/ru/az/tr) that open a part of the page.
_SECTION_HEADINGS: dict[str, str] = {
    "abstract": "abstract", "аннотация": "abstract", "резюме": "abstract",
    "annotasiya": "abstract", "xülasə": "abstract", "özet": "abstract", "öz": "abstract",
    "references": "references", "bibliography": "references", "literature": "references",
    "литература": "references", "список литературы": "references",
    "библиографический список": "references", "ədəbiyyat": "references",
    "ədəbiyyat siyahısı": "references", "kaynaklar": "references", "kaynakça": "references",
    "keywords": "keywords", "key words": "keywords", "ключевые слова": "keywords",
    "açar sözlər": "keywords", "anahtar kelimeler": "keywords", "anahtar sözcükler": "keywords",
}  # fmt: skip
# OJS interface strings that are never article content; they end whatever part they follow.
_INTERFACE_LINES = re.compile(
    r"^(?:most read articles by the same author\(?s\)?|similar articles|"
    r"you may also start an advanced similarity search for this article\.?|"
    r"downloads|download data is not yet available\.?|how to cite|citation formats?|"
    r"more citation formats|article details|issue|section|license|copyright|"
    r"author biograph(?:y|ies)|make a submission|information|current issue|"
    r"for readers|for authors|for librarians|language|published|home|about|about the journal|"
    r"current|archives|announcements|submissions|editorial team|privacy statement|contact|"
    r"register|login|log in|search|skip to main content|skip to main navigation menu|"
    r"skip to site footer|open journal systems|platform & workflow by ojs ?/ ?pkp|"
    r"view all issues|articles|open menu|close menu|main menu|user menu|"
    r"наиболее читаемые статьи этого автора \(ов\)|похожие статьи|как цитировать|"
    r"выпуск|раздел|лицензия|опубликован|загрузки|"
    r"eyni müəllifin? ən çox oxunan məqalələri|oxşar məqalələr)$",
    re.IGNORECASE,
)

_YEAR = r"(?:1[6-9]\d{2}|20\d{2})"
_HAS_YEAR = re.compile(rf"(?<!\d){_YEAR}(?!\d)")
_DOI = re.compile(r"\b10\.\d{4,9}/\S+", re.IGNORECASE)
_INITIALS = re.compile(r"(?<!\w)[A-ZА-ЯЁ]\.\s?[A-ZА-ЯЁ]?\.?")
# How references start: "Liu M.,", "Абламуниц В.Г.", "Pei CZ,", "Pandey, Manoj", "Wang WJ (2014)",
# "Meenakshi Singh, Jyoti Rajak" — a family name then initials, or a name and a comma.
_AUTHOR_START = re.compile(
    r"^(?:[A-ZА-ЯЁ][\w'’\-]+(?:\s+[A-ZА-ЯЁ][\w'’\-]+)?"
    r"(?:,?\s+(?:[A-ZА-ЯЁ]\.\s?-?){1,3}|\s+[A-ZА-ЯЁ]{1,3}[,.\s(]|,\s*[A-ZА-ЯЁ&]))"
)
_LIST_MARKER = re.compile(r"^\s*(?:\[(?P<bracket>\d{1,3})\]|(?P<dot>\d{1,3})[.)])\s+")
_SENTENCE_BREAK = re.compile(r"[.!?]\s+[A-ZА-ЯЁ]")

# Running header/footer of the PDF: a journal-title-like text (no digits, no initials, no "//")
# and the issue numbers, e.g. "Journal 08 №02/2021 27", "27 Journal 08 №02/2021",
# "Journal. 2021. Vol. 8, No. 2. P. 27".
_TITLE_PART = r"(?P<title>[^\d/]{8,}?)"
_FOOTERS = (
    re.compile(
        rf"^(?:(?P<page0>\d{{1,4}})\s+)?{_TITLE_PART}[\s,.]+(?P<volume>\d{{1,3}})\s*"
        rf"(?:№|No\.?|N|#)\s*(?P<number>\d{{1,3}})\s*[/(,]\s*(?P<year>{_YEAR})\)?"
        r"(?:[\s,.]+(?:p\.|с\.|s\.)?\s*(?P<page>\d{1,4}))?$",
        re.IGNORECASE,
    ),
    re.compile(
        rf"^(?:(?P<page0>\d{{1,4}})\s+)?{_TITLE_PART}[,.]\s*(?P<year>{_YEAR})[,.]\s*"
        r"(?:Vol\.?|Volume|Т\.|Том|Cild)\s*(?P<volume>\d{1,3})[,.]?\s*"
        r"(?:No\.?|№|Issue|Вып\.|Выпуск|Say)\s*(?P<number>\d{1,3})"
        r"(?:[,.]\s*(?:P\.|С\.|S\.|pp?\.)?\s*(?P<page>\d{1,4}(?:\s*[-–]\s*\d{1,4})?))?\.?$",
        re.IGNORECASE,
    ),
)
# The issue as OJS prints it in breadcrumbs and the "Issue" block: "Vol. 8 No. 2 (2021)".
_ISSUE_LABEL = re.compile(
    rf"(?:Vol\.?|Volume|Т\.|Том|Cild)\s*(?P<volume>\d{{1,4}})\s*,?\s*"
    rf"(?:No\.?|Number|Issue|№|Вып\.|Say)\s*(?P<number>\d{{1,4}})\s*\((?P<year>{_YEAR})\)",
    re.IGNORECASE,
)
_PUBLISHED = re.compile(
    r"^(?:Published|Опубликован|Дата публикации|Dərc olunub|Yayınlanmış)\s*:?\s*"
    r"(?P<date>\d{4}-\d{2}-\d{2})$",
    re.IGNORECASE,
)
_AUTHORS_LABEL = re.compile(
    r"^(?:Authors?|Авторы?|Автор\(ы\)|Müəllif(?:lər)?|Yazar(?:lar)?)\s*:\s*(?P<names>.+)$",
    re.IGNORECASE,
)
_KEYWORDS_LABEL = re.compile(
    r"^(?:Keywords|Key words|Ключевые слова|Açar sözlər|Anahtar Kelimeler)\s*:\s*(?P<list>.+)$",
    re.IGNORECASE,
)


# --------------------------------------------------------------------------- classification


@dataclass
class _Line:
    """One non-blank line with what the loader decided it is."""

    text: str
    block: int
    kind: str = "text"  # text | issn | galley | footer | interface | heading | key | meta
    value: str | None = None


@dataclass
class _Page:
    lines: list[_Line] = field(default_factory=list)
    journal_titles: dict[str, str] = field(default_factory=dict)
    issn_print: str | None = None
    issn_online: str | None = None
    issue: IssueRecord | None = None
    galleys: list[GalleyRecord] = field(default_factory=list)
    published: date | None = None
    doi: str | None = None
    authors: list[AuthorRecord] = field(default_factory=list)


def issn_is_valid(issn: str) -> bool:
    """ISSN check digit (ISO 3297): a misread number must not become the journal's identifier."""
    digits = issn.replace("-", "").upper()
    if not re.fullmatch(r"\d{7}[\dX]", digits):
        return False
    total = sum(int(d) * w for d, w in zip(digits[:7], range(8, 1, -1), strict=True))
    check = (11 - total % 11) % 11
    return digits[7] == ("X" if check == 10 else str(check))


def galley_locale(name: str | None) -> str | None:
    """BCP 47 tag of a language name printed in a galley label (``Русский`` → ``ru``)."""
    if not name:
        return None
    key = normalize_spaces(name).casefold().rstrip(".")
    return _LANGUAGE_NAMES.get(key) or _LANGUAGE_NAMES.get(key.split()[0] if key else key)


def footer_match(line: str) -> re.Match[str] | None:
    """The match when ``line`` is a running PDF header/footer (journal title + issue numbers)."""
    text = normalize_spaces(line)
    for pattern in _FOOTERS:
        match = pattern.match(text)
        if match and _title_like_name(match.group("title")):
            return match
    return None


def _title_like_name(text: str) -> bool:
    """A journal name: words of letters, no initials, no citation separators."""
    text = text.strip(" ,.")
    words = text.split()
    if len(words) < 2 or "//" in text or _INITIALS.search(text):
        return False
    letters = sum(ch.isalpha() for ch in text)
    return letters >= 0.8 * len(text.replace(" ", ""))


def is_reference_like(text: str) -> bool:
    """A bibliographic reference: a year plus an author-like start, a DOI, ``//`` or page ranges."""
    text = normalize_spaces(_LIST_MARKER.sub("", text, count=1))
    if footer_match(text) or not _HAS_YEAR.search(text):
        return False
    return bool(
        _AUTHOR_START.match(text)
        or _DOI.search(text)
        or "//" in text
        or re.search(r"\d+\s*[-–]\s*\d+", text)
    )


def _is_prose(text: str) -> bool:
    """Running text (an abstract, an introduction): long, or several sentences."""
    text = normalize_spaces(text)
    if is_reference_like(text):
        return False
    return len(text) >= 200 or len(_SENTENCE_BREAK.findall(text)) >= 2


def _is_title_like(text: str) -> bool:
    """A line that can be an article title: mostly letters, a few words, not a sentence run."""
    text = normalize_spaces(text)
    words = text.split()
    if not 2 <= len(words) <= 40 or len(text) > 300 or text.endswith((":", ",", ";")):
        return False
    letters = sum(ch.isalpha() for ch in text)
    if letters < 0.6 * len(text.replace(" ", "")):
        return False
    if len(_SENTENCE_BREAK.findall(text)) > 1 or is_reference_like(text):
        return False
    return not (_DOI.search(text) or text.startswith(("http://", "https://")))


def _section_of(text: str) -> str | None:
    return _SECTION_HEADINGS.get(normalize_spaces(text).rstrip(":").casefold())


def _blocks(text: str) -> list[list[str]]:
    """Paragraphs: runs of non-blank lines separated by blank lines."""
    blocks: list[list[str]] = [[]]
    for raw in text.split("\n"):
        line = raw.strip()
        if line:
            blocks[-1].append(line)
        elif blocks[-1]:
            blocks.append([])
    return [block for block in blocks if block]


def _classify(text: str) -> _Page:
    """Label each line; collect the facts that single lines state (ISSN, galleys, footers...)."""
    page = _Page()
    repeated = Counter(
        re.sub(r"\d+", "#", normalize_spaces(line))
        for block in _blocks(text)
        for line in block
        if len(line) < 120
    )
    expect_journal_title = False
    for number, block in enumerate(_blocks(text)):
        for raw in block:
            line = _Line(normalize_spaces(raw), number)
            page.lines.append(line)
            keys = _LOCALE_KEY.findall(line.text)
            if keys:
                rest = normalize_spaces(_LOCALE_KEY.sub(" ", line.text))
                line.kind = "key"
                if any(_LOGO_KEY.search(key) for key in keys):
                    if rest:
                        _add_title(page.journal_titles, rest)
                    else:
                        expect_journal_title = True
                elif rest:
                    line.kind, line.text = "text", rest
                continue
            if expect_journal_title:
                expect_journal_title = False
                if _is_title_like(line.text):
                    line.kind = "key"
                    _add_title(page.journal_titles, line.text)
                    continue
            _classify_line(page, line, repeated)
    _separate_structure(page)
    return page


# Lines that stand alone on a page even when it has no blank lines between its parts.
_STRUCTURAL = {"heading", "interface", "galley", "issn", "key"}


def _separate_structure(page: _Page) -> None:
    """Give headings and interface lines blocks of their own, and read values they introduce.

    Pages saved without blank lines would otherwise be one paragraph; a running footer is not a
    separator, since it may sit inside a reference that a PDF page break cut in two.
    """
    block = 0
    previous: _Line | None = None
    previous_original = -1
    for line in page.lines:
        original = line.block
        if previous is None or original != previous_original:
            block += 1
        elif line.kind in _STRUCTURAL or previous.kind in _STRUCTURAL:
            block += 1
        line.block, previous_original = block, original
        if (
            previous is not None
            and previous.kind == "interface"
            and re.match(r"^(?:published|опубликован)$", previous.text, re.IGNORECASE)
        ):
            try:
                published = date.fromisoformat(line.text)
            except ValueError:
                published = None
            if published:
                line.kind = "meta"
                page.published = page.published or published
        previous = line


def _classify_line(page: _Page, line: _Line, repeated: Counter[str]) -> None:
    text = line.text
    issn = _ISSN_LINE.search(text)
    if issn and len(text) < 80:
        line.kind = "issn"
        value = re.sub(r"\s", "", issn.group("issn")).replace("‐", "-").replace("–", "-")
        value = value.upper()
        medium = next((m for m in issn.group("before", "inside", "after", "trail") if m), "")
        medium = medium.casefold()
        if issn_is_valid(value):
            if medium in {"online", "electronic", "e", "web"}:
                page.issn_online = page.issn_online or value
            elif medium in {"print", "printed", "p"}:
                page.issn_print = page.issn_print or value
            # A bare "ISSN" does not say which medium it is; it is not assigned to one.
        return
    galley = _GALLEY_LINE.match(text)
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
        _take_footer(page, footer)
        return
    if _INTERFACE_LINES.match(text):
        line.kind = "interface"
        return
    section = _section_of(text)
    if section:
        line.kind, line.value = "heading", section
        return
    published = _PUBLISHED.match(text)
    if published:
        line.kind = "meta"
        try:
            page.published = page.published or date.fromisoformat(published.group("date"))
        except ValueError:
            pass
        return
    authors = _AUTHORS_LABEL.match(text)
    if authors:
        line.kind = "meta"
        page.authors = page.authors or _authors_from_names(authors.group("names"))
        return
    issue = _ISSUE_LABEL.search(text)
    if issue and len(text) < 160 and not is_reference_like(text):
        line.kind = "meta"
        # OJS breadcrumbs ("Home / Archives / Vol. 8 No. 2 (2021) / Articles") precede the title
        line.value = "breadcrumb" if text.count("/") >= 2 else None
        page.issue = page.issue or _issue(issue)
        return
    doi = re.match(r"^(?:DOI:?\s*)?(?:https?://(?:dx\.)?doi\.org/)?(10\.\d{4,9}/\S+)$", text, re.I)
    if doi and (text.upper().startswith("DOI") or "doi.org" in text):
        line.kind = "meta"
        page.doi = page.doi or doi.group(1).rstrip(".").lower()
        return
    # The same short non-reference line several times (digits aside): a running header/footer.
    shape = re.sub(r"\d+", "#", text)
    if repeated[shape] > 1 and re.search(r"\d", text) and not is_reference_like(text):
        line.kind = "footer"


def _issue(match: re.Match[str]) -> IssueRecord:
    return IssueRecord(
        volume=str(int(match.group("volume"))),
        number=str(int(match.group("number"))),
        year=int(match.group("year")),
    )


def _take_footer(page: _Page, footer: re.Match[str]) -> None:
    """A running footer names the journal (in the PDF's language) and the issue."""
    page.issue = page.issue or _issue(footer)
    _add_title(page.journal_titles, footer.group("title").strip(" ,."))


def _add_title(titles: dict[str, str], title: str) -> None:
    language = classify_language(title) or "und"
    titles.setdefault(language, title)


def _authors_from_names(names: str) -> list[AuthorRecord]:
    """Authors from a labelled line ("Authors: Given Family, Given Family"); order kept."""
    parts = [p.strip() for p in re.split(r";|,|\s+and\s+|\s+и\s+|\s+və\s+", names) if p.strip()]
    if not parts or any(len(part.split()) < 2 for part in parts):
        return []  # "Family, Given" pairs cannot be told from two names: better none than wrong
    return [
        AuthorRecord(family=part.split()[-1], given=" ".join(part.split()[:-1])) for part in parts
    ]


# --------------------------------------------------------------------------- parts of the page


def _find_title(page: _Page) -> _Line | None:
    """The article title: the first title-like content line before the abstract or references.

    Prose at the very top of the page (before any OJS line) is skipped, never taken as a title.
    """
    journal = {t.casefold() for t in page.journal_titles.values()}
    seen_structure = False
    blocks: dict[int, list[_Line]] = {}
    lines_from = page.lines
    breadcrumb = next((ln for ln in page.lines if ln.value == "breadcrumb"), None)
    if breadcrumb is not None:
        lines_from = page.lines[page.lines.index(breadcrumb) + 1 :]
    for line in lines_from:
        blocks.setdefault(line.block, []).append(line)
    for lines in blocks.values():
        content = [line for line in lines if line.kind == "text"]
        if any(line.kind in {"galley", "heading"} for line in lines) and not content:
            if any(line.kind == "heading" and line.value != "abstract" for line in lines):
                return None
        joined = " ".join(line.text for line in content)
        if content and len(content) == len(lines) and _is_prose(joined):
            if seen_structure:
                return None
            continue
        for line in lines:
            if line.kind == "galley" or (line.kind == "heading" and line.value != "abstract"):
                return None
            if line.kind != "text":
                seen_structure = True
                continue
            if is_reference_like(line.text):
                return None
            if line.text.casefold() not in journal and _is_title_like(line.text):
                return line
            seen_structure = True
    return None


def _paragraphs_after(page: _Page, start: _Line) -> list[list[_Line]]:
    """Blocks of lines after ``start``, in order, keeping only the lines of those blocks."""
    index = page.lines.index(start)
    blocks: dict[int, list[_Line]] = {}
    for line in page.lines[index + 1 :]:
        blocks.setdefault(line.block, []).append(line)
    return list(blocks.values())


def _find_abstracts(paragraphs: list[list[_Line]]) -> tuple[list[str], int]:
    """Printed abstracts (one per language) and the index of the paragraph after them."""
    abstracts: list[str] = []
    position = 0
    after_heading = False
    for position, lines in enumerate(paragraphs):
        content = [line for line in lines if line.kind == "text"]
        headings = [line.value for line in lines if line.kind == "heading"]
        if headings and not content:
            if headings[-1] == "abstract":
                after_heading = True
                continue
            break
        if any(line.kind in {"galley", "interface"} for line in lines):
            break
        if not content:
            continue
        text = _join_lines([line.text for line in content])
        if is_reference_like(text) or not (_is_prose(text) or (after_heading and len(text) > 40)):
            if abstracts:
                return abstracts, position
            continue
        abstracts.append(text)
    else:
        position = len(paragraphs)
    return abstracts, position


def _join_lines(lines: list[str]) -> str:
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


def _find_references(paragraphs: list[list[_Line]]) -> tuple[list[str], int]:
    """References in printed order and the index of the paragraph where they end.

    They start after a references heading or at the first reference-like paragraph, and end at a
    galley link, an interface line, another section heading or a block of keyword-like lines.
    """
    references: list[str] = []
    started = False
    position = 0
    for position, lines in enumerate(paragraphs):
        if any(line.kind in {"galley", "interface"} for line in lines):
            return references, position
        heading = next((line.value for line in lines if line.kind == "heading"), None)
        if heading == "references":
            started = True
            lines = [line for line in lines if line.kind != "heading"]
        elif heading is not None and started:
            return references, position
        content = [line.text for line in lines if line.kind == "text"]
        if not content:
            continue
        if not started:
            if not is_reference_like(_join_lines(content)) and not _LIST_MARKER.match(content[0]):
                continue
            started = True
        elif _keyword_like_block(content) and not any(is_reference_like(c) for c in content):
            return references, position
        references.extend(split_references(content))
    return references, len(paragraphs)


def split_references(lines: list[str]) -> list[str]:
    """References in one paragraph: numbered items, one per line, or one wrapped reference."""
    lines = [line for line in lines if not footer_match(line)]
    if not lines:
        return []
    items: list[str] = []
    numbered = sum(1 for line in lines if _LIST_MARKER.match(line))
    for line in lines:
        marker = _LIST_MARKER.match(line)
        if numbered >= 1 and _LIST_MARKER.match(lines[0]):
            starts = marker is not None
        else:
            # a new reference only once the previous one is complete (it has its year)
            starts = not items or (
                is_reference_like(line)
                and is_reference_like(items[-1])
                and (bool(_AUTHOR_START.match(line)) or items[-1].endswith((".", ")")))
            )
        text = line[marker.end() :] if marker and numbered and starts else line
        if starts or not items:
            items.append(text)
        else:
            items[-1] = _join_lines([items[-1], text])
    return items


def _keyword_like_block(lines: list[str]) -> bool:
    """Short lines without digits or sentence punctuation: a keyword list, not references."""
    return all(
        len(line) <= 120 and not re.search(r"\d", line) and not line.endswith(".")
        for line in lines
    )


def _keyword_lines(paragraphs: list[list[_Line]], after_references: int) -> list[str]:
    """Lines of the keyword list: a ``Keywords:`` line, the block after a keywords heading, or
    else the block of keyword-like lines right after the references and galley links."""
    for index, block in enumerate(paragraphs):
        for position, line in enumerate(block):
            labelled = _KEYWORDS_LABEL.match(line.text) if line.kind == "text" else None
            if labelled:
                return [labelled.group("list")]
            if line.kind == "heading" and line.value == "keywords":
                rest = [ln.text for ln in block[position + 1 :] if ln.kind == "text"]
                if rest:
                    return rest
                following = next((b for b in paragraphs[index + 1 :] if b), [])
                return [ln.text for ln in following if ln.kind == "text"]
    for block in paragraphs[after_references:]:
        if any(line.kind in {"interface", "heading"} for line in block):
            return []
        texts = [line.text for line in block if line.kind == "text"]
        if not texts:
            continue  # galley links, footers
        if _keyword_like_block(texts) and not any(_is_prose(t) for t in texts):
            return texts
        return []
    return []


def split_keywords(lines: list[str]) -> dict[str, list[str]]:
    """Keywords by language, in printed order, from lists printed run together.

    OJS prints each language's list after the other, so one line can hold the end of one list and
    the start of the next (``immune factors inmunitarios factores``). Lines are cut where the
    script changes, or where word evidence (orthography; English word frequency) changes language.
    Keywords with no evidence of their own take the language of the list they sit in.
    """
    pieces: list[list[str]] = []
    for line in lines:
        for part in re.split(r"[;,]", line):
            words = part.split()
            if words:
                pieces.append(words)
    if not pieces:
        return {}
    latin = {w for words in pieces for w in words if script_of(w) == "Latin"}
    parts = {p for w in latin for p in w.split("-") if p}
    english = zipf_frequencies(parts, "en")

    def evidence(word: str) -> tuple[str | None, str | None]:
        script = script_of(word)
        language = orthography_language(word)
        if language is None and script == "Latin":
            halves = [p for p in word.split("-") if p]
            if halves and all(english.get(p, 0.0) >= 2.0 for p in halves):
                language = "en"
        return script, language

    segments: list[tuple[str, str | None, str | None]] = []
    for words in pieces:
        current: list[str] = []
        current_script: str | None = None
        current_language: str | None = None
        for word in words:
            script, language = evidence(word)
            cut = bool(current) and (
                script != current_script
                or (language is not None and current_language not in {None, language})
                # a word no English list knows, after English words: the next (non-English) list
                or (language is None and current_language == "en")
            )
            if cut:
                segments.append((" ".join(current), current_script, current_language))
                current, current_language = [], None
            if current and current_language is None and language is not None:
                # earlier unknown words of this piece belong with a known neighbour of their script
                current_language = language
            current.append(word)
            current_script = script
            current_language = current_language or language
        if current:
            segments.append((" ".join(current), current_script, current_language))

    resolved: list[tuple[str, str]] = []
    seen = [lang for _, _, lang in segments if lang]
    for index, (text, script, language) in enumerate(segments):
        if language is None:
            neighbours = segments[index - 1 :: -1] if index else []
            language = next((lg for _, sc, lg in neighbours if sc == script and lg), None)
            language = language or next(
                (lg for _, sc, lg in segments[index + 1 :] if sc == script and lg), None
            )
            language = language or classify_language(text, candidates=tuple(dict.fromkeys(seen)))
        resolved.append((text, language or "und"))
    keywords: dict[str, list[str]] = {}
    for text, language in resolved:
        if text not in keywords.setdefault(language, []):
            keywords[language].append(text)
    return keywords


# --------------------------------------------------------------------------- entry points


def parse_page(text: str, *, source_url: str | None = None) -> ArticleRecord:
    """Read an OJS article page (text or HTML); ``PageError`` when it is not one."""
    if not text or not text.strip():
        raise PageError("empty page")
    text = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    if _looks_like_html(text):
        return parse_html(text, source_url=source_url)
    return parse_text(text, source_url=source_url)


def _looks_like_html(text: str) -> bool:
    head = text.lstrip()[:2048].lower()
    return head.startswith(("<!doctype html", "<html", "<head", "<meta")) or (
        "<meta" in head and "citation_" in head
    )


def parse_text(text: str, *, source_url: str | None = None) -> ArticleRecord:
    """Read the text of an OJS article page; see ``parse_page``."""
    page = _classify(text)
    title_line = _find_title(page)
    if title_line is None:
        if not any(line.kind != "text" for line in page.lines):
            raise PageError("not an OJS article page: no title line, only running text")
        raise PageError("not an OJS article page: no article title found")
    title = title_line.text
    title_language = classify_language(title) or "und"

    paragraphs = _paragraphs_after(page, title_line)
    abstracts_printed, after_abstract = _find_abstracts(paragraphs)
    references, after_references = _find_references(paragraphs[after_abstract:])
    if not references and not any(line.kind != "text" for line in page.lines):
        # a heading over running text is not an article page: nothing OJS prints is there
        raise PageError(
            "not an OJS article page: no ISSN, galley, heading, locale key or references"
        )
    keyword_lines = _keyword_lines(paragraphs, after_abstract + after_references)

    as_printed: dict[str, str] = {}
    repaired: dict[str, str] = {}
    for abstract in abstracts_printed:
        language = classify_language(abstract) or "und"
        if language in as_printed:
            continue
        as_printed[language] = abstract
        repaired[language] = repair_line_break_hyphens(abstract, language)

    locales = {galley.locale for galley in page.galleys if galley.locale}
    return ArticleRecord(
        journal=JournalRecord(
            titles=page.journal_titles,
            issn_print=page.issn_print,
            issn_online=page.issn_online,
        ),
        titles={title_language: title},
        issue=page.issue,
        abstracts=repaired,
        abstracts_as_printed=as_printed,
        keywords=split_keywords(keyword_lines),
        authors=page.authors,
        galleys=page.galleys,
        references=references,
        source_url=source_url,
        ojs_article_id=_article_id(source_url),
        doi=page.doi,
        language=next(iter(locales)) if len(locales) == 1 else None,
        published=page.published,
    )


def _article_id(url: str | None) -> int | None:
    """OJS article URLs end in ``/article/view/<id>``: the id is the site's own key."""
    match = re.search(r"/article/view/(\d+)(?:/|$|\?)", url or "")
    return int(match.group(1)) if match else None


# --------------------------------------------------------------------------- HTML pages

# Block elements: each starts a new paragraph in the text view of an HTML page.
_BLOCK_TAGS = re.compile(
    r"</?(?:p|div|h[1-6]|li|section|article|header|footer|tr|ul|ol|table|nav|aside|main|dd|dt|"
    r"blockquote|figure|form)\b[^>]*>",
    re.IGNORECASE,
)


def html_to_text(html: str) -> str:
    """Visible text of an HTML page, one paragraph per block element, blank lines between."""
    html = re.sub(r"(?i)<br\s*/?>", "\n", html)
    html = _BLOCK_TAGS.sub("\n\n", html)
    tree = HTMLParser(html)
    for node in tree.css("script, style, noscript, template, head"):
        node.decompose()
    root = tree.body or tree.root
    text = root.text(separator="") if root is not None else ""
    lines = [normalize_spaces(line) for line in text.split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


@dataclass(frozen=True)
class _Meta:
    name: str
    content: str
    language: str | None


def _meta_tags(tree: HTMLParser) -> list[_Meta]:
    """``citation_*`` (Highwire) and ``DC.*`` (Dublin Core) meta tags, which OJS fills itself."""
    tags: list[_Meta] = []
    for node in tree.css("meta[name]"):
        name = (node.attributes.get("name") or "").strip()
        content = normalize_spaces(node.attributes.get("content") or "")
        if not content or not name.lower().startswith(("citation_", "dc.")):
            continue
        language = node.attributes.get("xml:lang") or node.attributes.get("lang")
        tags.append(_Meta(name.lower(), content, _bcp47(language)))
    return tags


def _bcp47(locale: str | None) -> str | None:
    """OJS locales (``en_US``, ``ru_RU``, ``az``) as BCP 47 language tags."""
    if not locale:
        return None
    return locale.replace("_", "-").split("-")[0].lower() or None


def _meta_values(tags: list[_Meta], *names: str) -> list[_Meta]:
    wanted = {name.lower() for name in names}
    return [tag for tag in tags if tag.name in wanted]


def _meta_first(tags: list[_Meta], *names: str) -> str | None:
    found = _meta_values(tags, *names)
    return found[0].content if found else None


def _meta_date(value: str | None) -> date | None:
    match = re.match(r"^(\d{4})[-/](\d{1,2})[-/](\d{1,2})", value or "")
    if not match:
        return None
    try:
        return date(*(int(part) for part in match.groups()))
    except ValueError:
        return None


def _meta_authors(tags: list[_Meta]) -> list[AuthorRecord]:
    """``citation_author`` in order; institution/ORCID tags that follow belong to that author."""
    authors: list[AuthorRecord] = []
    for tag in tags:
        if tag.name == "citation_author":
            if "," in tag.content:
                family, given = (part.strip() for part in tag.content.split(",", 1))
            else:
                *given_parts, family = tag.content.split()
                given = " ".join(given_parts)
            authors.append(AuthorRecord(family=family or None, given=given or None))
        elif authors and tag.name == "citation_author_institution":
            authors[-1] = replace(authors[-1], affiliation=authors[-1].affiliation or tag.content)
        elif authors and tag.name == "citation_author_orcid":
            orcid = re.search(r"\d{4}-\d{4}-\d{4}-\d{3}[\dX]", tag.content)
            if orcid:
                authors[-1] = replace(authors[-1], orcid=orcid.group(0))
    return authors


def _ojs_sections(tree: HTMLParser) -> dict[str, list[str]]:
    """Content of the OJS default theme's article blocks (``section.item.references`` ...)."""
    found: dict[str, list[str]] = {}
    for kind in ("abstract", "references", "keywords"):
        node = tree.css_first(f".item.{kind} .value") or tree.css_first(f".item.{kind}")
        if node is None:
            continue
        for label in node.css(".label, h2, h3"):
            label.decompose()
        paragraphs = [normalize_spaces(p.text()) for p in node.css("p")]
        if not any(paragraphs):
            paragraphs = [line for line in html_to_text(node.html or "").split("\n") if line]
        found[kind] = [p for p in paragraphs if p]
    galleys = [normalize_spaces(a.text()) for a in tree.css("a.obj_galley_link")]
    if galleys:
        found["galleys"] = galleys
    return found


def parse_html(html: str, *, source_url: str | None = None) -> ArticleRecord:
    """Read an OJS article page saved as HTML: meta tags first, the visible text for the rest."""
    tree = HTMLParser(html)
    tags = _meta_tags(tree)
    sections = _ojs_sections(tree)
    try:
        base: ArticleRecord | None = parse_text(html_to_text(html), source_url=source_url)
    except PageError:
        base = None
    titles: dict[str, str] = {}
    for tag in _meta_values(tags, "citation_title", "dc.title", "dc.title.alternative"):
        titles.setdefault(tag.language or classify_language(tag.content) or "und", tag.content)
    if not titles:
        if base is None:
            raise PageError("not an OJS article page: no citation_title meta tag and no title line")
        titles = base.titles
    base = base or ArticleRecord(journal=JournalRecord(), titles=titles)

    journal_titles = dict(base.journal.titles)
    for tag in _meta_values(tags, "citation_journal_title", "dc.source"):
        language = tag.language or classify_language(tag.content) or "und"
        journal_titles.setdefault(language, tag.content)
    journal = replace(
        base.journal,
        titles=journal_titles,
        publisher=_meta_first(tags, "citation_publisher", "dc.publisher") or base.journal.publisher,
    )

    issue = base.issue
    volume = _meta_first(tags, "citation_volume", "dc.source.volume")
    number = _meta_first(tags, "citation_issue", "dc.source.issue")
    published = _meta_date(
        _meta_first(tags, "citation_publication_date", "citation_date", "dc.date.issued")
    )
    if volume or number or published:
        issue = IssueRecord(
            volume=volume or (issue.volume if issue else None),
            number=number or (issue.number if issue else None),
            year=published.year if published else (issue.year if issue else None),
        )

    keywords: dict[str, list[str]] = {}
    for tag in _meta_values(tags, "citation_keywords", "dc.subject"):
        for keyword in (k.strip() for k in re.split(r"[;,]", tag.content)):
            language = tag.language or classify_language(keyword) or "und"
            if keyword and keyword not in keywords.setdefault(language, []):
                keywords[language].append(keyword)
    if not keywords and "keywords" in sections:
        keywords = split_keywords(sections["keywords"])

    printed: dict[str, str] = {}
    for tag in _meta_values(tags, "dc.description", "citation_abstract"):
        printed.setdefault(tag.language or classify_language(tag.content) or "und", tag.content)
    for paragraph in sections.get("abstract", []) if not printed else []:
        printed.setdefault(classify_language(paragraph) or "und", paragraph)
    printed = printed or dict(base.abstracts_as_printed)
    repaired = {lang: repair_line_break_hyphens(text, lang) for lang, text in printed.items()}

    references = [tag.content for tag in _meta_values(tags, "citation_reference")]
    references = references or sections.get("references", []) or base.references

    galleys = list(base.galleys)
    for label in sections.get("galleys", []):
        match = _GALLEY_LINE.match(label)
        if match:
            record = GalleyRecord(
                label=match.group("label").upper(), locale=galley_locale(match.group("language"))
            )
            if record not in galleys:
                galleys.append(record)
    pdf_url = _meta_first(tags, "citation_pdf_url")
    if pdf_url:
        pdf = next((g for g in galleys if g.label == "PDF"), None)
        if pdf is None:
            galleys.append(GalleyRecord(label="PDF", url=pdf_url))
        else:
            galleys[galleys.index(pdf)] = replace(pdf, url=pdf.url or pdf_url)

    first = _meta_first(tags, "citation_firstpage")
    last = _meta_first(tags, "citation_lastpage")
    pages = f"{first}-{last}" if first and last and first != last else first or base.pages
    doi = _meta_first(tags, "citation_doi", "dc.identifier.doi")
    article_language = _bcp47(_meta_first(tags, "citation_language", "dc.language"))
    locales = {g.locale for g in galleys if g.locale}
    return replace(
        base,
        journal=journal,
        titles=titles,
        issue=issue,
        abstracts=repaired,
        abstracts_as_printed=printed,
        keywords=keywords or base.keywords,
        authors=_meta_authors(tags) or base.authors,
        galleys=galleys,
        references=references,
        doi=doi.lower() if doi else base.doi,
        pages=pages,
        language=article_language
        or base.language
        or (next(iter(locales)) if len(locales) == 1 else None),
        published=published or base.published,
    )
