"""Store one parsed article page: one transaction, upserts on natural keys, nothing half-written.

A second load of the same page (same ``source_url``) updates that article in place; an identical
reload changes nothing, not even ``updated_at``, so caches and harvesters see no false change.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

from sqlalchemy import delete, insert, update
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from app.ingest.ojs_page.identity import journal_url_key
from app.ingest.records import ArticleRecord, AuthorRecord, IssueRecord, JournalRecord
from app.ingest.references import parse_reference
from app.models import (
    Article,
    ArticleAuthor,
    ArticleText,
    ArticleTombstone,
    Author,
    Galley,
    Issue,
    Journal,
    JournalIdentifier,
    Keyword,
    Reference,
    row_id,
    utcnow,
)
from app.search import delete_documents, document, fold_spaces, replace_documents
from app.services.changes import fresh_article_id, lock_writes, record_change
from app.services.documents import mark_articles

LoadStatus = Literal["created", "updated", "unchanged"]


@dataclass(frozen=True)
class LoadResult:
    article_id: int
    status: LoadStatus
    references: int


def journal_identifiers(journal: JournalRecord) -> list[str]:
    """Every identifier a page gives its journal, strongest first: ISSNs, address, titles."""
    keys = [f"issn:{issn}" for issn in (journal.issn_print, journal.issn_online) if issn]
    if journal.base_url:
        keys.append(f"url:{journal_url_key(journal.base_url)}")
    keys += [f"title:{fold_spaces(title)}" for title in journal.titles.values() if title.strip()]
    return list(dict.fromkeys(keys))


def journal_key(journal: JournalRecord) -> str:
    keys = journal_identifiers(journal)
    if not keys:
        raise ValueError(
            "the page names no journal (no title, ISSN or journal address): "
            "give its address with --url or the journal's name with --journal"
        )
    return keys[0]


def source_key(record: ArticleRecord, journal: str | None = None) -> str:
    """The article's natural key: its URL, or a stable URN from journal and title when unknown.

    ``journal`` is the stored journal's key, so that pages naming the journal differently
    (one by ISSN, one by title) still give the same article the same key.
    """
    if record.source_url:
        return record.source_url
    title = fold_spaces(next(iter(record.titles.values()), ""))
    journal = journal or journal_key(record.journal)
    digest = hashlib.sha256(f"{journal}\n{title}".encode()).hexdigest()[:24]
    return f"urn:article:{digest}"


def record_hash(record: ArticleRecord) -> str:
    data = json.dumps(dataclasses.asdict(record), sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(data.encode()).hexdigest()


def _upsert_journal(
    session: Session, record: JournalRecord, *, known: int | None = None
) -> Journal:
    """The journal the page names, created with what is known or completed with what it adds.

    Any identifier finds it (an ISSN, the journal's address, a title), so two pages of one
    journal never make two journals; identifiers already held by another journal stay there.
    ``known`` is the journal of the article the page describes, when that is already stored.
    """
    keys = journal_identifiers(record)
    if not keys:
        journal_key(record)  # raises the one-line reason
    held = {
        row.key: row.journal_id
        for row in session.exec(
            select(JournalIdentifier).where(col(JournalIdentifier.key).in_(keys))
        )
    }
    owner = next((held[key] for key in keys if key in held), known)
    journal = session.get(Journal, owner) if owner is not None else None
    if journal is None:
        journal = Journal(key=keys[0], titles={})
    before = _journal_facts(journal)
    # A page may print the journal title in one language and a running footer in another:
    # merge what each page tells, never drop what an earlier page told.
    titles = dict(journal.titles or {})
    journal.titles = {**titles, **{k: v for k, v in record.titles.items() if k not in titles}}
    journal.issn_print = journal.issn_print or record.issn_print
    journal.issn_online = journal.issn_online or record.issn_online
    journal.publisher = journal.publisher or record.publisher
    journal.base_url = journal.base_url or record.base_url
    session.add(journal)
    session.flush()
    for key in keys:
        if key not in held:
            session.add(JournalIdentifier(journal_id=row_id(journal), key=key))
    session.flush()
    if journal.id is not None and _journal_facts(journal) != before:
        # Every article's document shows its journal: render them all again in this transaction.
        articles = select(col(Article.id)).where(col(Article.journal_id) == journal.id)
        mark_articles(session, (article_id or 0 for article_id in session.exec(articles)))
    return journal


def _journal_facts(journal: Journal) -> tuple[Any, ...]:
    return (
        list((journal.titles or {}).items()),
        journal.issn_print,
        journal.issn_online,
        journal.publisher,
        journal.base_url,
    )


def _upsert_issue(session: Session, journal_id: int, record: IssueRecord | None) -> Issue | None:
    if record is None or not (record.volume or record.number or record.year):
        return None
    key = f"{record.volume or ''}|{record.number or ''}|{record.year or ''}"
    issue = session.exec(
        select(Issue).where(col(Issue.journal_id) == journal_id, col(Issue.key) == key)
    ).first()
    if issue is None:
        issue = Issue(
            journal_id=journal_id,
            key=key,
            volume=record.volume,
            number=record.number,
            year=record.year,
        )
        session.add(issue)
        session.flush()
    return issue


def author_key(author: AuthorRecord) -> str:
    if author.orcid:
        return f"orcid:{author.orcid}"
    return f"name:{fold_spaces(author.family or '')}|{fold_spaces(author.given or '')}"


def _author_ids(session: Session, records: list[AuthorRecord]) -> list[int]:
    """The stored author of each record, created when new: one lookup for all of them."""
    keys = [author_key(record) for record in records]
    found = dict(
        session.execute(
            sa_select(col(Author.key), col(Author.id)).where(col(Author.key).in_(set(keys)))
        ).all()
    )
    for key, record in zip(keys, records, strict=True):
        if key not in found:
            found[key] = session.execute(
                insert(Author)
                .values(
                    key=key,
                    family=record.family,
                    given=record.given,
                    orcid=record.orcid,
                    family_folded=fold_spaces(record.family or ""),
                )
                .returning(col(Author.id))
            ).scalar_one()
    return [found[key] for key in keys]


def reference_columns(csl: dict[str, Any]) -> dict[str, Any]:
    """The indexed columns derived from a reference's CSL-JSON (search and filters use them)."""
    parts = (csl.get("issued") or {}).get("date-parts") or [[None]]
    year = parts[0][0] if parts and parts[0] else None
    try:
        year = int(year) if year is not None else None
    except (TypeError, ValueError):
        year = None
    return {
        "doi": csl.get("DOI"),
        "year": year,
        "title": csl.get("title"),
        "container_title": csl.get("container-title"),
        "container_folded": fold_spaces(csl["container-title"])
        if csl.get("container-title")
        else None,
    }


def _replace_children(
    session: Session, article_id: int, record: ArticleRecord, parsed: Sequence[dict[str, Any]]
) -> None:
    """Rewrite the article's child rows: bulk statements, no ORM object per row (a page holds
    dozens of them, and the unit of work made them the slowest part of a load)."""
    for table in (ArticleText, Keyword, Galley, ArticleAuthor):
        column: Any = table.article_id
        session.execute(delete(table).where(column == article_id))
    texts = [
        {
            "article_id": article_id,
            "kind": kind,
            "lang": lang,
            "position": position,
            "text": text,
            "text_as_printed": printed if printed != text else None,
        }
        for kind, localized in (("title", record.titles), ("abstract", record.abstracts))
        for position, (lang, text) in enumerate(localized.items())
        for printed in [record.abstracts_as_printed.get(lang) if kind == "abstract" else None]
    ]
    # One running position across languages keeps both the printed order of the languages and
    # the order of the terms within each.
    keywords = [
        {
            "article_id": article_id,
            "lang": lang,
            "position": position,
            "term": term,
            "term_folded": fold_spaces(term),
        }
        for position, (lang, term) in enumerate(
            (lang, term) for lang, terms in record.keywords.items() for term in terms
        )
    ]
    galleys = [
        {
            "article_id": article_id,
            "position": position,
            "label": galley.label,
            "locale": galley.locale,
            "url": galley.url,
        }
        for position, galley in enumerate(record.galleys)
    ]
    # Authors count from 1, as references do and as readers number them (see docs/api.md).
    authors = [
        {
            "article_id": article_id,
            "position": position,
            "author_id": author_id,
            "affiliation": author_record.affiliation,
        }
        for position, (author_record, author_id) in enumerate(
            zip(record.authors, _author_ids(session, record.authors), strict=True), start=1
        )
    ]
    for table, rows in ((ArticleText, texts), (Keyword, keywords), (Galley, galleys)):
        if rows:
            session.execute(insert(table), rows)
    if authors:
        session.execute(insert(ArticleAuthor), authors)
    _store_references(session, article_id, record.references, parsed)
    replace_documents(
        session,
        "search_article",
        {
            article_id: document(
                [*record.titles.values(), *record.abstracts.values()]
                + [term for terms in record.keywords.values() for term in terms]
            )
        },
    )


def _store_references(
    session: Session, article_id: int, raws: list[str], parsed: Sequence[dict[str, Any]]
) -> None:
    """Update references in place by position, so their ids survive a reload of the page."""
    existing = dict(
        session.execute(
            sa_select(col(Reference.position), col(Reference.id)).where(
                col(Reference.article_id) == article_id
            )
        ).all()
    )
    rows: list[dict[str, Any]] = [
        {"article_id": article_id, "position": position, "raw": raw, "csl": csl}
        | reference_columns(csl)
        for position, (raw, csl) in enumerate(zip(raws, parsed, strict=True), start=1)
    ]
    ids: dict[int, int] = {}
    kept, new = [], []
    for row in rows:
        if row["position"] in existing:
            ids[row["position"]] = existing.pop(row["position"])
            kept.append(row | {"id": ids[row["position"]]})
        else:
            new.append(row)
    if kept:
        session.execute(update(Reference), kept)
    if new:
        inserted = session.execute(
            insert(Reference).returning(
                col(Reference.position), col(Reference.id), sort_by_parameter_order=True
            ),
            new,
        )
        ids.update(dict(inserted.all()))  # type: ignore[arg-type]
    stale = list(existing.values())
    if stale:
        session.execute(delete(Reference).where(col(Reference.id).in_(stale)))
        delete_documents(session, "search_reference", stale)
    documents_by_id = {ids[row["position"]]: document([row["raw"]]) for row in rows}
    replace_documents(session, "search_reference", documents_by_id)


def stored_article_for(session: Session, record: ArticleRecord) -> Article | None:
    """The stored article a page describes: by its address, else by its DOI."""
    if record.source_url:
        found = session.exec(
            select(Article).where(col(Article.source_url) == record.source_url)
        ).first()
        if found is not None:
            return found
    if record.doi:
        return session.exec(select(Article).where(col(Article.doi) == record.doi)).first()
    return None


def store_record(
    session: Session,
    record: ArticleRecord,
    *,
    article_id: int | None = None,
    parsed: Sequence[dict[str, Any]] | None = None,
) -> LoadResult:
    """Insert or update the article a page describes (or article ``article_id``, which then
    takes the record's source URL). The caller owns the transaction; the write lock is taken
    first, and a change is recorded for the feed unless nothing changed.

    The article is found by its address, else by its DOI (saved before without its address);
    its journal by any identifier the page gives, else the journal it already belongs to.

    ``parsed`` is the CSL-JSON of each reference when the caller parsed them already (a bulk
    loader parses in a pool of processes); otherwise they are parsed here."""
    lock_writes(session)
    if article_id is not None:
        article = session.get(Article, article_id)
        if article is None:
            raise LookupError(f"no article with id {article_id}")
    else:
        article = stored_article_for(session, record)
    journal = _upsert_journal(
        session, record.journal, known=article.journal_id if article is not None else None
    )
    key = source_key(record, journal.key)
    digest = record_hash(record)
    if article is None:
        article = session.exec(select(Article).where(col(Article.source_url) == key)).first()
    elif article.source_url.startswith("urn:") and record.source_url:
        article.source_url = key  # saved before without its address: now it has one
    if article is not None and article.content_hash == digest:
        return LoadResult(article.id or 0, "unchanged", len(record.references))
    if article is not None and record.page_kind != "landing":
        # a full-text view holds part of the record: it never overwrites the landing page's
        return LoadResult(article.id or 0, "unchanged", len(record.references))
    status: LoadStatus = "created" if article is None else "updated"
    issue = _upsert_issue(session, row_id(journal), record.issue)
    if article is None:
        article = Article(
            id=fresh_article_id(session),
            source_url=key,
            journal_id=row_id(journal),
            content_hash=digest,
        )
    if article_id is not None:
        article.source_url = key  # the client chose the article: it takes the record's address
    article.journal_id = row_id(journal)
    article.issue_id = issue.id if issue else None
    article.ojs_article_id = record.ojs_article_id
    article.doi = record.doi
    article.pages = record.pages
    article.language = record.language
    article.published = record.published
    article.year = (issue.year if issue else None) or (
        record.published.year if record.published else None
    )
    first_title = next(iter(record.titles.values()), "")
    article.sort_title = fold_spaces(first_title)[:200]
    article.sort_date = (
        record.published.isoformat() if record.published else str(article.year or "")
    )
    article.content_hash = digest
    article.updated_at = utcnow()
    session.add(article)
    session.flush()
    if parsed is None or len(parsed) != len(record.references):
        parsed = [parse_reference(raw) for raw in record.references]
    _replace_children(session, article.id or 0, record, parsed)
    session.flush()
    record_change(session, row_id(article), "created" if status == "created" else "updated")
    mark_articles(session, [row_id(article)])
    return LoadResult(article.id or 0, status, len(record.references))


def delete_article(session: Session, article_id: int) -> ArticleTombstone | None:
    """Delete an article and everything only it holds, leaving a tombstone and a change; None
    when there is no such article. The caller owns the transaction."""
    lock_writes(session)
    article = session.get(Article, article_id)
    if article is None:
        return None
    tombstone = ArticleTombstone(
        article_id=article_id,
        source_url=article.source_url,
        doi=article.doi,
        journal_id=article.journal_id,
        issue_id=article.issue_id,
        created_at=article.created_at,
        deleted_at=utcnow(),
    )
    # Full-text rows have no foreign key on SQLite (FTS5): remove them by hand.
    reference_ids = list(
        session.exec(select(col(Reference.id)).where(col(Reference.article_id) == article_id))
    )
    delete_documents(session, "search_reference", [ref_id for ref_id in reference_ids if ref_id])
    delete_documents(session, "search_article", [article_id])
    # Children go by ON DELETE CASCADE, in the database.
    session.execute(delete(Article).where(col(Article.id) == article_id))
    session.expunge(article)
    session.add(tombstone)
    session.flush()
    record_change(session, article_id, "deleted")
    return tombstone
