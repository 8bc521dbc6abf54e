"""How one article is answered, whichever route asked (by id, by DOI, the hot route ahead of the
router, a write's response): from its stored documents when they are current (one primary-key
lookup, nothing parsed in the common case), else rendered from its rows; in JSON or in any export
format; 404, or 410 for a deleted article."""

from __future__ import annotations

from collections.abc import Sequence

import orjson
from fastapi import Response
from sqlmodel import Session
from starlette.concurrency import run_in_threadpool

from app.api.deps import Reads
from app.api.includes import Includes, checked_includes, citations
from app.api.languages import LanguagePreference, localized_text, mark_language
from app.api.negotiation import ExportRequest, is_default_json, rendered
from app.api.params import checked_list
from app.api.routes.site import article_html, article_signposts, stored_signposts
from app.errors import ProblemError
from app.exporters import Negotiated
from app.schemas import ArticlePublic
from app.services import articles as article_service
from app.services import changes as change_service
from app.services.documents import (
    StoredArticle,
    compose_article,
    render_article,
    render_reference_list,
)

ARTICLE_FIELDS = tuple(ArticlePublic.model_fields)


def not_found(
    article_id: int | None, doi: str | None = None, *, session: Session | None = None
) -> ProblemError:
    """404, or 410 when the article was deleted (its tombstone says when)."""
    if session is not None:
        tombstone = (
            change_service.tombstone_of_doi(session=session, doi=doi)
            if doi is not None
            else change_service.get_tombstone(session=session, article_id=article_id or 0)
        )
        if tombstone is not None:
            return ProblemError(
                410,
                f"Article {tombstone.article_id} was deleted.",
                title="Article deleted",
                article_id=tombstone.article_id,
                deleted_at=tombstone.deleted_at.isoformat(),
            )
    what = f"DOI {doi}" if doi is not None else f"id {article_id}"
    return ProblemError(404, f"No article with {what}.", title="Article not found")


def _article_json(
    body: str,
    etag: str | None,
    fields: Sequence[str],
    references: str | None,
    language: LanguagePreference,
    styles: Sequence[str] = (),
) -> Response:
    """The answer from an article's JSON (stored, or rendered from its rows just now)."""
    headers = {"Vary": "Accept"}
    text = compose_article(body, references=references)
    if styles:
        cited = citations(ArticlePublic.model_validate_json(body), styles, language.lang)
        text = text[:-1] + ',"citations":' + orjson.dumps(cited).decode() + "}"
        fields = [*fields, "citations"] if fields else fields
    if fields and references is not None:
        fields = [*fields, "references"]  # fields= never removes an included part
    localized, served = localized_text(text, language, what="article", fields=fields)
    if etag is not None and references is None and not styles and not fields and not (
        language.asked
    ):
        headers["ETag"] = etag  # the stored document as it is: its stored ETag holds
    response = Response(localized, media_type="application/json", headers=headers)
    mark_language(response, served)
    return response


def stored_json(
    stored: StoredArticle,
    fields: Sequence[str],
    language: LanguagePreference,
    styles: Sequence[str],
) -> Response:
    """The answer from an article's stored documents. As stored (the common case), nothing is
    parsed: the body, its ETag, its language and its Link header were all stored together."""
    if fields or styles or language.asked:
        response = _article_json(
            stored.body, stored.etag, fields, stored.reference_list, language, styles
        )
    else:
        headers = {"Vary": "Accept, Accept-Language"}
        if stored.language:
            headers["Content-Language"] = stored.language
        if stored.reference_list is None:
            headers["ETag"] = stored.etag
        text = compose_article(stored.body, references=stored.reference_list)
        response = Response(text, media_type="application/json", headers=headers)
    response.headers["Link"] = stored_signposts(stored.article_id, stored.signposts)
    return response


async def article_in_format(
    export: ExportRequest,
    reads: Reads,
    fields: str | None,
    include: str | None,
    language: LanguagePreference,
    *,
    article_id: int | None = None,
    doi: str | None = None,
) -> Response:
    chosen = export.choose("article")
    as_json = is_default_json(chosen)
    chosen_fields = checked_list(fields, "fields", ARTICLE_FIELDS)
    includes = checked_includes(include, None)
    if as_json:
        # The hot path: the stored documents, one primary-key lookup, on the event loop.
        stored = await reads.stored_article(
            article_id=article_id, doi=doi, references=includes.references
        )
        if stored is not None:
            if includes.styles:  # formatting citations is CPU work: off the event loop
                return await run_in_threadpool(
                    stored_json, stored, chosen_fields, language, includes.styles
                )
            return stored_json(stored, chosen_fields, language, ())
    # No current stored document (missing, deleted, or rows older than the renderer), or
    # another format: build from the rows, in the thread pool (exports can be CPU-heavy).
    return await run_in_threadpool(
        _article_from_rows, chosen, reads, chosen_fields, includes, language, export.style,
        article_id, doi,
    )  # fmt: skip


def _article_from_rows(
    chosen: Negotiated,
    reads: Reads,
    fields: Sequence[str],
    includes: Includes,
    language: LanguagePreference,
    style: str | None,
    article_id: int | None,
    doi: str | None,
) -> Response:
    as_json = is_default_json(chosen)
    with reads.session() as session:
        found = article_service.find_article(
            session=session,
            article_id=article_id,
            doi=doi,
            references=not as_json or includes.references,
        )
        if found is None:
            raise not_found(article_id, doi, session=session)
    article, references = found
    signposts = article_signposts(article)
    if as_json:
        listed = render_reference_list(references) if includes.references else None
        response = _article_json(
            render_article(article), None, fields, listed, language, includes.styles
        )
    elif chosen.exporter.name == "html":
        response = article_html(article, references, language, style=style)
    else:
        return rendered(
            chosen, "article", article, references=references, filename=f"article-{article.id}"
        )
    response.headers["Link"] = signposts
    return response
