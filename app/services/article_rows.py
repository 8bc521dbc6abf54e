"""Write the rows of many articles at once: a fixed number of statements per batch of articles.

``store_records`` (app.services.loading) decides what each page changes; this module writes it:
the articles' issues, their rows, authors, titles and abstracts, keywords, galleys, references and
full-text documents (the reference lists through app.services.reference_rows), each table in
one statement for the whole batch (an executemany, or a multi-row ``INSERT ... RETURNING`` where
new ids are needed), with no ORM object per row. A load of a journal writes ~75 rows per article;
one statement per row and the unit of work around it were most of a load's time.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import bindparam, delete, insert, update
from sqlalchemy import select as sa_select
from sqlmodel import Session

from app.db import insert_many
from app.ingest.records import ArticleRecord, AuthorRecord, IssueRecord
from app.models import (
    Article,
    ArticleAuthor,
    ArticleText,
    Author,
    Galley,
    Issue,
    Journal,
    Keyword,
    utcnow,
)
from app.schemas import ArticleAuthor as ArticleAuthorPublic
from app.schemas import ArticlePublic, GalleyPublic, IssueSummary, ReferencePublic
from app.search import document, fold_spaces, replace_documents
from app.services.articles import FullArticle, journal_summary
from app.services.batch_writes import chunks, insert_returning_ids, table_of
from app.services.changes import fresh_article_id
from app.services.documents import mark_written
from app.services.reference_rows import jsonb_order, write_references

ARTICLE = table_of(Article)
ISSUE = table_of(Issue)
AUTHOR = table_of(Author)
ARTICLE_AUTHOR = table_of(ArticleAuthor)
ARTICLE_TEXT = table_of(ArticleText)
KEYWORD = table_of(Keyword)
GALLEY = table_of(Galley)
IssueRow = tuple[int, str | None, str | None, int | None]  # id, volume, number, year
CHILD_TABLES = (ARTICLE_TEXT, KEYWORD, GALLEY, ARTICLE_AUTHOR)
# Built once: an executemany binds each row to the same compiled statement.
_UPDATE_ARTICLE = (
    update(ARTICLE)
    .where(ARTICLE.c.id == bindparam("b_id"))
    .values(
        {
            name: bindparam(name)
            for name in (
                "journal_id",
                "issue_id",
                "source_url",
                "ojs_article_id",
                "doi",
                "pages",
                "language",
                "published",
                "year",
                "sort_title",
                "sort_date",
                "content_hash",
                "updated_at",
            )
        }
    )  # fmt: skip
)
@dataclass
class ArticleWrite:
    """One article to write: what the page says, where it goes, and its parsed references."""

    record: ArticleRecord
    parsed: Sequence[dict[str, Any]]
    journal: Journal
    source_url: str
    content_hash: str
    article_id: int | None = None  # None: a new article, its id given by write_articles

    @property
    def journal_id(self) -> int:
        return self.journal.id or 0


def issue_key(record: IssueRecord | None) -> str | None:
    """The natural key of an issue within its journal; None when the page names no issue."""
    if record is None or not (record.volume or record.number or record.year):
        return None
    return f"{record.volume or ''}|{record.number or ''}|{record.year or ''}"


def author_key(author: AuthorRecord) -> str:
    if author.orcid:
        return f"orcid:{author.orcid}"
    return f"name:{fold_spaces(author.family or '')}|{fold_spaces(author.given or '')}"


def write_articles(session: Session, writes: Sequence[ArticleWrite]) -> list[int]:
    """Write these articles and everything they hold; returns their ids, in order.

    Existing articles (``article_id`` set) are updated before new ones are inserted, so a DOI or
    address an update gives up is free for a new article of the same batch. The caller holds
    the write lock and owns the transaction."""
    if not writes:
        return []
    issues = _issue_ids(session, writes)
    now = utcnow()  # in UTC, as the column gives it back: the rendered documents show it
    rows = [_article_row(write, issues, now) for write in writes]
    updated = [
        row | {"b_id": write.article_id}
        for write, row in zip(writes, rows, strict=True)
        if write.article_id is not None
    ]
    if updated:
        session.execute(_UPDATE_ARTICLE, updated)
    new = [row for write, row in zip(writes, rows, strict=True) if write.article_id is None]
    new_ids = _insert_articles(session, new, now) if new else []
    fresh = iter(new_ids)
    ids = [write.article_id if write.article_id is not None else next(fresh) for write in writes]
    existing = [write.article_id for write in writes if write.article_id is not None]
    for table in CHILD_TABLES:
        for some in chunks(existing):
            session.execute(delete(table).where(table.c.article_id.in_(some)))
    authors = _insert_children(session, writes, ids)
    references = write_references(
        session, [(w.record.references, w.parsed) for w in writes], ids, existing
    )
    replace_documents(
        session,
        "search_article",
        {
            article_id: document(
                [*write.record.titles.values(), *write.record.abstracts.values()]
                + [term for terms in write.record.keywords.values() for term in terms]
            )
            for write, article_id in zip(writes, ids, strict=True)
        },
    )
    jsonb = session.get_bind().dialect.name == "postgresql"
    mark_written(
        session,
        (
            _written(write, article_id, row, issues, written_authors, written_references, jsonb)
            for write, article_id, row, written_authors, written_references in zip(
                writes, ids, rows, authors, references, strict=True
            )
        ),
    )
    return ids


def _written(
    write: ArticleWrite,
    article_id: int,
    row: dict[str, Any],
    issues: dict[tuple[int, str], IssueRow],
    authors: list[ArticleAuthorPublic],
    references: list[ReferencePublic],
    jsonb: bool,
) -> FullArticle:
    """The article as its rows read back (app.services.articles.full_articles) would give it."""
    record = write.record
    key = issue_key(record.issue)
    issue = None
    if key is not None:
        issue_id, volume, number, year = issues[write.journal_id, key]
        issue = IssueSummary(id=issue_id, volume=volume, number=number, year=year)
    journal = journal_summary(write.journal)
    if jsonb:
        journal.title = jsonb_order(journal.title)
    public = ArticlePublic(
        id=article_id,
        doi=record.doi,
        source_url=write.source_url,
        ojs_article_id=record.ojs_article_id,
        journal=journal,
        issue=issue,
        title=dict(record.titles),
        abstract=dict(record.abstracts),
        keywords={lang: list(terms) for lang, terms in record.keywords.items() if terms},
        authors=authors,
        galleys=[
            GalleyPublic(label=galley.label, locale=galley.locale, url=galley.url)
            for galley in record.galleys
        ],
        language=record.language,
        pages=record.pages,
        published=record.published,
        reference_count=len(references),
        updated_at=row["updated_at"],
    )
    article = Article(
        id=article_id,
        doi=record.doi,
        journal_id=write.journal_id,
        issue_id=row["issue_id"],
        year=row["year"],
        published=record.published,
        source_url=write.source_url,
        content_hash=write.content_hash,
    )
    return FullArticle(article, public, references)


def _article_row(write: ArticleWrite, issues: dict[tuple[int, str], IssueRow], now: Any) -> Any:
    record = write.record
    key = issue_key(record.issue)
    issue_id, _volume, _number, issue_year = issues[write.journal_id, key] if key else (None,) * 4
    year = issue_year or (record.published.year if record.published else None)
    return {
        "journal_id": write.journal_id,
        "issue_id": issue_id,
        "source_url": write.source_url,
        "ojs_article_id": record.ojs_article_id,
        "doi": record.doi,
        "pages": record.pages,
        "language": record.language,
        "published": record.published,
        "year": year,
        "sort_title": fold_spaces(next(iter(record.titles.values()), ""))[:200],
        "sort_date": record.published.isoformat() if record.published else str(year or ""),
        "content_hash": write.content_hash,
        "updated_at": now,
    }


def _insert_articles(session: Session, rows: list[dict[str, Any]], now: Any) -> list[int]:
    """Insert new articles; their ids. SQLite's are chosen here, past every id an article or a
    tombstone ever had (app.services.changes.fresh_article_id); PostgreSQL's sequence gives its."""
    rows = [row | {"created_at": now} for row in rows]
    first = fresh_article_id(session)
    if first is None:
        return insert_returning_ids(session, ARTICLE, rows, ["source_url"])
    ids = list(range(first, first + len(rows)))
    rows = [row | {"id": article_id} for row, article_id in zip(rows, ids, strict=True)]
    session.execute(insert(ARTICLE), rows)
    return ids


