"""Open Journal Systems (OJS) article page → ``ArticleRecord``, for any OJS journal.

Pure: no database, no HTTP. The input is the text of an article page (as saved from a browser or
extracted from a PDF-backed page) or its HTML. Every value comes from the page: where the page is
silent the record is silent too. The steps, one module each:

- ``reading``: bytes → text (size limit, UTF-8/UTF-16 only, UTF-7 and mojibake refused);
- ``lines``: text → classified lines and blocks (``labels`` in every OJS locale, ``shapes``);
- ``fields`` / ``authors`` / ``keywords``: blocks → title, authors, abstracts, references, keywords;
- ``kinds``: landing page, full-text view, PDF viewer stub or table of contents;
- ``html``: HTML of any theme (meta tags, then the visible blocks, then the text reader);
- ``identity``: what the page's address says (journal path and URL, article id).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from app.ingest.languages import classify_language
from app.ingest.ojs_page.html import html_to_text, looks_like_html, parse_html
from app.ingest.ojs_page.identity import PageAddress, parse_address
from app.ingest.ojs_page.keywords import split_keywords
from app.ingest.ojs_page.kinds import FULL_TEXT
from app.ingest.ojs_page.reading import DEFAULT_MAX_PAGE_BYTES, decode_page, read_page
from app.ingest.ojs_page.shapes import (
    footer_match,
    galley_locale,
    is_reference_like,
    issn_is_valid,
)
from app.ingest.ojs_page.text_page import parse_text
from app.ingest.records import ArticleRecord, PageError

__all__ = [
    "DEFAULT_MAX_FIELD_CHARS",
    "DEFAULT_MAX_PAGE_BYTES",
    "PageLimits",
    "decode_page",
    "footer_match",
    "galley_locale",
    "html_to_text",
    "is_reference_like",
    "issn_is_valid",
    "parse_page",
    "read_page",
    "split_keywords",
]

DEFAULT_MAX_FIELD_CHARS = 20_000


@dataclass(frozen=True)
class PageLimits:
    """Bounds on what one page may put in the database (``LOAD_MAX_FIELD_CHARS``)."""

    max_field_chars: int = DEFAULT_MAX_FIELD_CHARS


def parse_page(
    text: str,
    *,
    source_url: str | None = None,
    journal_name: str | None = None,
    limits: PageLimits | None = None,
) -> ArticleRecord:
    """Read an OJS article page (text or HTML); ``PageError`` when it is not one.

    The journal is what the page names (title, ISSN, meta tags); else the journal path of its
    address (``source_url`` or the URL an HTML page declares); else ``journal_name``.
    """
    if not text or not text.strip():
        raise PageError("empty page")
    text = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    if looks_like_html(text):
        record = parse_html(text, source_url=source_url)
    else:
        record = parse_text(text, source_url=source_url)
    record = _with_identity(record, journal_name)
    check_limits(record, limits or PageLimits())
    return record


def _with_identity(record: ArticleRecord, journal_name: str | None) -> ArticleRecord:
    address = parse_address(record.source_url)
    journal = record.journal
    if address is not None and address.journal_url:
        journal = replace(journal, base_url=journal.base_url or address.journal_url)
    if not journal.titles and journal_name and journal_name.strip():
        name = " ".join(journal_name.split())
        language = (classify_language(name) if len(name) >= 12 else None) or "und"
        journal = replace(journal, titles={language: name})
    source_url = record.source_url
    if address is not None and record.page_kind == FULL_TEXT:
        source_url = _landing_url(address) or source_url
    return replace(
        record,
        journal=journal,
        source_url=source_url,
        ojs_article_id=record.ojs_article_id or (address.article_id if address else None),
    )


def _landing_url(address: PageAddress) -> str | None:
    """``…/article/view/<id>`` for a galley's address: the article it belongs to."""
    if address.journal_url is None or address.article_id is None or "?" in address.journal_url:
        return None
    return f"{address.journal_url}/article/view/{address.article_id}"


def check_limits(record: ArticleRecord, limits: PageLimits) -> None:
    """``PageError`` naming the first field longer than ``limits`` allows."""
    limit = limits.max_field_chars
    fields: list[tuple[str, str]] = [
        *((f"title ({lang})", text) for lang, text in record.titles.items()),
        *((f"abstract ({lang})", text) for lang, text in record.abstracts_as_printed.items()),
        *(
            (f"keyword ({lang})", term)
            for lang, terms in record.keywords.items()
            for term in terms
        ),
        *((f"reference {n}", raw) for n, raw in enumerate(record.references, start=1)),
        *(
            (f"author {n}", f"{a.given or ''} {a.family or ''} {a.affiliation or ''}")
            for n, a in enumerate(record.authors, start=1)
        ),
        *((f"journal title ({lang})", text) for lang, text in record.journal.titles.items()),
    ]
    for name, value in fields:
        if len(value) > limit:
            raise PageError(
                f"{name} is {len(value):,} characters, over the {limit:,} limit "
                "(LOAD_MAX_FIELD_CHARS)"
            )
