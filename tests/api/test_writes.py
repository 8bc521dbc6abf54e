"""The write API over HTTP: tokens and scopes, create/update/delete, If-Match, tombstones."""

from __future__ import annotations

import re
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from app.config import get_settings
from app.services.loading import LoadResult
from app.services.tokens import create_token, revoke_token
from tests.conftest import FIXTURES

PROBLEM = "application/problem+json"
SEED_URL = "https://mgpam.az/index.php/mgpam/article/view/62"
PLAIN = {"Accept-Encoding": "identity"}


@pytest.fixture
def tokens(session: Session) -> dict[str, str]:
    _row, write = create_token(session, name="workflow", scopes=["write"])
    _row, admin = create_token(session, name="editor in chief", scopes=["admin"])
    revoked_row, revoked = create_token(session, name="old laptop", scopes=["admin"])
    revoke_token(session, revoked_row.id or 0)
    session.commit()
    return {"write": write, "admin": admin, "revoked": revoked}


def bearer(token: str, **headers: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}", **PLAIN, **headers}


def etag_of(client: TestClient, article_id: int) -> str:
    response = client.get(f"/articles/{article_id}", headers=PLAIN)
    assert response.status_code == 200
    return response.headers["etag"]


def json_record(**changes: Any) -> dict[str, Any]:
    record: dict[str, Any] = {
        "source_url": "https://journal.example/article/view/7",
        "doi": "https://doi.org/10.1234/EXAMPLE.7",
        "journal": {"title": {"en": "Journal of Examples"}, "issn_print": "1234-5678"},
        "issue": {"volume": "3", "number": "1", "year": 2024},
        "title": {"en": "An example article", "ru": "Пример статьи"},
        "abstract": {"en": "What the example shows."},
        "keywords": {"en": ["examples", "testing"]},
        "authors": [{"family": "Smith", "given": "Jane", "affiliation": "Example University"}],
        "published": "2024-03-01",
        "references": ["Doe J. A cited work. J Ex. 2020;5(2):10-20. doi:10.1000/xyz"],
    }
    record.update(changes)
    return record


# ------------------------------------------------------------------------- tokens, scopes


def test_reads_stay_anonymous(client: TestClient, seeded: LoadResult) -> None:
    assert client.get(f"/articles/{seeded.article_id}").status_code == 200
    assert client.get("/changes").status_code == 200


def test_a_write_without_a_token_is_401_with_a_bearer_challenge(client: TestClient) -> None:
    response = client.post("/articles", json=json_record())
    assert response.status_code == 401
    assert response.headers["content-type"] == PROBLEM
    assert response.headers["www-authenticate"].startswith('Bearer realm="journal-metadata"')
    assert response.json()["status"] == 401


@pytest.mark.parametrize("which", ["unknown", "revoked", "malformed"])
def test_an_unknown_revoked_or_malformed_token_is_401_invalid_token(
    client: TestClient, tokens: dict[str, str], which: str
) -> None:
    token = {
        "unknown": tokens["write"][:-4] + "AAAA",
        "revoked": tokens["revoked"],
        "malformed": "not-a-token",
    }[which]
    response = client.post("/articles", json=json_record(), headers=bearer(token))
    assert response.status_code == 401
    assert 'error="invalid_token"' in response.headers["www-authenticate"]


def test_a_token_without_the_scope_is_403_insufficient_scope(
    client: TestClient, seeded: LoadResult, tokens: dict[str, str]
) -> None:
    response = client.delete(
        f"/articles/{seeded.article_id}", headers=bearer(tokens["write"], **{"If-Match": "*"})
    )
    assert response.status_code == 403
    assert response.headers["content-type"] == PROBLEM
    challenge = response.headers["www-authenticate"]
    assert 'error="insufficient_scope"' in challenge and 'scope="admin"' in challenge
    assert client.get(f"/articles/{seeded.article_id}").status_code == 200


def test_admin_includes_write(client: TestClient, tokens: dict[str, str]) -> None:
    response = client.post("/articles", json=json_record(), headers=bearer(tokens["admin"]))
    assert response.status_code == 201


# ------------------------------------------------------------------------------ create


