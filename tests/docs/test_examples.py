"""Every curl example of README.md and docs/api.md, run against a live seeded server.

A failing example is named by file, line and command. Each example must answer the status
recorded below (200 when not listed) and print its fragment: the one recorded in EXPECTED, else
the one its kind prints (BY_KIND: BibTeX, RIS, JATS, OAI-PMH ...). A new example needs no entry
if it answers 200 with something; give it one to pin what it must show. The conventions examples
follow (base URL, variables such as ``$BASE``) are written at the top of docs/api.md.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from app.config import PROJECT_ROOT
from tests.support.doc_examples import Example, Outcome, examples, run_blocks
from tests.support.live_server import doc_example_variables

DOCS = [PROJECT_ROOT / "README.md", PROJECT_ROOT / "docs" / "api.md"]


@dataclass(frozen=True)
class Expect:
    status: int = 200
    fragment: str | None = None


# Keyed by the command as written in the docs (continuation lines joined by one space, a
# trailing `# comment` left out).
EXPECTED: dict[str, Expect] = {
    # A count of the landing page's citation_ tags: any number, the kind's "<html" is piped away.
    "curl -s -H 'Accept: text/html' http://127.0.0.1:8000/articles/1"
    " | grep -c 'name=\"citation_'": Expect(),
    "curl -s http://127.0.0.1:8000/articles/1 | python3 -m json.tool": Expect(
        fragment='"recurrent miscarriage"'
    ),
    "curl -s 'http://127.0.0.1:8000/articles?limit=2'": Expect(fragment='"next_cursor":"'),
    "curl -si 'http://127.0.0.1:8000/articles?limit=2' | grep -i '^link'": Expect(
        fragment='rel="next"'
    ),
    "curl -s 'http://127.0.0.1:8000/articles?q=immunotherapy'": Expect(
        fragment="lymphocyte-immunotherapy"
    ),
    "curl -s 'http://127.0.0.1:8000/articles?lang=ru&year=2021&sort=title&order=desc'": Expect(
        fragment="Скрининг гестационного"
    ),
    "curl -s http://127.0.0.1:8000/articles/doi/10.5555/djmch.2021.3.1.01": Expect(
        fragment='"orcid":"0000-0000-0000-1012"'
    ),
    "curl -s 'http://127.0.0.1:8000/references?doi=10.1186/s12958-017-0315-9'": Expect(
        fragment='"doi":"10.1186/s12958-017-0315-9"'
    ),
    "curl -s 'http://127.0.0.1:8000/authors?q=smi'": Expect(fragment='"family":"Smirnov"'),
    "curl -s http://127.0.0.1:8000/authors/1": Expect(fragment='"family":"Mammadova"'),
    "curl -s 'http://127.0.0.1:8000/keywords?lang=ru&q=им'": Expect(
        fragment="иммунологические факторы"
    ),
    "curl -s 'http://127.0.0.1:8000/issues?journal=1&year=2021'": Expect(fragment='"year":2021'),
    "curl -s 'http://127.0.0.1:8000/articles/2?format=crossref'": Expect(
        fragment="<doi>10.5555/djmch.2021.3.1.01</doi>"
    ),
    "curl -s 'http://127.0.0.1:8000/articles/1?format=crossref'": Expect(409, "has no DOI"),
    "curl -s 'http://127.0.0.1:8000/articles?yaer=2021'": Expect(400, "'yaer'"),
    "curl -s 'http://127.0.0.1:8000/oai?verb=Identify'": Expect(
        fragment="<baseURL>http://127.0.0.1:"
    ),
    "curl -si -H \"If-None-Match: $etag\" http://127.0.0.1:8000/articles/1 | head -1": Expect(
        304, "304"
    ),
    "curl -s http://127.0.0.1:8000/health": Expect(fragment='"schema_revision"'),
    # The write round trip (docs/api.md, Writes): one article, created, edited, deleted.
    "curl -s -X POST 'http://127.0.0.1:8000/articles?source_url=https://jcs.example/article/view/15'"
    ' -H "Authorization: Bearer $TOKEN" -H \'Content-Type: text/plain\''
    " --data-binary @tests/fixtures/ojs3_english_page_no_blank_lines.txt": Expect(
        201, '"doi":"10.1234/jcs.2020.15"'
    ),
    'curl -s -X PUT http://127.0.0.1:8000/articles/$id -H "Authorization: Bearer $TOKEN"'
    ' -H "If-Match: $etag" -H \'Content-Type: application/json\' -d \'{"journal": {"title":'
    ' {"en": "Journal of Clinical Studies"}}, "title": {"en": "Effects of sleep on memory in'
    ' adolescents"}, "keywords": {"en": ["sleep", "memory"]},'
    ' "doi": "10.1234/jcs.2020.15"}\'': Expect(
        fragment='"keywords":{"en":["sleep","memory"]}'
    ),
    'curl -s -X PUT http://127.0.0.1:8000/articles/$id -H "Authorization: Bearer $TOKEN"'
    ' -H "If-Match: $etag" -H \'Content-Type: application/json\''
    ' -d \'{"journal": {"title": {"en": "J"}}, "title": {"en": "A lost update"}}\'': Expect(
        412, "GET it again"
    ),
    'curl -s -X PUT http://127.0.0.1:8000/articles/$id/references -H "Authorization: Bearer'
    ' $TOKEN" -H \'If-Match: *\' -H \'Content-Type: application/json\' -d \'{"references":'
    ' ["Diekelmann S, Born J. The memory function of sleep. Nat Rev Neurosci.'
    ' 2010;11(2):114-126. doi:10.1038/nrn2762"]}\'': Expect(fragment='"doi":"10.1038/nrn2762"'),
    'curl -si -X DELETE http://127.0.0.1:8000/articles/$id -H "Authorization: Bearer $TOKEN"'
    " -H 'If-Match: *' | head -1": Expect(204, "204"),
    "curl -s http://127.0.0.1:8000/articles/$id": Expect(410, '"deleted_at"'),
    'curl -s "http://127.0.0.1:8000/changes?article=$id"': Expect(fragment='"event":"deleted"'),
    'curl -s "http://127.0.0.1:8000/oai?verb=GetRecord&metadataPrefix=oai_dc'
    '&identifier=oai:127.0.0.1:article/$id"': Expect(fragment='<header status="deleted">'),
    "curl -s 'http://127.0.0.1:8000/dump.ndjson?deleted=true' | grep '\"deleted\":true'": Expect(
        fragment='"source_url":"https://jcs.example/article/view/15"'
    ),
    "curl -s -X POST http://127.0.0.1:8000/articles -H 'Content-Type: application/json'"
    " -d '{}'": Expect(401, "bearer token"),
    "curl -s http://127.0.0.1:8000/metrics | grep '^http_requests_total'": Expect(
        fragment='route="/articles/{article_id}"'
    ),
}

# What an example of each kind prints at least, when EXPECTED records nothing more precise:
# (a piece of the command, a fragment of its output). The first piece found in the command wins.
BY_KIND: list[tuple[str, str]] = [
    ("format=bibtex", "@article{"),
    ("x-bibtex", "@article{"),
    ("format=ris", "TY  - JOUR"),
    ("format=jats", "<article "),
    ("format=crossref", "<doi_batch"),
    ("ld+json", '"@type": "ScholarlyArticle"'),
    ("csl+json", '"type": "article-journal"'),
    ("verb=ListSets", "<setSpec>journal:1</setSpec>"),
    ("verb=ListRecords", "<record>"),
    ("verb=GetRecord", "<record>"),
    ("dump.ndjson", '{"id":1,'),
    ("sitemap.xml", "<urlset"),
    ("Accept: text/html", "<html"),
    ("format=html", "<html"),
]
# Whatever the kind, a 200 example never prints an error document.
NEVER = ('"type":"about:blank"', "<error code=")

ALL = examples(DOCS, PROJECT_ROOT)


@pytest.fixture(scope="module")
def outcomes(live_server: str, live_server_env: dict[str, str]) -> dict[tuple[str, int], Outcome]:
    variables = doc_example_variables(live_server_env)  # e.g. TOKEN, made in the server's database
    return run_blocks(DOCS, PROJECT_ROOT, live_server, {**live_server_env, **variables})


def test_the_docs_hold_examples_of_every_kind() -> None:
    assert len(ALL) >= 50
    assert {e.doc for e in ALL} == {"README.md", "docs/api.md"}


@pytest.mark.parametrize("example", ALL, ids=[f"{e.doc}:{e.line}" for e in ALL])
def test_example_works(example: Example, outcomes: dict[tuple[str, int], Outcome]) -> None:
    outcome = outcomes[(example.doc, example.line)]
    expect = EXPECTED.get(example.key) or Expect(
        fragment=next((shown for piece, shown in BY_KIND if piece in example.key), None)
    )
    where = (
        f"{example.name}\n  printed: {outcome.output[:300]!r}\n  stderr: {outcome.errors[:300]!r}"
    )
    assert outcome.statuses, f"no HTTP answer: {where}"
    assert outcome.statuses[-1] == expect.status, f"status {outcome.statuses}: {where}"
    if expect.fragment is not None:
        assert expect.fragment in outcome.output, f"missing {expect.fragment!r}: {where}"
    else:
        assert outcome.output.strip(), f"printed nothing: {where}"
    if expect.status == 200:
        assert not [n for n in NEVER if n in outcome.output], f"an error document: {where}"


def test_every_recorded_expectation_still_has_its_example() -> None:
    commands = {e.key for e in ALL}
    assert set(EXPECTED) <= commands, set(EXPECTED) - commands
