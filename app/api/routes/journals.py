"""Journal and issue resources."""

from __future__ import annotations

from typing import Annotated

import orjson
from fastapi import APIRouter, Path, Query, Request, Response

from app.api.deps import PagingDep, SessionDep
from app.api.includes import (
    MAX_CITED_ITEMS,
    Complete,
    IncludeListQuery,
    ItemFieldsQuery,
    checked_includes,
    compose_items,
)
from app.api.languages import LanguageDep
from app.api.params import IdQuery, YearQuery, checked_list, choice_list_schema
from app.api.responses import model_json
from app.api.routes.site import (
    HTML_PAGE_RESPONSES,
    SiteFormatQuery,
    html_wanted,
    issue_html,
    journal_home,
)
from app.errors import PROBLEM_RESPONSES, ProblemError, invalid_parameter
from app.pagination import MAX_LIMIT
from app.schemas import IssueDetail, IssuePublic, JournalDetail, JournalPublic, Page
from app.services import articles as article_service
from app.services import journals as journal_service

journals_router = APIRouter(prefix="/journals", tags=["journals"], responses=PROBLEM_RESPONSES)
issues_router = APIRouter(prefix="/issues", tags=["issues"], responses=PROBLEM_RESPONSES)
JournalId = Annotated[int, Path(ge=1, le=2**31 - 1, description="Journal id.", examples=[1])]
IssueId = Annotated[int, Path(ge=1, le=2**31 - 1, description="Issue id.", examples=[1])]


@journals_router.get("", summary="List journals", response_model=Page[JournalPublic])
def list_journals(session: SessionDep, paging: PagingDep, response: Response) -> Response:
    """Journals in id order, with titles by language, ISSNs and counts."""
    items, next_key = journal_service.list_journals(
        session=session, limit=paging.limit, after=paging.after()
    )
    page = Page[JournalPublic](items=items, next_cursor=paging.next_cursor(next_key, response))
    return model_json(page, response)


@journals_router.get(
    "/{journal_id}",
    summary="Get one journal",
    response_model=JournalDetail,
    responses=HTML_PAGE_RESPONSES,
)
def get_journal(
    journal_id: JournalId,
    request: Request,
    session: SessionDep,
    language: LanguageDep,
    format: SiteFormatQuery = None,
    include: Annotated[
        str | None,
        Query(
            max_length=40,
            description="`issues` embeds every issue of the journal (as `/issues?journal=`), "
            "for an archive in one request.",
            examples=["issues"],
            json_schema_extra=choice_list_schema(["issues"]),
        ),
    ] = None,
) -> Response:
    """One journal with its issue and article counts; for browsers, the journal's home page."""
    # Checked whatever the format: an HTML page ignores include=, but a bad one is still a 422.
    with_issues = "issues" in checked_list(include, "include", ("issues",))
    if html_wanted(request, format):
        return journal_home(journal_id, session, language, archive=False)
    journal = journal_service.get_journal(session=session, journal_id=journal_id)
    if journal is None:
        raise ProblemError(404, f"No journal with id {journal_id}.", title="Journal not found")
    if not with_issues:
        return model_json(journal)
    issues, _next = journal_service.list_issues(
        session=session, limit=MAX_LIMIT, journal=journal_id
    )
    return model_json(JournalDetail(**journal.model_dump(), issues=issues))


@issues_router.get("", summary="List issues", response_model=Page[IssuePublic])
def list_issues(
    session: SessionDep,
    paging: PagingDep,
    response: Response,
    journal: Annotated[IdQuery, Query(description="Journal id.")] = None,
    year: YearQuery = None,
) -> Response:
    """Issues in id order, each with its article count."""
    items, next_key = journal_service.list_issues(
        session=session, limit=paging.limit, journal=journal, year=year, after=paging.after()
    )
    page = Page[IssuePublic](items=items, next_cursor=paging.next_cursor(next_key, response))
    return model_json(page, response)


@issues_router.get(
    "/{issue_id}",
    summary="Get one issue with its articles",
    response_model=IssueDetail,
    responses=HTML_PAGE_RESPONSES,
)
def get_issue(
    issue_id: IssueId,
    request: Request,
    session: SessionDep,
    language: LanguageDep,
    format: SiteFormatQuery = None,
    include: IncludeListQuery = None,
    fields: ItemFieldsQuery = None,
) -> Response:
    """The issue, its journal and its articles; for browsers, its table of contents page.

    `include=` (authors, keywords, references, `citation:<style>`) and `fields=` (any article
    field) shape the articles: `fields=id,title,authors,pages,doi,galleys` is the table of
    contents in one request, in a fixed number of statements.
    """
    includes = checked_includes(include, fields)  # checked whatever the format, as above
    if html_wanted(request, format):
        return issue_html(issue_id, session, language)
    issue = journal_service.get_issue(session=session, issue_id=issue_id)
    if issue is None:
        raise ProblemError(404, f"No issue with id {issue_id}.", title="Issue not found")
    if not (includes.fields or includes.complete):
        return model_json(issue)
    if includes.styles and len(issue.articles) > MAX_CITED_ITEMS:
        raise invalid_parameter("include", f"citations for at most {MAX_CITED_ITEMS} articles")
    documents = {}
    if includes.complete:
        found = article_service.complete_articles(
            session=session,
            article_ids=[article.id for article in issue.articles],
            references=includes.references,
        )
        documents = {
            article_id: Complete(
                article.model_dump(mode="json"),
                [r.model_dump(mode="json") for r in refs] if includes.references else None,
            )
            for article_id, (article, refs) in found.items()
        }
    document = issue.model_dump(mode="json")
    document["articles"] = compose_items(
        document["articles"], documents, includes, language.lang
    )
    return Response(orjson.dumps(document), media_type="application/json")