def test_posting_a_page_creates_the_article_as_get_serves_it(
    client: TestClient, tokens: dict[str, str], seed_page: str, seed_expected: dict[str, Any]
) -> None:
    response = client.post(
        "/articles",
        params={"source_url": SEED_URL},
        content=seed_page.encode(),
        headers=bearer(tokens["write"], **{"Content-Type": "text/plain; charset=utf-8"}),
    )
    assert response.status_code == 201, response.text
    location = response.headers["location"]
    got = client.get(location, headers=PLAIN)
    assert got.status_code == 200
    assert response.content == got.content
    assert response.headers["etag"] == got.headers["etag"]
    body = response.json()
    assert body["title"] == seed_expected["article"]["title"]
    assert body["reference_count"] == len(seed_expected["references"])


def test_posting_the_same_page_again_changes_nothing(
    client: TestClient, seeded: LoadResult, tokens: dict[str, str], seed_page: str
) -> None:
    before = client.get(f"/articles/{seeded.article_id}", headers=PLAIN)
    changes = client.get("/changes").json()["items"]
    response = client.post(
        "/articles",
        params={"source_url": SEED_URL},
        content=seed_page.encode(),
        headers=bearer(tokens["write"], **{"Content-Type": "text/plain"}),
    )
    assert response.status_code == 200
    assert response.headers["etag"] == before.headers["etag"]
    assert response.json()["updated_at"] == before.json()["updated_at"]
    assert "location" not in response.headers
    assert client.get("/changes").json()["items"] == changes


def test_posting_json_creates_then_updates_by_source_url(
    client: TestClient, tokens: dict[str, str]
) -> None:
    created = client.post("/articles", json=json_record(), headers=bearer(tokens["write"]))
    assert created.status_code == 201, created.text
    article = created.json()
    assert article["doi"] == "10.1234/example.7"
    assert article["title"] == {"en": "An example article", "ru": "Пример статьи"}
    assert article["authors"][0]["affiliation"] == "Example University"
    assert article["reference_count"] == 1
    # The same source URL again, without references: an update that keeps the stored list.
    record = json_record(title={"en": "A corrected title"})
    del record["references"]
    updated = client.post("/articles", json=record, headers=bearer(tokens["write"]))
    assert updated.status_code == 200
    assert updated.json()["id"] == article["id"]
    assert updated.json()["title"] == {"en": "A corrected title"}
    assert updated.json()["reference_count"] == 1
    refs = client.get(f"/articles/{article['id']}/references").json()["items"]
    assert refs[0]["doi"] == "10.1000/xyz"


def test_a_get_edit_put_round_trip_is_accepted(
    client: TestClient, seeded: LoadResult, tokens: dict[str, str]
) -> None:
    url = f"/articles/{seeded.article_id}"
    got = client.get(url, headers=PLAIN)
    article = got.json()
    article["keywords"]["en"].append("a new keyword")
    response = client.put(
        url, json=article, headers=bearer(tokens["write"], **{"If-Match": got.headers["etag"]})
    )
    assert response.status_code == 200, response.text
    assert response.json()["keywords"]["en"][-1] == "a new keyword"
    assert response.json()["reference_count"] == article["reference_count"]
    assert response.json()["abstract"] == article["abstract"]
    assert client.get(url).json()["keywords"] == response.json()["keywords"]


