"""OAI-PMH 2.0 at /oai: every verb and every error code, as the protocol defines them, with every
response validated against the official XSDs (offline) and statement counts fixed per page."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient
from lxml import etree
from sqlmodel import Session, select

from app.models import Article, Issue, Journal
from app.public_urls import absolute_url, public_host
from app.services import oai as oai_service
from app.services.loading import store_record
from tests.corpus import ARTICLES, corpus
from tests.exporters.conftest import load_schema

OAI = "http://www.openarchives.org/OAI/2.0/"
DC = "http://purl.org/dc/elements/1.1/"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
NS = {"o": OAI, "dc": DC, "oai_dc": "http://www.openarchives.org/OAI/2.0/oai_dc/"}
RECORD_VERBS = {"GetRecord", "ListRecords"}

# Identifiers and baseURL come from PUBLIC_BASE_URL, never from the test client's Host.
OAI_BASE = absolute_url("/oai")
OAI_HOST = public_host()

OAI_SCHEMA = load_schema("oai-pmh/OAI-PMH.xsd")
OAI_DC_SCHEMA = load_schema("oai-pmh/OAI-PMH_with_oai_dc.xsd")


def _validated(response: Any, verb: str | None) -> etree._Element:
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "text/xml; charset=utf-8"
    root = etree.fromstring(response.content)
    schema = OAI_DC_SCHEMA if verb in RECORD_VERBS else OAI_SCHEMA
    if not schema.validate(root):
        raise AssertionError(str(schema.error_log))
    return root


def oai(client: TestClient, **params: str) -> etree._Element:
    """GET /oai with these arguments (``from_`` for ``from``); the response, schema-valid."""
    params = {k.rstrip("_"): v for k, v in params.items()}
    return _validated(client.get("/oai", params=params), params.get("verb"))


def oai_post(client: TestClient, body: Any, verb: str | None = None) -> etree._Element:
    response = client.post(
        "/oai", content=body, headers={"Content-Type": "application/x-www-form-urlencoded"}
    )
    return _validated(response, verb)


def error_code(root: etree._Element) -> str | None:
    error = root.find("o:error", NS)
    return None if error is None else error.get("code")


def identifiers(root: etree._Element) -> list[str]:
    return [e.text for e in root.iterfind(".//o:header/o:identifier", NS)]


def token_of(root: etree._Element) -> etree._Element | None:
    return root.find(".//o:resumptionToken", NS)


def article_ident(article_id: int) -> str:
    return f"oai:{OAI_HOST}:article/{article_id}"


def dated_identifiers(root: etree._Element, dated: list[int]) -> list[str]:
    """Identifiers of the ``dated`` articles only: rows other tests left committed in the shared
    database (SQLite's savepoints can leak) must not decide these tests."""
    known = {article_ident(i) for i in dated}
    return [i for i in identifiers(root) if i in known]


# Articles with known datestamps, for from/until: (corpus index, updated_at).
DATED = [
    (0, datetime(2021, 1, 1, 0, 0, 0, tzinfo=UTC)),
    (1, datetime(2021, 1, 1, 12, 30, 15, 250000, tzinfo=UTC)),
    (2, datetime(2021, 1, 2, 0, 0, 0, tzinfo=UTC)),
    (3, datetime(2021, 1, 3, 23, 59, 59, 999000, tzinfo=UTC)),
    (4, datetime(2021, 1, 4, 8, 0, 0, tzinfo=UTC)),
]


@pytest.fixture
def dated(session: Session) -> list[int]:
    """Five articles (two journals, five issues) with fixed ``updated_at``, ids in DATED order."""
    records = corpus()
    ids = []
    for index, moment in DATED:
        result = store_record(session, records[index])
        article = session.get(Article, result.article_id)
        assert article is not None
        article.updated_at = moment
        session.add(article)
        ids.append(result.article_id)
    session.commit()
    return ids


# ------------------------------------------------------------------------ Identify


def test_identify_describes_the_repository(
    client: TestClient, session: Session, dated: list[int]
) -> None:
    root = oai(client, verb="Identify")
    request = root.find("o:request", NS)
    assert request.get("verb") == "Identify" and request.text == OAI_BASE
    identify = root.find("o:Identify", NS)
    fields = {etree.QName(e).localname: e.text for e in identify}
    first_journal = session.exec(select(Journal).order_by(Journal.id)).first()
    assert fields == {
        "repositoryName": first_journal.titles["en"],
        "baseURL": OAI_BASE,
        "protocolVersion": "2.0",
        "adminEmail": "oai-admin@example.invalid",
        "earliestDatestamp": "2021-01-01T00:00:00Z",
        "deletedRecord": "persistent",
        "granularity": "YYYY-MM-DDThh:mm:ssZ",
    }
    assert root.find("o:responseDate", NS).text.endswith("Z")


def test_identify_on_an_empty_repository_is_valid(client: TestClient) -> None:
    root = oai(client, verb="Identify")
    assert root.find("o:Identify/o:repositoryName", NS).text
    assert root.find("o:Identify/o:earliestDatestamp", NS).text.endswith("Z")


def test_identify_takes_admin_email_from_the_depositor_setting(
    client: TestClient, settings_env: pytest.MonkeyPatch
) -> None:
    settings_env.setenv("DEPOSITOR_EMAIL", "metadata@journal.example.org")
    root = oai(client, verb="Identify")
    assert root.find("o:Identify/o:adminEmail", NS).text == "metadata@journal.example.org"


def test_post_with_a_form_body_works_like_get(client: TestClient, dated: list[int]) -> None:
    root = oai_post(client, "verb=GetRecord&metadataPrefix=oai_dc&identifier="
                    + article_ident(dated[0]), "GetRecord")
    assert identifiers(root) == [article_ident(dated[0])]
    assert root.find("o:request", NS).get("verb") == "GetRecord"


def test_post_without_a_form_body_is_an_http_problem(client: TestClient) -> None:
    response = client.post("/oai", json={"verb": "Identify"})
    assert response.status_code == 415
    assert response.headers["content-type"] == "application/problem+json"


# ---------------------------------------------------------------- ListMetadataFormats


def test_list_metadata_formats_offers_oai_dc(client: TestClient, dated: list[int]) -> None:
    for root in (
        oai(client, verb="ListMetadataFormats"),
        oai(client, verb="ListMetadataFormats", identifier=article_ident(dated[1])),
    ):
        formats = root.findall("o:ListMetadataFormats/o:metadataFormat", NS)
        assert [f.findtext("o:metadataPrefix", namespaces=NS) for f in formats] == ["oai_dc"]
        assert formats[0].findtext("o:metadataNamespace", namespaces=NS) == NS["oai_dc"]


@pytest.mark.parametrize(
    "identifier",
    [f"oai:{OAI_HOST}:article/999999", "oai:other.host:article/{id}", "article/{id}",
     f"oai:{OAI_HOST}:article/99999999999"],
)
def test_list_metadata_formats_for_an_unknown_identifier(
    client: TestClient, dated: list[int], identifier: str
) -> None:
    root = oai(client, verb="ListMetadataFormats", identifier=identifier.format(id=dated[0]))
    assert error_code(root) == "idDoesNotExist"
    # Not a badArgument: the request is echoed with its arguments.
    assert root.find("o:request", NS).get("verb") == "ListMetadataFormats"


# ------------------------------------------------------------------------ ListSets


def test_list_sets_has_one_set_per_journal_and_per_issue(
    client: TestClient, session: Session, dated: list[int]
) -> None:
    root = oai(client, verb="ListSets")
    sets = {
        s.findtext("o:setSpec", namespaces=NS): s.findtext("o:setName", namespaces=NS)
        for s in root.iterfind("o:ListSets/o:set", NS)
    }
    journals = session.exec(select(Journal)).all()
    issues = session.exec(select(Issue)).all()
    assert len(sets) == len(journals) + len(issues) >= 2 + 5
    for journal in journals:
        assert sets[f"journal:{journal.id}"] == journal.titles["en"]
    for issue in issues:
        name = sets[f"journal:{issue.journal_id}:issue:{issue.id}"]
        assert name.endswith(f"Vol. {issue.volume} No. {issue.number} ({issue.year})")


def test_list_sets_without_any_journal_is_no_set_hierarchy(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The shared test database may hold journals other tests committed: model an empty one.
    monkeypatch.setattr(oai_service, "list_sets", lambda *, session: [])
    assert error_code(oai(client, verb="ListSets")) == "noSetHierarchy"


def test_list_sets_has_no_resumption_so_any_token_is_bad(client: TestClient) -> None:
    root = oai(client, verb="ListSets", resumptionToken="anything")
    assert error_code(root) == "badResumptionToken"


# ----------------------------------------------------------------------- GetRecord


def test_get_record_returns_the_oai_dc_record(
    client: TestClient, session: Session, dated: list[int]
) -> None:
    article = session.get(Article, dated[1])
    ident = article_ident(dated[1])
    root = oai(client, verb="GetRecord", identifier=ident, metadataPrefix="oai_dc")
    record = root.find("o:GetRecord/o:record", NS)
    header = record.find("o:header", NS)
    assert header.findtext("o:identifier", namespaces=NS) == article_ident(dated[1])
    assert header.findtext("o:datestamp", namespaces=NS) == "2021-01-01T12:30:15Z"
    assert [s.text for s in header.iterfind("o:setSpec", NS)] == [
        f"journal:{article.journal_id}",
        f"journal:{article.journal_id}:issue:{article.issue_id}",
    ]
    dc = record.find("o:metadata/oai_dc:dc", NS)
    titles = dc.findall("dc:title", NS)
    assert [t.text for t in titles] == [corpus()[1].titles["en"]]
    for name in ("title", "subject", "description"):
        assert all(e.get(XML_LANG) for e in dc.iterfind(f"dc:{name}", NS)), name


def test_get_record_errors(client: TestClient, dated: list[int]) -> None:
    ident = article_ident(dated[0])
    missing = article_ident(10**6)
    unknown = oai(client, verb="GetRecord", identifier=missing, metadataPrefix="oai_dc")
    assert error_code(unknown) == "idDoesNotExist"
    other_format = oai(client, verb="GetRecord", identifier=ident, metadataPrefix="marc21")
    assert error_code(other_format) == "cannotDisseminateFormat"
    assert error_code(oai(client, verb="GetRecord", identifier=ident)) == "badArgument"
    assert error_code(oai(client, verb="GetRecord", metadataPrefix="oai_dc")) == "badArgument"


# --------------------------------------------------------------------- bad requests


@pytest.mark.parametrize(
    "query",
    ["", "verb=Explode", "verb=Identify&verb=Identify", "verb=", "metadataPrefix=oai_dc"],
)
def test_missing_unknown_or_repeated_verb_is_bad_verb(client: TestClient, query: str) -> None:
    root = _validated(client.get("/oai?" + query), None)
    assert error_code(root) == "badVerb"
    request = root.find("o:request", NS)
    assert request.attrib == {} and request.text == OAI_BASE


@pytest.mark.parametrize(
    "query",
    [
        "verb=Identify&metadataPrefix=oai_dc",  # illegal argument
        "verb=ListRecords",  # missing metadataPrefix
        "verb=ListIdentifiers&metadataPrefix=oai_dc&metadataPrefix=oai_dc",  # repeated
        "verb=ListRecords&metadataPrefix=oai_dc&resumptionToken=x",  # token is exclusive
        "verb=ListRecords&metadataPrefix=oai_dc&from=2021-13-01",
        "verb=ListRecords&metadataPrefix=oai_dc&from=yesterday",
        "verb=ListRecords&metadataPrefix=oai_dc&from=2021-01-01T00:00:00",  # no Z
        "verb=ListRecords&metadataPrefix=oai_dc&from=2021-01-02&until=2021-01-01",
        "verb=ListRecords&metadataPrefix=oai_dc&from=2021-01-01&until=2021-01-02T00:00:00Z",
        "verb=ListRecords&metadataPrefix=oai_dc&set=journal",
        "verb=ListRecords&metadataPrefix=a%20b",
        "verb=ListSets&set=journal:1",
    ],
)
def test_illegal_missing_or_repeated_arguments_are_bad_argument(
    client: TestClient, query: str
) -> None:
    verb = query.split("&")[0].removeprefix("verb=")
    root = _validated(client.get("/oai?" + query), verb)
    assert error_code(root) == "badArgument"
    assert root.find("o:request", NS).attrib == {}


def test_bad_argument_by_post_too(client: TestClient) -> None:
    root = oai_post(client, "verb=ListRecords&metadataPrefix=oai_dc&until=junk", "ListRecords")
    assert error_code(root) == "badArgument"


# ------------------------------------------------------------- ListIdentifiers/Records


@pytest.mark.parametrize("verb", ["ListIdentifiers", "ListRecords"])
def test_lists_without_more_pages_carry_no_token(
    client: TestClient, dated: list[int], verb: str
) -> None:
    root = oai(client, verb=verb, metadataPrefix="oai_dc")
    assert dated_identifiers(root, dated) == [article_ident(i) for i in dated]
    assert token_of(root) is None
    if verb == "ListRecords":
        assert len(root.findall(".//o:metadata/oai_dc:dc", NS)) == len(identifiers(root))
    else:
        assert root.find(".//o:metadata", NS) is None


@pytest.mark.parametrize(
    ("arguments", "expected"),
    [
        ({"from_": "2021-01-02"}, [2, 3, 4]),
        ({"until": "2021-01-01"}, [0, 1]),  # a day 'until' includes the whole day
        ({"from_": "2021-01-01", "until": "2021-01-03"}, [0, 1, 2, 3]),
        ({"from_": "2021-01-01T12:30:15Z"}, [1, 2, 3, 4]),
        ({"until": "2021-01-01T12:30:15Z"}, [0, 1]),  # the whole second, like its datestamp
        ({"until": "2021-01-01T12:30:14Z"}, [0]),
        ({"from_": "2021-01-03T23:59:59Z", "until": "2021-01-03T23:59:59Z"}, [3]),
        ({"from_": "2021-01-04", "until": "2021-01-04"}, [4]),
    ],
)
def test_from_and_until_select_by_datestamp_inclusively(
    client: TestClient, dated: list[int], arguments: dict[str, str], expected: list[int]
) -> None:
    root = oai(client, verb="ListIdentifiers", metadataPrefix="oai_dc", **arguments)
    assert dated_identifiers(root, dated) == [article_ident(dated[i]) for i in expected]
    request = root.find("o:request", NS)
    assert request.get("from") == arguments.get("from_")


def test_datestamps_fall_within_from_and_until(client: TestClient, dated: list[int]) -> None:
    root = oai(client, verb="ListRecords", metadataPrefix="oai_dc",
               from_="2021-01-01T12:00:00Z", until="2021-01-03T23:59:59Z")
    stamps = [e.text for e in root.iterfind(".//o:header/o:datestamp", NS)]
    assert stamps == ["2021-01-01T12:30:15Z", "2021-01-02T00:00:00Z", "2021-01-03T23:59:59Z"]


def test_no_records_match(client: TestClient, dated: list[int]) -> None:
    for verb in ("ListIdentifiers", "ListRecords"):
        root = oai(client, verb=verb, metadataPrefix="oai_dc", from_="2030-01-01")
        assert error_code(root) == "noRecordsMatch"
        assert root.find("o:request", NS).get("from") == "2030-01-01"
    assert error_code(oai(client, verb="ListRecords", metadataPrefix="oai_dc",
                          set="journal:999999")) == "noRecordsMatch"


def test_lists_need_a_format_we_can_disseminate(client: TestClient, dated: list[int]) -> None:
    for verb in ("ListIdentifiers", "ListRecords"):
        root = oai(client, verb=verb, metadataPrefix="mods")
        assert error_code(root) == "cannotDisseminateFormat"


def test_set_selects_a_journal_or_one_issue(
    client: TestClient, session: Session, dated: list[int]
) -> None:
    articles = [session.get(Article, i) for i in dated]
    journal_id = articles[0].journal_id
    in_journal = [a.id for a in articles if a.journal_id == journal_id]
    root = oai(client, verb="ListIdentifiers", metadataPrefix="oai_dc", set=f"journal:{journal_id}")
    assert identifiers(root) == [article_ident(i) for i in in_journal]
    issue_set = f"journal:{journal_id}:issue:{articles[0].issue_id}"
    root = oai(client, verb="ListRecords", metadataPrefix="oai_dc", set=issue_set)
    assert identifiers(root) == [article_ident(articles[0].id)]
    assert issue_set in [s.text for s in root.iterfind(".//o:header/o:setSpec", NS)]
    # An issue under the wrong journal is no set at all.
    other = next(a for a in articles if a.journal_id != journal_id)
    root = oai(client, verb="ListRecords", metadataPrefix="oai_dc",
               set=f"journal:{journal_id}:issue:{other.issue_id}")
    assert error_code(root) == "noRecordsMatch"


# ---------------------------------------------------------- resumption over the corpus


def harvest(client: TestClient, verb: str, **arguments: str) -> list[etree._Element]:
    pages = [oai(client, verb=verb, metadataPrefix="oai_dc", **arguments)]
    while (token := token_of(pages[-1])) is not None and token.text:
        pages.append(oai(client, verb=verb, resumptionToken=token.text))
    return pages


@pytest.mark.parametrize("verb", ["ListIdentifiers", "ListRecords"])
def test_resumption_visits_every_corpus_record_once(corpus_client: TestClient, verb: str) -> None:
    pages = harvest(corpus_client, verb)
    assert len(pages) == 3  # 100 + 100 + 40
    seen = [ident for page in pages for ident in identifiers(page)]
    assert len(seen) == len(set(seen)) == ARTICLES
    ids = [int(i.rsplit("/", 1)[1]) for i in seen]
    assert ids == sorted(ids)
    tokens = [token_of(page) for page in pages]
    assert [t.get("cursor") for t in tokens] == ["0", "100", "200"]
    assert {t.get("completeListSize") for t in tokens} == {str(ARTICLES)}
    assert tokens[-1].text is None  # the empty token that closes a resumed list
    if verb == "ListRecords":
        assert sum(len(p.findall(".//oai_dc:dc", NS)) for p in pages) == ARTICLES


def test_resumption_keeps_the_set_and_dates(corpus_client: TestClient) -> None:
    journals = oai(corpus_client, verb="ListSets").iterfind("o:ListSets/o:set/o:setSpec", NS)
    journal = next(s.text for s in journals if ":issue:" not in s.text)
    pages = harvest(corpus_client, "ListIdentifiers", set=journal, from_="2000-01-01")
    seen = [ident for page in pages for ident in identifiers(page)]
    assert len(seen) == len(set(seen)) == ARTICLES // 2
    assert len(pages) == 2
    specs = {s.text for p in pages for s in p.iterfind(".//o:header/o:setSpec", NS)}
    assert journal in specs
    # A resumed request echoes only its token (the arguments travel inside it).
    request = pages[1].find("o:request", NS)
    assert set(request.attrib) == {"verb", "resumptionToken"}


def _first_token(client: TestClient, verb: str = "ListIdentifiers") -> str:
    token = token_of(oai(client, verb=verb, metadataPrefix="oai_dc"))
    assert token is not None and token.text
    return token.text


def test_tampered_token_is_a_bad_resumption_token(corpus_client: TestClient) -> None:
    token = _first_token(corpus_client)
    body, signature = token.split(".")
    tampered = [
        body[:-2] + ("A" if body[-2] != "A" else "B") + body[-1] + "." + signature,
        body + "." + signature[::-1],
        "not-a-token",
        "",
    ]
    for bad in tampered:
        root = oai(corpus_client, verb="ListIdentifiers", resumptionToken=bad)
        assert error_code(root) == "badResumptionToken", bad
        assert root.find("o:request", NS).get("resumptionToken") == bad


def test_a_token_only_works_for_the_verb_that_issued_it(corpus_client: TestClient) -> None:
    token = _first_token(corpus_client, "ListIdentifiers")
    root = oai(corpus_client, verb="ListRecords", resumptionToken=token)
    assert error_code(root) == "badResumptionToken"


def test_statements_per_page_are_few_and_fixed(
    corpus_client: TestClient, corpus_statements: Any
) -> None:
    """Pages one and two (different corpus positions) cost the same, whatever their size."""
    # ListRecords: the headers of live and deleted records, then the live articles (three).
    for verb, expected in (("ListIdentifiers", 1), ("ListRecords", 4)):
        counts = []
        corpus_statements.statements.clear()
        first = oai(corpus_client, verb=verb, metadataPrefix="oai_dc")
        counts.append(corpus_statements.count)
        corpus_statements.statements.clear()
        oai(corpus_client, verb=verb, resumptionToken=token_of(first).text)
        counts.append(corpus_statements.count)
        assert counts == [expected, expected], (verb, corpus_statements.statements)
    for verb, arguments, expected in (
        ("GetRecord", {"identifier": article_ident(1), "metadataPrefix": "oai_dc"}, 3),
        ("Identify", {}, 1),
        ("ListSets", {}, 2),
    ):
        corpus_statements.statements.clear()
        oai(corpus_client, verb=verb, **arguments)
        assert corpus_statements.count == expected, (verb, corpus_statements.statements)
