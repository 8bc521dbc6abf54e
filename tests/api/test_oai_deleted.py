"""Deleted articles in OAI-PMH: persistent deleted records, schema-valid, in every verb."""

from __future__ import annotations

from fastapi.testclient import TestClient
from lxml import etree
from sqlmodel import Session

from app.services import oai as oai_service
from app.services.loading import delete_article
from app.services.oai import RecordQuery
from tests.api.test_oai import (
    NS,
    article_ident,
    dated,  # noqa: F401  (fixture)
    error_code,
    identifiers,
    oai,
)


def _statuses(root: etree._Element) -> dict[str, str | None]:
    return {
        header.findtext("o:identifier", namespaces=NS): header.get("status")
        for header in root.iterfind(".//o:header", NS)
    }


def test_a_deleted_article_is_a_deleted_record_in_every_verb(
    client: TestClient, session: Session, dated: list[int]  # noqa: F811
) -> None:
    gone = dated[1]
    delete_article(session, gone)
    session.commit()
    listed = _statuses(oai(client, verb="ListIdentifiers", metadataPrefix="oai_dc"))
    assert listed[article_ident(gone)] == "deleted"
    assert all(listed[article_ident(i)] is None for i in dated if i != gone)

    records = oai(client, verb="ListRecords", metadataPrefix="oai_dc")
    by_id = {
        record.findtext("o:header/o:identifier", namespaces=NS): record
        for record in records.iterfind(".//o:record", NS)
    }
    deleted = by_id[article_ident(gone)]
    assert deleted.find("o:header", NS).get("status") == "deleted"
    assert deleted.find("o:metadata", NS) is None
    assert by_id[article_ident(dated[0])].find("o:metadata", NS) is not None
    # Order stays by id, live and deleted interleaved.
    wanted = {article_ident(i) for i in dated}
    assert [i for i in identifiers(records) if i in wanted] == [article_ident(i) for i in dated]

    record = oai(client, verb="GetRecord", identifier=article_ident(gone), metadataPrefix="oai_dc")
    header = record.find(".//o:record/o:header", NS)
    assert header.get("status") == "deleted"
    assert header.findtext("o:datestamp", namespaces=NS).endswith("Z")
    assert [e.text for e in header.iterfind("o:setSpec", NS)]
    formats = oai(client, verb="ListMetadataFormats", identifier=article_ident(gone))
    assert error_code(formats) is None


def test_deleted_records_follow_from_until_and_sets(
    client: TestClient, session: Session, dated: list[int]  # noqa: F811
) -> None:
    gone = dated[0]
    delete_article(session, gone)
    session.commit()
    # Its datestamp is now the deletion's, not 2021's.
    old = oai(client, verb="ListIdentifiers", metadataPrefix="oai_dc", until="2021-12-31")
    assert article_ident(gone) not in identifiers(old)
    recent = oai(client, verb="ListIdentifiers", metadataPrefix="oai_dc", from_="2022-01-01")
    assert _statuses(recent).get(article_ident(gone)) == "deleted"
    sets = [
        e.text
        for e in oai(client, verb="GetRecord", identifier=article_ident(gone),
                     metadataPrefix="oai_dc").iterfind(".//o:setSpec", NS)
    ]
    in_set = oai(client, verb="ListIdentifiers", metadataPrefix="oai_dc", set=sets[0])
    assert article_ident(gone) in identifiers(in_set)


def test_pages_of_live_and_deleted_records_never_skip_or_repeat(
    session: Session, dated: list[int]  # noqa: F811
) -> None:
    for article_id in dated[::2]:
        delete_article(session, article_id)
    session.commit()
    seen: list[tuple[int, bool]] = []
    after = None
    while True:
        page = oai_service.list_records(
            session=session, query=RecordQuery(), after=after, limit=2, deleted=True,
            with_articles=True,
        )
        assert page.complete_size is not None and page.complete_size >= len(dated)
        assert {a.id for a in page.articles} == {
            h.article_id for h in page.headers if not h.deleted
        }
        seen += [(h.article_id, h.deleted) for h in page.headers]
        if page.next_after is None:
            break
        after = page.next_after
    mine = [entry for entry in seen if entry[0] in dated]
    assert mine == [(i, n % 2 == 0) for n, i in enumerate(dated)]


def test_identify_says_deleted_records_are_persistent(client: TestClient) -> None:
    root = oai(client, verb="Identify")
    assert root.findtext("o:Identify/o:deletedRecord", namespaces=NS) == "persistent"