@pytest.mark.parametrize(
    ("content_type", "body", "status"),
    [
        ("application/json", b"{not json", 400),
        ("application/json", b'{"title": {"en": "no journal"}}', 422),
        ("application/json", b'{"journal": {"title": {"en": "J"}}, "title": {}}', 422),
        # Types as the schema states them: a date is an ISO string (0 is not 1970-01-01), an
        # integer a JSON number (not "2024").
        ("application/json", b'{"journal": {"title": {"en": "J"}}, "title": {"en": "T"}, '
         b'"published": 0}', 422),
        ("application/json", b'{"journal": {"title": {"en": "J"}}, "title": {"en": "T"}, '
         b'"issue": {"year": "2024"}}', 422),
        ("application/json", b'{"journal": {"title": {"en": "J"}}, "title": {"en": "T"}, '
         b'"ojs_article_id": "7"}', 422),
        ("application/json", b'{"journal": {"title": {"en": "J"}}, "title": {"en": "T"}, '
         b'"ojs_article_id": 7.5}', 422),
        # NUL in any text: PostgreSQL cannot store it, so neither database takes it.
        ("application/json", b'{"journal": {"title": {"en": "J\\u0000"}}, "title": {"en": "T"}}',
         422),
        ("application/json", b'{"journal": {"title": {"en": "J"}, "base_url": "x\\u0000"}, '
         b'"title": {"en": "T"}}', 422),
        ("text/plain", b"just one line of running text, not a page", 422),
        ("application/pdf", b"%PDF-1.4", 415),
        ("text/plain", b"\xff\xfe\xfa not utf-8", 400),
    ],
)
def test_bad_bodies_are_problems_that_store_nothing(
    client: TestClient, tokens: dict[str, str], content_type: str, body: bytes, status: int
) -> None:
    response = client.post(
        "/articles", content=body, headers=bearer(tokens["write"], **{"Content-Type": content_type})
    )
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == PROBLEM
    assert client.get("/articles").json()["items"] == []
    assert client.get("/changes").json()["items"] == []


def test_a_doi_of_another_article_is_a_409(client: TestClient, tokens: dict[str, str]) -> None:
    first = client.post("/articles", json=json_record(), headers=bearer(tokens["write"]))
    other = json_record(source_url="https://journal.example/article/view/8", doi="10.1234/other")
    second = client.post("/articles", json=other, headers=bearer(tokens["write"]))
    assert second.status_code == 201
    taken = {**other, "doi": "10.1234/example.7"}
    response = client.put(
        second.headers["location"], json=taken, headers=bearer(tokens["write"], **{"If-Match": "*"})
    )
    assert response.status_code == 409
    assert response.headers["content-type"] == PROBLEM
    assert response.json()["article_id"] == first.json()["id"]
    assert client.get(second.headers["location"]).json()["doi"] == "10.1234/other"


def test_posting_a_known_doi_updates_that_article_as_the_loader_does(
    client: TestClient, tokens: dict[str, str]
) -> None:
    first = client.post("/articles", json=json_record(), headers=bearer(tokens["write"]))
    moved = json_record(source_url="https://mirror.example/article/7", pages="1-9")
    response = client.post("/articles", json=moved, headers=bearer(tokens["write"]))
    assert response.status_code == 200
    assert response.json()["id"] == first.json()["id"]
    assert response.json()["pages"] == "1-9"


# ------------------------------------------------------------------- If-Match, 412, 428


def test_put_needs_if_match(client: TestClient, seeded: LoadResult, tokens: dict[str, str]) -> None:
    url = f"/articles/{seeded.article_id}"
    article = client.get(url).json()
    response = client.put(url, json=article, headers=bearer(tokens["write"]))
    assert response.status_code == 428
    assert response.headers["content-type"] == PROBLEM


def test_a_stale_etag_is_412_and_changes_nothing(
    client: TestClient, seeded: LoadResult, tokens: dict[str, str]
) -> None:
    url = f"/articles/{seeded.article_id}"
    stale = etag_of(client, seeded.article_id)
    article = client.get(url).json()
    first = client.put(
        url,
        json={**article, "pages": "1-10"},
        headers=bearer(tokens["write"], **{"If-Match": stale}),
    )
    assert first.status_code == 200
    second = client.put(
        url,
        json={**article, "pages": "99-100"},
        headers=bearer(tokens["write"], **{"If-Match": stale}),
    )
    assert second.status_code == 412
    assert second.headers["etag"] == first.headers["etag"]
    assert client.get(url).json()["pages"] == "1-10"


