"""Page contexts for the public site: plain public models in, template variables out (no SQL).

Every page is shown in the reader's language (``lang=`` or ``Accept-Language``; the site never
answers 406: it falls back to the record's own language), names that language in
``Content-Language``, and links each other language version of itself (``hreflang``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from app.api.languages import LanguagePreference, lookup
from app.exporters import article_fields as af
from app.exporters import citation_catalog as catalog
from app.exporters.citation import format_article
from app.exporters.citation_styles import resolve_style
from app.exporters.meta_tags import dublin_core_tags, highwire_tags, json_ld_text
from app.exporters.registry import UnknownParameter, exporters
from app.exporters.safe_links import safe_http_url
from app.schemas import (
    ArticlePublic,
    IssuePublic,
    IssueSummary,
    JournalPublic,
    JournalSummary,
    ReferencePublic,
)
from app.site.labels import DEFAULT_UI_LANGUAGE, UI_LANGUAGES, labels, language_name
from app.site.links import public_url, site_path
from app.site.rendering import render

DEFAULT_STYLE = "apa"


@dataclass(frozen=True)
class Page:
    body: bytes
    language: str
    links: list[str] = field(default_factory=list)  # Link header values (Signposting)


@dataclass(frozen=True)
class Reader:
    """The languages a request prefers (``lang`` first), as RFC 4647 ranges."""

    ranges: tuple[str, ...] = ()
    explicit: str | None = None  # the ?lang= value, kept on the site's own links

    @classmethod
    def of(cls, preference: LanguagePreference) -> Reader:
        return cls(tuple(preference.ranges()), preference.lang)

    def pick(self, available: Iterable[str], default: str | None) -> str | None:
        return lookup(self.ranges, list(available)) or default

    def ui_language(self, content: str | None = None) -> str:
        """The reader's language when the site speaks it, else the record's, else English."""
        chosen = lookup(self.ranges, UI_LANGUAGES)
        if chosen is None and content in UI_LANGUAGES:
            chosen = content
        return chosen or DEFAULT_UI_LANGUAGE


def _language_links(path: str, available: Iterable[str], current: str, **query: Any) -> list[Any]:
    return [
        {
            "tag": tag,
            "name": language_name(tag),
            "href": site_path(path, lang=tag, **query),
            "absolute": public_url(path, lang=tag, **query),
            "current": tag == current,
        }
        for tag in dict.fromkeys(available)
    ]


def _journal_context(journal: JournalSummary | None, language: str) -> dict[str, Any] | None:
    if journal is None:
        return None
    return {
        "id": journal.id,
        "title": af.journal_title(journal, language) or "",
        "href": site_path(f"/journals/{journal.id}"),
        "archive_href": site_path(f"/journals/{journal.id}/issues"),
        "issn_print": journal.issn_print,
        "issn_online": journal.issn_online,
        "publisher": journal.publisher,
        "base_url": safe_http_url(journal.base_url),
    }


def _issue_label(issue: IssueSummary | None, ui: Mapping[str, str]) -> str:
    if issue is None:
        return ""
    parts = []
    if issue.volume:
        parts.append(f"{ui['volume']} {issue.volume}")
    if issue.number:
        parts.append(f"{ui['number']} {issue.number}")
    label = ", ".join(parts)
    if issue.year:
        label = f"{label} ({issue.year})" if label else str(issue.year)
    return label or f"{ui['issue']} {issue.id}"


def _base(
    reader: Reader,
    *,
    ui_lang: str,
    title: str,
    path: str,
    journal: JournalSummary | None,
    languages: Iterable[str],
    content_lang: str,
    **extra: Any,
) -> dict[str, Any]:
    ui = labels(ui_lang)
    offered = list(dict.fromkeys([*languages, *UI_LANGUAGES]))
    current = reader.pick(offered, None) or ui_lang
    return {
        "ui": ui,
        "page_lang": ui_lang,
        "content_lang": content_lang,
        "page_title": title,
        "canonical": public_url(path),
        "journal": _journal_context(journal, content_lang),
        "languages": _language_links(path, offered, current),
        "search_href": site_path("/search", journal=journal.id if journal else None),
        **extra,
    }


def _author_line(article: ArticlePublic) -> str:
    return ", ".join(af.display_name(a) for a in sorted(article.authors, key=lambda a: a.position))


def _toc_entry(article: ArticlePublic, reader: Reader, ui: Mapping[str, str]) -> dict[str, Any]:
    lang, title = af.pick(article.title, *reader.ranges, af.main_language(article))
    return {
        "href": site_path(f"/articles/{article.id}", lang=reader.explicit),
        "title": title or ui["untitled"],
        "lang": lang,
        "authors": _author_line(article),
        "pages": article.pages,
        "doi": article.doi,
        "doi_href": safe_http_url(af.doi_url(article.doi)),
        "galleys": [
            {"label": g.label, "href": safe_http_url(g.url), "locale": g.locale}
            for g in article.galleys
            if safe_http_url(g.url)
        ],
        "year": af.year(article),
    }


def _first_page(article: ArticlePublic) -> tuple[int, str]:
    first, _ = af.split_pages(article.pages)
    return (int(first), "") if first and first.isdigit() else (10**9, first or "")


def _citation_styles(chosen: str) -> list[dict[str, Any]]:
    names = list(dict.fromkeys([*catalog.FEATURED_STYLES, chosen]))
    by_id = {s.id: s for s in catalog.styles()}
    options = []
    for name in names:
        canonical = catalog.canonical_style(name)
        info = by_id.get(canonical or "")
        options.append(
            {"value": name, "title": info.title if info else name, "selected": name == chosen}
        )
    return options


def article_page(
    article: ArticlePublic,
    references: Sequence[ReferencePublic],
    reader: Reader = Reader(),
    *,
    style: str | None = None,
    links: Sequence[str] = (),
) -> Page:
    """The article's page: everything a reader and Google Scholar look for, in one request."""
    main = af.main_language(article)
    available = list(dict.fromkeys([*article.title, *article.abstract]))
    content_lang = reader.pick(available, main) or DEFAULT_UI_LANGUAGE
    ui_lang = reader.ui_language(content_lang)
    ui = labels(ui_lang)
    title_lang, title = af.pick(article.title, content_lang, main)
    try:
        style = resolve_style(style) if style else DEFAULT_STYLE
    except UnknownParameter:
        style = DEFAULT_STYLE
    abstract_lang, abstract = af.pick(article.abstract, content_lang, main)
    keyword_lang = reader.pick(article.keywords, None) or (
        content_lang if content_lang in article.keywords else next(iter(article.keywords), None)
    )
    path = f"/articles/{article.id}"
    context = _base(
        reader,
        ui_lang=ui_lang,
        title=title or ui["untitled"],
        path=path,
        journal=article.journal,
        languages=available,
        content_lang=content_lang,
        article=article,
        title_lang=title_lang,
        article_title=title or ui["untitled"],
        other_titles=[
            {"lang": k, "text": v} for k, v in article.title.items() if k != title_lang and v
        ],
        authors=[
            {
                "name": af.display_name(a),
                "affiliation": a.affiliation,
                "orcid": a.orcid,
                "orcid_href": safe_http_url(af.orcid_url(a.orcid)),
            }
            for a in sorted(article.authors, key=lambda a: a.position)
        ],
        issue_label=_issue_label(article.issue, ui),
        issue_href=site_path(f"/issues/{article.issue.id}", lang=reader.explicit)
        if article.issue
        else None,
        doi_href=safe_http_url(af.doi_url(article.doi)),
        source_href=safe_http_url(article.source_url),
        abstract_lang=abstract_lang,
        abstract=abstract,
        abstract_languages=[
            {"tag": k, "name": language_name(k), "href": site_path(path, lang=k)}
            for k in article.abstract
            if k != abstract_lang
        ],
        keyword_lang=keyword_lang,
        keywords=article.keywords.get(keyword_lang or "", []),
        keyword_languages=[
            {"tag": k, "name": language_name(k), "words": v}
            for k, v in article.keywords.items()
            if k != keyword_lang
        ],
        galleys=[
            {
                "label": g.label,
                "href": safe_http_url(g.url),
                "locale": g.locale,
                "language": language_name(g.locale) if g.locale else None,
            }
            for g in article.galleys
        ],
        citation=format_article(article, style=style, as_html=True, lang=title_lang),
        style=style,
        styles=_citation_styles(style),
        exports=[
            {
                "name": e.name,
                "media_type": e.media_type,
                "href": site_path(path, format=e.name),
                "description": e.description,
            }
            for e in exporters("article")
            if e.name != "html" and e.can_render(article)
        ],
        alternates=[
            {"type": e.media_type, "href": public_url(path, format=e.name)}
            for e in exporters("article")
            if e.negotiable and e.name not in ("html", "json") and e.can_render(article)
        ],
        references=[
            {
                "position": r.position,
                "raw": r.raw,
                "doi": r.doi,
                "doi_href": safe_http_url(af.doi_url(r.doi)),
            }
            for r in sorted(references, key=lambda r: r.position)
        ],
        meta=[
            *highwire_tags(article, references, lang=title_lang),
            *dublin_core_tags(article, lang=title_lang),
        ],
        json_ld=json_ld_text(article, references),
    )
    return Page(render("article.html", context), ui_lang, list(links))


