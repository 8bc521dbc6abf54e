"""The public site's own routes: home, a journal's archive, search, sitemap.xml, static assets, and
the article linkset. Article, journal and issue pages are the HTML of their API resources
(``Accept: text/html`` or ``?format=html``), so each thing has one URL."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query, Request, Response
from fastapi.responses import RedirectResponse

from app.api.deps import SessionDep
from app.api.languages import LanguageDep, LanguagePreference, mark_language
from app.api.params import IdQuery, checked_search
from app.config import get_settings
from app.errors import PROBLEM_RESPONSES, ProblemError
from app.exporters.registry import parse_accept
from app.exporters.signposting import (
    LINKSET_JSON,
    LINKSET_TEXT,
    filled_link_header,
    link_template,
    linkset_json,
    linkset_text,
)
from app.exporters.xml_building import xml_safe_model, xml_safe_models
from app.pagination import MAX_LIMIT
from app.schemas import ArticlePublic, IssuePublic, Page, ReferencePublic
from app.services import articles as article_service
from app.services import journals as journal_service
from app.services import sitemap as sitemap_service
from app.site import pages
from app.site.links import public_url
from app.site.rendering import render, static_file

router = APIRouter(tags=["site"], responses=PROBLEM_RESPONSES)
HTML = "text/html; charset=utf-8"
SEARCH_PAGE_SIZE = 20
SiteFormatQuery = Annotated[
    Literal["json", "html"] | None,
    Query(description="`html` for the public site's page, `json` for the API (default: Accept)."),
]
# The resources that are also site pages answer HTML to browsers and ?format=html.
HTML_PAGE_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "JSON, or the public site's page for `Accept: text/html` or "
        "`?format=html`.",
        "content": {"text/html": {"schema": {"type": "string"}}},
    }
}
STATIC_TYPES = {
    "site.css": "text/css; charset=utf-8",
    "widget.js": "text/javascript; charset=utf-8",
    "favicon.svg": "image/svg+xml",
}


def html_wanted(request: Request, format: str | None) -> bool:
    """``?format=`` wins; else HTML when Accept ranks text/html above application/json (a
    browser does; curl's and fetch's ``*/*`` get JSON)."""
    if format is not None:
        return format == "html"
    ranges = parse_accept(request.headers.get("accept") or "")
    best = {"text/html": (0.0, -1), "application/json": (0.0, -1)}
    for media_range in ranges:
        for media_type in best:
            if media_range.matches(media_type) and media_range.specificity > best[media_type][1]:
                best[media_type] = (media_range.q, media_range.specificity)
    return best["text/html"][0] > best["application/json"][0]


def html_response(page: pages.Page, *, status: int = 200) -> Response:
    response = Response(page.body, status_code=status, media_type=HTML)
    response.headers["Vary"] = "Accept"
    if page.links:
        response.headers["Link"] = ", ".join(page.links)
    mark_language(response, [page.language])
    return response


def article_signposts(article: ArticlePublic) -> str:
    """The Signposting ``Link`` header of an article's page and JSON."""
    return stored_signposts(article.id, link_template(article))


def stored_signposts(article_id: int, template: str) -> str:
    """The Signposting header from the template stored with an article's document."""
    landing = public_url(f"/articles/{article_id}")
    return filled_link_header(template, landing, get_settings().license_url)


def article_html(
    article: ArticlePublic,
    references: Sequence[ReferencePublic],
    language: LanguagePreference,
    *,
    style: str | None,
) -> Response:
    """The article's page on the public site, in the reader's language."""
    article, references = xml_safe_model(article), xml_safe_models(references)
    return html_response(
        pages.article_page(article, references, pages.Reader.of(language), style=style)
    )


@router.get("/", summary="The site's home", include_in_schema=False)
def home(request: Request, session: SessionDep, language: LanguageDep) -> Response:
    """Browsers get the journals (or the only journal's home); API clients a map of resources."""
    if not html_wanted(request, None):
        return Response(
            b'{"articles":"/articles","journals":"/journals","issues":"/issues",'
            b'"references":"/references","authors":"/authors","keywords":"/keywords",'
            b'"styles":"/styles","locales":"/locales","docs":"/docs","openapi":"/openapi.json"}',
            media_type="application/json",
            headers={"Vary": "Accept"},
        )
    journals, _next = journal_service.list_journals(session=session, limit=2)
    if len(journals) == 1:
        target = public_url(f"/journals/{journals[0].id}", lang=language.lang)
        return RedirectResponse(target, status_code=302, headers={"Vary": "Accept"})
    journals, _next = journal_service.list_journals(session=session, limit=MAX_LIMIT)
    return html_response(pages.home_page(journals, pages.Reader.of(language)))


def journal_home(journal_id: int, session: SessionDep, language: LanguageDep, *, archive: bool
                 ) -> Response:
    journal = journal_service.get_journal(session=session, journal_id=journal_id)
    if journal is None:
        raise ProblemError(404, f"No journal with id {journal_id}.", title="Journal not found")
    issues, _next = journal_service.list_issues(
        session=session, limit=MAX_LIMIT, journal=journal_id
    )
    current: list = []
    if issues and not archive:
        newest = max(issues, key=lambda i: (i.year or 0, i.id))
        current = journal_service.issue_articles(session=session, issue_id=newest.id)
    page = pages.journal_page(journal, issues, current, pages.Reader.of(language), archive=archive)
    return html_response(page)


def issue_html(issue_id: int, session: SessionDep, language: LanguageDep) -> Response:
    found = journal_service.issue_with_journal(session=session, issue_id=issue_id)
    if found is None:
        raise ProblemError(404, f"No issue with id {issue_id}.", title="Issue not found")
    issue, journal = found
    articles = journal_service.issue_articles(session=session, issue_id=issue_id)
    return html_response(pages.issue_page(issue, journal, articles, pages.Reader.of(language)))


@router.get(
    "/journals/{journal_id}/issues",
    summary="A journal's issues (its archive)",
    response_model=Page[IssuePublic],
    responses=HTML_PAGE_RESPONSES,
)
def journal_issues(
    journal_id: Annotated[
        int, Path(ge=1, le=2**31 - 1, description="Journal id.", examples=[1])
    ],
    request: Request,
    session: SessionDep,
    language: LanguageDep,
    format: SiteFormatQuery = None,
) -> Response:
    """Every issue of the journal (as `/issues?journal=`), or its archive page for browsers."""
    if html_wanted(request, format):
        return journal_home(journal_id, session, language, archive=True)
    if journal_service.get_journal(session=session, journal_id=journal_id) is None:
        raise ProblemError(404, f"No journal with id {journal_id}.", title="Journal not found")
    issues, _next = journal_service.list_issues(
        session=session, limit=MAX_LIMIT, journal=journal_id
    )
    body = Page[IssuePublic](items=issues).model_dump_json()
    return Response(body, media_type="application/json", headers={"Vary": "Accept"})


@router.get("/search", summary="The site's search page", include_in_schema=False)
def search(
    session: SessionDep,
    language: LanguageDep,
    q: Annotated[str | None, Query(max_length=500)] = None,
    journal: Annotated[IdQuery, Query(description="Journal id.")] = None,
    after: Annotated[IdQuery, Query(description="Continue after this article id.")] = None,
) -> Response:
    """Articles holding every word, a page at a time (the API's `/articles?q=` for people)."""
    reader = pages.Reader.of(language)
    journal_summary = None
    if journal is not None:
        found = journal_service.get_journal(session=session, journal_id=journal)
        journal_summary = found
    query = q.strip() if q else None
    if not query:
        return html_response(pages.search_page(None, [], reader, journal=journal_summary))
    checked_search(query)
    filters = article_service.ArticleFilters(q=query, journal=journal)
    dialect = session.get_bind().dialect.name
    articles, more, _total = article_service.article_page(
        session=session, conditions=filters.conditions(dialect), after=after,
        limit=SEARCH_PAGE_SIZE,
    )
    next_after = articles[-1].id if more and articles else None
    page = pages.search_page(
        query, articles, reader, journal=journal_summary, next_after=next_after
    )
    return html_response(page)


@router.get("/sitemap.xml", summary="Sitemap for search engines", include_in_schema=False)
def sitemap(session: SessionDep) -> Response:
    """Every journal, issue and article page, with the article's last change (sitemaps.org)."""
    entries = [
        {"loc": public_url(path), "lastmod": lastmod}
        for path, lastmod in sitemap_service.site_paths(session=session)
    ]
    body = render("sitemap.xml", {"entries": entries})
    return Response(body, media_type="application/xml")


@router.get("/static/{name}", summary="Site assets", include_in_schema=False)
def static(name: Annotated[str, Path(max_length=40)]) -> Response:
    """The stylesheet (ours, or SITE_STYLESHEET) and the embeddable widget."""
    media_type = STATIC_TYPES.get(name)
    if media_type is None:
        raise ProblemError(404, f"No asset named {name!r}.", title="Not found")
    return Response(static_file(name), media_type=media_type)


@router.get(
    "/articles/{article_id}/linkset",
    summary="The article's Signposting linkset (RFC 9264)",
    tags=["articles"],
    responses={200: {"content": {LINKSET_JSON: {}, LINKSET_TEXT: {}}}},
)
def article_linkset(
    article_id: Annotated[
        int, Path(ge=1, le=2**31 - 1, description="Article id.", examples=[1])
    ],
    request: Request,
    session: SessionDep,
) -> Response:
    """Typed links of the article's landing page (cite-as, author, describedby, item, license,
    type) and the reverse links of its items and records. `Accept: application/linkset` for the
    text form; JSON otherwise."""
    found = article_service.find_article(session=session, article_id=article_id)
    if found is None:
        raise ProblemError(404, f"No article with id {article_id}.", title="Article not found")
    article, _references = found
    landing = public_url(f"/articles/{article.id}")
    license_url = get_settings().license_url
    ranges = parse_accept(request.headers.get("accept") or "")
    text_q = max((r.q for r in ranges if r.matches(LINKSET_TEXT) and r.specificity == 2),
                 default=0.0)
    json_q = max((r.q for r in ranges if r.matches(LINKSET_JSON)), default=0.01)
    if text_q > json_q:
        body, media_type = linkset_text(article, landing, license_url=license_url), LINKSET_TEXT
    else:
        body, media_type = linkset_json(article, landing, license_url=license_url), LINKSET_JSON
    return Response(body, media_type=media_type, headers={"Vary": "Accept"})