def test_if_match_accepts_the_gzip_tag_and_star_but_not_a_weak_tag(
    client: TestClient, seeded: LoadResult, tokens: dict[str, str]
) -> None:
    url = f"/articles/{seeded.article_id}"
    gzipped = client.get(url, headers={"Accept-Encoding": "gzip"}).headers["etag"]
    assert gzipped.endswith('-gzip"')
    article = client.get(url).json()
    write = bearer(tokens["write"], **{"If-Match": "W/" + gzipped})
    assert client.put(url, json=article, headers=write).status_code == 412
    write["If-Match"] = gzipped
    assert client.put(url, json={**article, "pages": "5"}, headers=write).status_code == 200
    write["If-Match"] = "*"
    assert client.put(url, json={**article, "pages": "6"}, headers=write).status_code == 200


def test_a_put_replacing_with_identical_content_keeps_the_etag(
    client: TestClient, tokens: dict[str, str]
) -> None:
    created = client.post("/articles", json=json_record(), headers=bearer(tokens["write"]))
    url = created.headers["location"]
    again = client.put(
        url, json=json_record(), headers=bearer(tokens["write"], **{"If-Match": "*"})
    )
    assert again.status_code == 200
    assert again.headers["etag"] == created.headers["etag"]


def test_put_on_an_unknown_article_is_404(client: TestClient, tokens: dict[str, str]) -> None:
    response = client.put(
        "/articles/999999", json=json_record(), headers=bearer(tokens["write"], **{"If-Match": "*"})
    )
    assert response.status_code == 404


# ------------------------------------------------------------------- references, delete


def test_put_references_parses_them_and_reads_see_the_change(
    client: TestClient, seeded: LoadResult, tokens: dict[str, str]
) -> None:
    url = f"/articles/{seeded.article_id}"
    before = client.get(url, headers=PLAIN)
    raws = [
        "Smith J, Lee K. A trial. Lancet. 2019;393(10):100-7. doi:10.1016/S0140-6736(19)30001-1",
        "Иванов И.И. Название статьи // Журнал. 2018. № 2. С. 5–9.",
    ]
    response = client.put(
        f"{url}/references",
        json={"references": raws},
        headers=bearer(tokens["write"], **{"If-Match": before.headers["etag"]}),
    )
    assert response.status_code == 200, response.text
    items = response.json()["items"]
    assert [item["raw"] for item in items] == raws
    assert items[0]["doi"] == "10.1016/s0140-6736(19)30001-1"
    assert items[0]["csl"]["issued"]["date-parts"][0][0] == 2019
    listed = client.get(f"{url}/references").json()["items"]
    assert [item["raw"] for item in listed] == raws
    after = client.get(url, headers=PLAIN)
    assert after.json()["reference_count"] == 2
    assert after.headers["etag"] != before.headers["etag"]
    # The old tag is stale now.
    stale = client.put(
        f"{url}/references",
        json={"references": raws[:1]},
        headers=bearer(tokens["write"], **{"If-Match": before.headers["etag"]}),
    )
    assert stale.status_code == 412


def put_text_references(
    client: TestClient, seeded: LoadResult, tokens: dict[str, str], lines: bytes
) -> httpx.Response:
    """PUT the seeded article's reference list as text/plain lines, whatever its tag."""
    return client.put(
        f"/articles/{seeded.article_id}/references",
        content=lines,
        headers=bearer(tokens["write"], **{"If-Match": "*", "Content-Type": "text/plain"}),
    )


def test_put_references_as_text_lines(
    client: TestClient, seeded: LoadResult, tokens: dict[str, str]
) -> None:
    response = put_text_references(
        client, seeded, tokens, b"First ref. J Ex. 2001;1:1-2.\n\n  Second ref. J Ex. 2002;2:3-4.\n"
    )
    assert response.status_code == 200
    assert [i["raw"] for i in response.json()["items"]] == [
        "First ref. J Ex. 2001;1:1-2.",
        "Second ref. J Ex. 2002;2:3-4.",
    ]


def test_text_bodies_say_in_the_schema_that_they_hold_no_nul(
    client: TestClient, seeded: LoadResult, tokens: dict[str, str]
) -> None:
    # make fuzz (ST202): a text/plain reference list with a NUL was schema-valid but refused.
    response = put_text_references(client, seeded, tokens, b"A ref.\x00 J Ex. 2001;1:1-2.\n")
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    paths = client.get("/openapi.json").json()["paths"]
    bodies = [
        paths["/articles/{article_id}/references"]["put"]["requestBody"]["content"],
        paths["/articles"]["post"]["requestBody"]["content"],
    ]
    for content in bodies:
        for media_type, described in content.items():
            if media_type.startswith("text/"):
                assert re.search(described["schema"]["pattern"], "a\x00b") is None, media_type
                assert re.search(described["schema"]["pattern"], "a\nb") is not None


