"""Store parsed article pages: upserts on natural keys, nothing half-written.

A second load of the same page (same ``source_url``) updates that article in place; an identical
reload changes nothing, not even ``updated_at``, so caches and harvesters see no false change.
``store_records`` decides about many pages at once and writes them with a fixed number of
statements per run of pages (app.services.article_rows); ``store_record`` is the same for one.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

from sqlalchemy import delete, or_, update
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from app.ingest.ojs_page.identity import journal_url_key
from app.ingest.records import ArticleRecord, JournalRecord
from app.ingest.references import parse_reference
from app.models import (
    Article,
    ArticleTombstone,
    Journal,
    JournalIdentifier,
    Reference,
    row_id,
    utcnow,
)
from app.search import delete_documents, fold_spaces
from app.services.article_rows import ArticleWrite, write_articles
from app.services.changes import ChangeKind, lock_writes, record_change, record_changes
from app.services.documents import forget_written, mark_articles

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
    """The digest of everything a page says: an equal digest is an unchanged reload.

    The JSON is that of ``dataclasses.asdict(record)`` (stored digests were made from it),
    without the deep copy asdict makes of every value on the way."""
    data = json.dumps(record, sort_keys=True, default=_plain, ensure_ascii=False)
    return hashlib.sha256(data.encode()).hexdigest()


def _plain(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {field.name: getattr(value, field.name) for field in dataclasses.fields(value)}
    return str(value)


def _upsert_journal(
    session: Session,
    record: JournalRecord,
    *,
    known: int | None = None,
    owners: dict[str, int] | None = None,
) -> Journal:
    """The journal the page names, created with what is known or completed with what it adds.

    Any identifier finds it (an ISSN, the journal's address, a title), so two pages of one
    journal never make two journals; identifiers already held by another journal stay there.
    ``known`` is the journal of the article the page describes, when that is already stored;
    ``owners`` learns the journal that holds each identifier (see _Journals).
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
    if owners is not None:
        owners.update({key: held.get(key, row_id(journal)) for key in keys})
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


class _Journals:
    """The journals of one ``store_records`` call, by identifier: a page that names only
    identifiers seen before in the call and adds nothing to its journal costs no statement
    (the call holds the write lock, so nothing else changes a journal meanwhile)."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.owners: dict[str, int] = {}
        # Held here: the session's identity map keeps no object alive by itself.
        self.journals: dict[int, Journal] = {}

    def upsert(self, record: JournalRecord, *, known: int | None) -> Journal:
        keys = journal_identifiers(record)
        if keys and all(key in self.owners for key in keys):
            journal = self.journals.get(self.owners[keys[0]])
            if journal is not None and not _adds_to(journal, record):
                return journal
        journal = _upsert_journal(self.session, record, known=known, owners=self.owners)
        self.journals[row_id(journal)] = journal
        return journal


def _adds_to(journal: Journal, record: JournalRecord) -> bool:
    """Whether the page tells something the stored journal does not (see _upsert_journal)."""
    titles = journal.titles or {}
    return any(lang not in titles for lang in record.titles) or any(
        new and not old
        for old, new in (
            (journal.issn_print, record.issn_print),
            (journal.issn_online, record.issn_online),
            (journal.publisher, record.publisher),
            (journal.base_url, record.base_url),
        )
    )


@dataclass(frozen=True)
class _Stored:
    """What deciding about a page needs of the article already stored for it."""

    id: int
    source_url: str
    doi: str | None
    journal_id: int
    content_hash: str


_STORED = sa_select(
    col(Article.id),
    col(Article.source_url),
    col(Article.doi),
    col(Article.journal_id),
    col(Article.content_hash),
)


class _StoredArticles:
    """The stored articles the pages of a run name (by id, address or DOI): one statement."""

    def __init__(
        self, session: Session, records: Sequence[ArticleRecord], ids: Sequence[int | None]
    ) -> None:
        self.session = session
        urls = {record.source_url for record in records if record.source_url}
        dois = {record.doi for record in records if record.doi}
        wanted = {article_id for article_id in ids if article_id is not None}
        condition = or_(
            col(Article.source_url).in_(urls),
            col(Article.doi).in_(dois),
            col(Article.id).in_(wanted),
        )
        stored = [_Stored(*row) for row in session.execute(_STORED.where(condition))]
        self.by_id = {article.id: article for article in stored}
        self.by_url = {article.source_url: article for article in stored}
        self.by_doi = {article.doi: article for article in stored if article.doi}

    def find(self, record: ArticleRecord, article_id: int | None) -> _Stored | None:
        """The stored article of a page: the given id, else by address, else by DOI."""
        if article_id is not None:
            if article_id not in self.by_id:
                raise LookupError(f"no article with id {article_id}")
            return self.by_id[article_id]
        if record.source_url and record.source_url in self.by_url:
            return self.by_url[record.source_url]
        return self.by_doi.get(record.doi) if record.doi else None

    def by_key(self, key: str) -> _Stored | None:
        """The article whose address is ``key`` (a derived ``urn:`` key, not looked up before)."""
        if key in self.by_url:
            return self.by_url[key]
        row = self.session.execute(_STORED.where(col(Article.source_url) == key)).first()
        return _Stored(*row) if row is not None else None


# Pages per run of bulk statements: IN lists and multi-row statements stay short.
RUN = 500


def _run_length(records: Sequence[ArticleRecord], ids: Sequence[int | None], start: int) -> int:
    """How many pages from ``start`` name no article another of them names (address, DOI, id):
    those can be decided against the database as it was before the run."""
    seen: set[tuple[str, Any]] = set()
    end = min(len(records), start + RUN)
    for index in range(start, end):
        record = records[index]
        keys = {("url", record.source_url), ("doi", record.doi), ("id", ids[index])}
        keys = {key for key in keys if key[1] is not None}
        if keys & seen:
            return index - start
        seen |= keys
    return end - start


def store_records(
    session: Session,
    records: Sequence[ArticleRecord],
    *,
    parsed: Sequence[Sequence[dict[str, Any]] | None] | None = None,
    article_ids: Sequence[int | None] | None = None,
) -> list[LoadResult]:
    """Insert or update the articles pages describe, in order, as ``store_record`` would one
    after the other, but with a fixed number of statements per run of pages (app.services.
    article_rows). The caller owns the transaction: if any page fails, it must roll back.

    ``parsed`` gives each page's references as CSL-JSON when they were parsed elsewhere (a bulk
    loader parses in a pool of processes); a page without them is parsed here. ``article_ids``
    names the article a page must update (it then takes the page's source URL)."""
    lock_writes(session)
    count = len(records)
    parsed = list(parsed) if parsed is not None else [None] * count
    ids = list(article_ids) if article_ids is not None else [None] * count
    if len(parsed) != count or len(ids) != count:
        raise ValueError("parsed and article_ids need one entry per record")
    results: list[LoadResult | None] = [None] * count
    journals = _Journals(session)
    start = 0
    while start < count:
        start = _store_run(session, records, parsed, ids, start, journals, results)
    return [result for result in results if result is not None]


def _store_run(
    session: Session,
    records: Sequence[ArticleRecord],
    parsed: Sequence[Sequence[dict[str, Any]] | None],
    ids: Sequence[int | None],
    start: int,
    journals: _Journals,
    results: list[LoadResult | None],
) -> int:
    """Decide and write the pages of one run; returns where the next run starts. A page whose
    article an earlier page of the run writes ends the run: it is decided after that write."""
    end = start + max(1, _run_length(records, ids, start))
    stored_articles = _StoredArticles(session, records[start:end], ids[start:end])
    writes: list[ArticleWrite] = []
    written_at: list[int] = []  # the index of each write's page
    readdressed: dict[int, str] = {}
    claimed: set[int | str] = set()
    for index in range(start, end):
        record, article_id = records[index], ids[index]
        stored = stored_articles.find(record, article_id)
        journal = journals.upsert(record.journal, known=stored.journal_id if stored else None)
        key = source_key(record, journal.key)
        if stored is None and key != record.source_url:
            stored = stored_articles.by_key(key)
        if index > start and (key in claimed or (stored is not None and stored.id in claimed)):
            end = index
            break
        claimed |= {key} | ({stored.id} if stored is not None else set())
        digest = record_hash(record)
        url = key
        if stored is not None and article_id is None:
            # Found by DOI: it keeps its address unless it had none (a derived urn: key).
            readdress = stored.source_url.startswith("urn:") and record.source_url
            url = key if readdress else stored.source_url
            claimed.add(url)
        if stored is not None and (stored.content_hash == digest or record.page_kind != "landing"):
            # Unchanged, or a full-text view that never overwrites the landing page's record.
            if url != stored.source_url:
                readdressed[stored.id] = url
            results[index] = LoadResult(stored.id, "unchanged", len(record.references))
            continue
        references = parsed[index]
        if references is None or len(references) != len(record.references):
            references = [parse_reference(raw) for raw in record.references]
        writes.append(
            ArticleWrite(
                record=record,
                parsed=references,
                journal=journal,
                source_url=url,
                content_hash=digest,
                article_id=stored.id if stored is not None else None,
            )
        )
        written_at.append(index)
    for article_id, url in readdressed.items():
        session.execute(update(Article).where(col(Article.id) == article_id).values(source_url=url))
    written = write_articles(session, writes)
    changes: list[tuple[int, ChangeKind]] = []
    for index, write, article_id in zip(written_at, writes, written, strict=True):
        created = write.article_id is None
        status: LoadStatus = "created" if created else "updated"
        results[index] = LoadResult(article_id, status, len(records[index].references))
        changes.append((article_id, "created" if created else "updated"))
    record_changes(session, changes)
    mark_articles(session, readdressed)  # written ones are marked by write_articles
    _forget_stale_objects(session, [*readdressed, *(w.article_id for w in writes if w.article_id)])
    return end


def _forget_stale_objects(session: Session, article_ids: Sequence[int]) -> None:
    """Rows were written without the ORM: an Article object this session loaded earlier (a
    route's lookup) must be reloaded, not rendered or served with its old values."""
    for article_id in article_ids:
        instance = session.identity_map.get(Session.identity_key(Article, article_id))
        if instance is not None:
            session.expire(instance)


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
    return store_records(session, [record], parsed=[parsed], article_ids=[article_id])[0]


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
    forget_written(session, [article_id])
    # Children go by ON DELETE CASCADE, in the database.
    session.execute(delete(Article).where(col(Article.id) == article_id))
    session.expunge(article)
    session.add(tombstone)
    session.flush()
    record_change(session, article_id, "deleted")
    return tombstone
