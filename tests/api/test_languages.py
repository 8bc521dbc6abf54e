"""The reader's language: lang=, fallback= and Accept-Language (RFC 4647 lookup) choose which
title, abstract and keywords come first or alone; Content-Language says which, Vary says why."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from app.api.languages import lookup, parse_accept_language
from tests.conftest import StatementCounter

TRILINGUAL = 1  # corpus article 0: titles en, ru, az
ENGLISH_ONLY = 2  # corpus article 1: title en only


def vary(response) -> set[str]:  # type: ignore[no-untyped-def]
    return {v.strip().lower() for v in response.headers.get("vary", "").split(",")}


def test_accept_language_is_parsed_by_weight_in_order() -> None:
    ranges = parse_accept_language("ru;q=0.5, az-Latn-AZ, en;q=0.8, de;q=0, *;q=0.1, b@d")
    assert [(r.tag, r.q) for r in ranges] == [
        ("az-Latn-AZ", 1.0), ("en", 0.8), ("ru", 0.5), ("*", 0.1)
    ]


@pytest.mark.parametrize(
    ("ranges", "available", "expected"),
    [
        (["zh-Hant-CN-x-private1-private2"], ["zh", "zh-Hant"], "zh-Hant"),  # RFC 4647 §3.4
        (["az-Latn-AZ"], ["en", "az"], "az"),
        (["AZ"], ["az"], "az"),
        (["fr", "ru"], ["en", "ru"], "ru"),
        (["en"], ["en-GB"], None),  # lookup never widens a range to a longer tag
        (["*"], ["en"], None),
    ],
)
def test_rfc4647_lookup(ranges: list[str], available: list[str], expected: str | None) -> None:
    assert lookup(ranges, available) == expected


def test_accept_language_puts_the_best_match_first(corpus_client: TestClient) -> None:
    response = corpus_client.get(
        f"/articles/{TRILINGUAL}", headers={"Accept-Language": "az-AZ, ru;q=0.9"}
    )
    assert response.status_code == 200
    assert list(response.json()["title"]) == ["az", "en", "ru"]
    assert response.headers["content-language"] == "az"
    assert {"accept", "accept-language"} <= vary(response)


def test_without_preference_the_printed_order_is_kept(corpus_client: TestClient) -> None:
    response = corpus_client.get(f"/articles/{TRILINGUAL}")
    assert list(response.json()["title"]) == ["en", "ru", "az"]
    assert response.headers["content-language"] == "en"
    assert "accept-language" in vary(response)


def test_lang_alone_serves_only_that_language(corpus_client: TestClient) -> None:
    body = corpus_client.get(f"/articles/{TRILINGUAL}", params={"lang": "ru"}).json()
    assert list(body["title"]) == ["ru"]
    assert set(body["keywords"]) <= {"ru"}


def test_lang_missing_is_a_406_unless_fallback(corpus_client: TestClient) -> None:
    refused = corpus_client.get(f"/articles/{ENGLISH_ONLY}", params={"lang": "az"})
    assert refused.status_code == 406
    assert refused.headers["content-type"] == "application/problem+json"
    assert "en" in refused.json()["available_languages"]
    served = corpus_client.get(
        f"/articles/{ENGLISH_ONLY}", params={"lang": "az", "fallback": "true"}
    )
    assert served.status_code == 200
    assert list(served.json()["title"]) == ["en"]
    assert served.headers["content-language"] == "en"


def test_lang_query_wins_over_the_header(corpus_client: TestClient) -> None:
    response = corpus_client.get(
        f"/articles/{TRILINGUAL}",
        params={"lang": "ru", "fallback": "true"},
        headers={"Accept-Language": "az"},
    )
    assert list(response.json()["title"]) == ["ru", "en", "az"]


def test_list_items_are_localized_one_by_one(
    corpus_client: TestClient, corpus_statements: StatementCounter
) -> None:
    response = corpus_client.get(
        "/articles", params={"limit": 4}, headers={"Accept-Language": "az, ru;q=0.5"}
    )
    items = response.json()["items"]
    assert [next(iter(i["title"])) for i in items] == ["az", "en", "en", "ru"]
    assert response.headers["content-language"] == "az, en, ru"
    assert "accept-language" in vary(response)
    assert corpus_statements.count <= 3


def test_list_lang_with_fallback_keeps_every_article(corpus_client: TestClient) -> None:
    only = corpus_client.get("/articles", params={"lang": "az", "limit": 3}).json()["items"]
    assert all(list(i["title"]) == ["az"] for i in only)
    every = corpus_client.get(
        "/articles", params={"lang": "az", "fallback": "true", "limit": 3}
    ).json()["items"]
    assert [i["id"] for i in every] == [1, 2, 3]
    assert list(every[0]["title"])[0] == "az"


def test_fields_keep_the_language_choice(corpus_client: TestClient) -> None:
    body = corpus_client.get(
        f"/articles/{TRILINGUAL}", params={"fields": "id,title", "lang": "az"}
    ).json()
    assert body == {"id": TRILINGUAL, "title": {"az": body["title"]["az"]}}