def test_delete_leaves_a_tombstone(
    client: TestClient, seeded: LoadResult, tokens: dict[str, str]
) -> None:
    url = f"/articles/{seeded.article_id}"
    response = client.delete(
        url, headers=bearer(tokens["admin"], **{"If-Match": etag_of(client, seeded.article_id)})
    )
    assert response.status_code == 204
    for path in (url, f"{url}/references", f"{url}?format=bibtex"):
        gone = client.get(path)
        assert gone.status_code == 410, path
        assert gone.headers["content-type"] == PROBLEM
        assert gone.json()["deleted_at"]
    assert client.get("/articles").json()["items"] == []
    assert client.get("/references", params={"article": seeded.article_id}).json()["items"] == []
    assert client.get("/articles", params={"q": "immunotherapy"}).json()["items"] == []
    again = client.delete(url, headers=bearer(tokens["admin"], **{"If-Match": "*"}))
    assert again.status_code == 410
    events = client.get("/changes", params={"article": seeded.article_id}).json()["items"]
    assert [e["event"] for e in events] == ["created", "deleted"]


def test_a_new_article_never_takes_a_deleted_articles_id(
    client: TestClient, tokens: dict[str, str]
) -> None:
    first = client.post("/articles", json=json_record(), headers=bearer(tokens["write"])).json()
    client.delete(
        f"/articles/{first['id']}", headers=bearer(tokens["admin"], **{"If-Match": "*"})
    )
    second = client.post("/articles", json=json_record(), headers=bearer(tokens["write"]))
    assert second.status_code == 201
    assert second.json()["id"] > first["id"]
    assert client.get(f"/articles/{first['id']}").status_code == 410


# ----------------------------------------------------------------------------- body size


def _chunks(total: int, size: int = 65536) -> Any:
    sent = 0
    while sent < total:
        chunk = b" " * min(size, total - sent)
        sent += len(chunk)
        yield chunk


@pytest.mark.parametrize(
    ("method", "path"),
    [("post", "/articles"), ("put", "/articles/{id}"), ("put", "/articles/{id}/references")],
)
def test_an_oversized_body_is_413_before_it_is_read_whole(
    client: TestClient, seeded: LoadResult, tokens: dict[str, str], method: str, path: str
) -> None:
    limit = get_settings().max_body_bytes
    url = path.format(id=seeded.article_id)
    headers = bearer(tokens["write"], **{"If-Match": "*", "Content-Type": "text/plain"})
    changes = client.get("/changes").json()["items"]
    declared = client.request(method, url, content=b"x" * (limit + 1), headers=headers)
    assert declared.status_code == 413
    assert declared.headers["content-type"] == PROBLEM
    chunked = client.request(method, url, content=_chunks(limit + 1), headers=headers)
    assert chunked.status_code == 413
    assert chunked.headers["content-type"] == PROBLEM
    assert client.get("/changes").json()["items"] == changes


def test_a_page_naming_no_journal_is_a_422_until_its_address_is_given(
    client: TestClient, tokens: dict[str, str]
) -> None:
    """The loader's rule over HTTP: a logo-only page needs ?source_url= (it answered 500)."""
    page = (FIXTURES / "ojs_pages" / "07_es_landing_url_only.txt").read_bytes()
    headers = bearer(tokens["write"], **{"Content-Type": "text/plain; charset=utf-8"})
    response = client.post("/articles", content=page, headers=headers)
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == PROBLEM
    assert "source_url" in response.json()["detail"]
    assert client.get("/articles").json()["items"] == []
    url = "https://revistas.ejemplo.edu.co/index.php/rep/article/view/877"
    response = client.post("/articles", params={"source_url": url}, content=page, headers=headers)
    assert response.status_code == 201, response.text