def _issue_ids(session: Session, writes: Sequence[ArticleWrite]) -> dict[tuple[int, str], IssueRow]:
    """The issue of every write, by (journal, key): one lookup, one insert for the new ones."""
    wanted: dict[tuple[int, str], IssueRecord] = {}
    for write in writes:
        key = issue_key(write.record.issue)
        if key is not None and write.record.issue is not None:
            wanted.setdefault((write.journal_id, key), write.record.issue)
    found: dict[tuple[int, str], IssueRow] = {}
    keys = sorted({key for _journal, key in wanted})
    for some in chunks(keys):
        columns = (ISSUE.c.id, ISSUE.c.volume, ISSUE.c.number, ISSUE.c.year)
        statement = sa_select(ISSUE.c.journal_id, ISSUE.c.key, *columns).where(
            ISSUE.c.key.in_(some), ISSUE.c.journal_id.in_({journal for journal, _ in wanted})
        )
        for journal, key, *issue in session.execute(statement):
            found[journal, key] = (issue[0], issue[1], issue[2], issue[3])
    missing = [(journal_key, record) for journal_key, record in wanted.items()
               if journal_key not in found]  # fmt: skip
    if missing:
        rows = [
            {
                "journal_id": journal,
                "key": key,
                "volume": record.volume,
                "number": record.number,
                "year": record.year,
            }  # fmt: skip
            for (journal, key), record in missing
        ]
        inserted = insert_returning_ids(session, ISSUE, rows, ["journal_id", "key"])
        for ((journal, key), record), issue_id in zip(missing, inserted, strict=True):
            found[journal, key] = (issue_id, record.volume, record.number, record.year)
    return found