def issue_page(
    issue: IssuePublic,
    journal: JournalSummary,
    articles: Sequence[ArticlePublic],
    reader: Reader = Reader(),
) -> Page:
    """An issue's table of contents: title, authors, pages, DOI and galleys per article."""
    content_lang = reader.pick(journal.title, next(iter(journal.title), None)) or "en"
    ui_lang = reader.ui_language(content_lang)
    ui = labels(ui_lang)
    label = _issue_label(issue, ui)
    ordered = sorted(articles, key=lambda a: (_first_page(a), a.id))
    context = _base(
        reader,
        ui_lang=ui_lang,
        title=f"{af.journal_title(journal, content_lang) or ''} {label}".strip(),
        path=f"/issues/{issue.id}",
        journal=journal,
        languages=list(dict.fromkeys([*journal.title, *UI_LANGUAGES])),
        content_lang=content_lang,
        issue_label=label,
        entries=[_toc_entry(a, reader, ui) for a in ordered],
    )
    return Page(render("issue.html", context), ui_lang)


def journal_page(
    journal: JournalPublic,
    issues: Sequence[IssuePublic],
    current: Sequence[ArticlePublic],
    reader: Reader = Reader(),
    *,
    archive: bool = False,
) -> Page:
    """The journal's home (about, current issue's contents) or its archive (issues by year)."""
    content_lang = reader.pick(journal.title, next(iter(journal.title), None)) or "en"
    ui_lang = reader.ui_language(content_lang)
    ui = labels(ui_lang)
    newest = sorted(issues, key=lambda i: (i.year or 0, i.id), reverse=True)
    years: dict[str, list[dict[str, Any]]] = {}
    for issue in newest:
        years.setdefault(str(issue.year or "—"), []).append(
            {
                "label": _issue_label(issue, ui),
                "href": site_path(f"/issues/{issue.id}", lang=reader.explicit),
                "count": issue.article_count,
            }
        )
    path = f"/journals/{journal.id}" + ("/issues" if archive else "")
    title = af.journal_title(journal, content_lang) or ""
    context = _base(
        reader,
        ui_lang=ui_lang,
        title=f"{title} — {ui['archive']}" if archive else title,
        path=path,
        journal=journal,
        languages=list(dict.fromkeys([*journal.title, *UI_LANGUAGES])),
        content_lang=content_lang,
        years=years,
        current_label=_issue_label(newest[0], ui) if newest else None,
        current_href=site_path(f"/issues/{newest[0].id}", lang=reader.explicit)
        if newest
        else None,
        entries=[_toc_entry(a, reader, ui) for a in sorted(current, key=_first_page)],
        article_count=journal.article_count,
        issue_count=journal.issue_count,
    )
    return Page(render("archive.html" if archive else "journal.html", context), ui_lang)


