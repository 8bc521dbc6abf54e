"""Facts every format derives the same way from an article (main language, pages, DOI URL, ISSNs).

Keeping them here means BibTeX, JATS and Crossref can never disagree about, say, the first page.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from app.schemas import ArticleAuthor, ArticlePublic, JournalSummary

DOI_RESOLVER = "https://doi.org/"


def main_language(article: ArticlePublic) -> str | None:
    """The language the article is presented in: its full-text language when a title exists in it,
    else the first printed title language (OJS prints the primary locale first)."""
    if article.language and article.language in article.title:
        return article.language
    if article.title:
        return next(iter(article.title))
    return article.language


def pick(values: Mapping[str, str], *preferred: str | None) -> tuple[str | None, str | None]:
    """(language, text) of the first preferred language present, else the first entry."""
    for lang in preferred:
        if lang and values.get(lang):
            return lang, values[lang]
    for lang, text in values.items():
        if text:
            return lang, text
    return None, None


def main_title(article: ArticlePublic) -> tuple[str | None, str | None]:
    return pick(article.title, main_language(article))


def other_titles(article: ArticlePublic) -> dict[str, str]:
    """Titles in languages other than the main one, in printed order (for trans-title etc.)."""
    lang, _ = main_title(article)
    return {k: v for k, v in article.title.items() if k != lang and v}


def journal_title(journal: JournalSummary, *preferred: str | None) -> str | None:
    return pick(journal.title, *preferred)[1]


def doi_url(doi: str | None) -> str | None:
    return f"{DOI_RESOLVER}{doi}" if doi else None


_PAGE_SPLIT = re.compile(r"\s*[-–—]+\s*")


def split_pages(pages: str | None) -> tuple[str | None, str | None]:
    """First and last page of a range such as ``45-52`` or ``45–52``; a single page has no last."""
    if not pages or not pages.strip():
        return None, None
    parts = [p for p in _PAGE_SPLIT.split(pages.strip()) if p]
    if not parts:
        return None, None
    first = parts[0]
    last = parts[-1] if len(parts) > 1 else None
    return first, last


def issns(journal: JournalSummary) -> list[tuple[str, str]]:
    """(media, ISSN) pairs, print first, as Crossref and JATS label them."""
    found: list[tuple[str, str]] = []
    if journal.issn_print:
        found.append(("print", journal.issn_print))
    if journal.issn_online:
        found.append(("electronic", journal.issn_online))
    return found


def year(article: ArticlePublic) -> int | None:
    if article.published:
        return article.published.year
    if article.issue and article.issue.year:
        return article.issue.year
    return None


def pdf_url(article: ArticlePublic) -> str | None:
    """URL of the PDF galley, if the page listed one."""
    for galley in article.galleys:
        if galley.url and "pdf" in galley.label.lower():
            return galley.url
    return None


def display_name(author: ArticleAuthor) -> str:
    """``Given Family`` for people reading a page; whichever part exists otherwise."""
    return " ".join(p for p in (author.given, author.family) if p)


def inverted_name(author: ArticleAuthor) -> str:
    """``Family, Given`` as bibliographic formats expect."""
    if author.family and author.given:
        return f"{author.family}, {author.given}"
    return author.family or author.given or ""


def orcid_url(orcid: str | None) -> str | None:
    if not orcid:
        return None
    return orcid if orcid.startswith("http") else f"https://orcid.org/{orcid}"


def keywords_in(article: ArticlePublic, lang: str | None) -> list[str]:
    if lang and lang in article.keywords:
        return list(article.keywords[lang])
    return []