AuthorRow = tuple[int, str | None, str | None, str | None]  # id, family, given, ORCID


def _author_ids(session: Session, records: Sequence[AuthorRecord]) -> list[AuthorRow]:
    """The stored author of each record, created when new: one lookup, one insert."""
    keys = [author_key(record) for record in records]
    distinct = list(dict.fromkeys(keys))
    found: dict[str, AuthorRow] = {}
    columns = (AUTHOR.c.id, AUTHOR.c.family, AUTHOR.c.given, AUTHOR.c.orcid)
    for some in chunks(distinct):
        statement = sa_select(AUTHOR.c.key, *columns).where(AUTHOR.c.key.in_(some))
        for key, *author in session.execute(statement):
            found[key] = (author[0], author[1], author[2], author[3])
    first_record = dict(zip(reversed(keys), reversed(records), strict=True))
    new: list[dict[str, Any]] = [
        {
            "key": key,
            "family": first_record[key].family,
            "given": first_record[key].given,
            "orcid": first_record[key].orcid,
            "family_folded": fold_spaces(first_record[key].family or ""),
        }
        for key in distinct
        if key not in found
    ]
    if new:
        inserted = insert_returning_ids(session, AUTHOR, new, ["key"])
        for row, author_id in zip(new, inserted, strict=True):
            found[row["key"]] = (author_id, row["family"], row["given"], row["orcid"])
    return [found[key] for key in keys]


def _insert_children(
    session: Session, writes: Sequence[ArticleWrite], ids: list[int]
) -> list[list[ArticleAuthorPublic]]:
    """Titles, abstracts, keywords, galleys and author links; returns each article's authors."""
    written: list[list[ArticleAuthorPublic]] = []
    texts: list[dict[str, Any]] = []
    keywords: list[dict[str, Any]] = []
    galleys: list[dict[str, Any]] = []
    links: list[dict[str, Any]] = []
    authors = _author_ids(session, [a for write in writes for a in write.record.authors])
    next_author = iter(authors)
    for write, article_id in zip(writes, ids, strict=True):
        record = write.record
        for kind, localized in (("title", record.titles), ("abstract", record.abstracts)):
            for position, (lang, text) in enumerate(localized.items()):
                printed = record.abstracts_as_printed.get(lang) if kind == "abstract" else None
                texts.append(
                    {
                        "article_id": article_id,
                        "kind": kind,
                        "lang": lang,
                        "position": position,
                        "text": text,
                        "text_as_printed": None if printed == text else printed,
                    }  # fmt: skip
                )
        # One running position across languages keeps both the printed order of the languages
        # and the order of the terms within each.
        terms = [(lang, term) for lang, terms in record.keywords.items() for term in terms]
        keywords += [
            {
                "article_id": article_id,
                "lang": lang,
                "position": position,
                "term": term,
                "term_folded": fold_spaces(term),
            }  # fmt: skip
            for position, (lang, term) in enumerate(terms)
        ]
        galleys += [
            {
                "article_id": article_id,
                "position": position,
                "label": galley.label,
                "locale": galley.locale,
                "url": galley.url,
            }  # fmt: skip
            for position, galley in enumerate(record.galleys)
        ]
        # Authors count from 1, as references do and as readers number them (see docs/api.md).
        written.append([])
        for position, author in enumerate(record.authors, start=1):
            author_id, family, given, orcid = next(next_author)
            links.append(
                {
                    "article_id": article_id,
                    "position": position,
                    "author_id": author_id,
                    "affiliation": author.affiliation,
                }  # fmt: skip
            )
            written[-1].append(
                ArticleAuthorPublic(
                    id=author_id,
                    position=position,
                    family=family,
                    given=given,
                    affiliation=author.affiliation,
                    orcid=orcid,
                )  # fmt: skip
            )
    for table, rows in ((ARTICLE_TEXT, texts), (KEYWORD, keywords), (GALLEY, galleys),
                        (ARTICLE_AUTHOR, links)):  # fmt: skip
        insert_many(session.connection(), table, rows)
    return written