def home_page(journals: Sequence[JournalPublic], reader: Reader = Reader()) -> Page:
    ui_lang = reader.ui_language()
    ui = labels(ui_lang)
    context = _base(
        reader,
        ui_lang=ui_lang,
        title=ui["journals"],
        path="/",
        journal=None,
        languages=UI_LANGUAGES,
        content_lang=ui_lang,
        journals=[
            {
                "title": af.journal_title(j, *reader.ranges) or "",
                "href": site_path(f"/journals/{j.id}", lang=reader.explicit),
                "issue_count": j.issue_count,
                "article_count": j.article_count,
            }
            for j in journals
        ],
    )
    return Page(render("home.html", context), ui_lang)


def search_page(
    query: str | None,
    articles: Sequence[ArticlePublic],
    reader: Reader = Reader(),
    *,
    journal: JournalSummary | None = None,
    next_after: int | None = None,
) -> Page:
    ui_lang = reader.ui_language()
    ui = labels(ui_lang)
    journal_id = journal.id if journal else None
    context = _base(
        reader,
        ui_lang=ui_lang,
        title=f"{ui['search']}: {query}" if query else ui["search"],
        path="/search",
        journal=journal,
        languages=UI_LANGUAGES,
        content_lang=ui_lang,
        query=query or "",
        searched=query is not None,
        entries=[_toc_entry(a, reader, ui) for a in articles],
        next_href=site_path(
            "/search", q=query, journal=journal_id, after=next_after, lang=reader.explicit
        )
        if next_after is not None
        else None,
    )
    return Page(render("search.html", context), ui_lang)
