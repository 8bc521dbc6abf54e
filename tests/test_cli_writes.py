"""`python -m app token ...` and `delete`: the CLI and HTTP write to the same place alike."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from app.cli import main
from app.main import app
from tests.conftest import FIXTURES
from tests.test_cli import cli_db, dump  # noqa: F401  (fixture)

SEED = FIXTURES / "seed_page.txt"


@pytest.fixture
def api(cli_db: str) -> TestClient:  # noqa: F811
    return TestClient(app, raise_server_exceptions=False)


def test_a_created_token_is_printed_once_and_works_over_http(
    api: TestClient, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["token", "create", "--name", "workflow", "--scope", "write"]) == 0
    captured = capsys.readouterr()
    token = captured.out.strip()
    assert token.startswith("jm_") and "\n" not in token
    assert "shown only this once" in captured.err
    assert main(["token", "list"]) == 0
    listed = capsys.readouterr().out
    assert "workflow" in listed and "write" in listed and "active" in listed
    assert token.rsplit("_", 1)[-1] not in listed  # the secret is never shown again
    response = api.post(
        "/articles",
        content=SEED.read_bytes(),
        headers={"Authorization": f"Bearer {token}", "Content-Type": "text/plain"},
    )
    assert response.status_code == 201
    token_id = listed.split("\t", 1)[0]
    assert main(["token", "revoke", token_id]) == 0
    assert "revoked" in capsys.readouterr().out
    again = api.post(
        "/articles",
        content=SEED.read_bytes(),
        headers={"Authorization": f"Bearer {token}", "Content-Type": "text/plain"},
    )
    assert again.status_code == 401


def test_the_secret_is_stored_only_as_a_digest(
    cli_db: str, capsys: pytest.CaptureFixture[str]  # noqa: F811
) -> None:
    assert main(["token", "create", "--name", "n", "--scope", "admin"]) == 0
    secret = capsys.readouterr().out.strip().rsplit("_", 1)[-1]
    stored = dump(cli_db)["api_token"]
    assert stored and all(secret not in str(row) for row in stored)


@pytest.mark.parametrize(
    ("argv", "reason"),
    [
        (["token", "create", "--name", "x", "--scope", "root"], "unknown scope 'root'"),
        (["token", "create", "--name", " ", "--scope", "write"], "needs a name"),
        (["token", "revoke", "999"], "no token with id 999"),
    ],
)
def test_token_mistakes_fail_in_one_line(
    cli_db: str, capsys: pytest.CaptureFixture[str], argv: list[str], reason: str  # noqa: F811
) -> None:
    assert main(argv) != 0
    err = capsys.readouterr().err.strip()
    assert err.startswith("error: ") and reason in err and "\n" not in err


def test_cli_load_and_delete_feed_the_same_changes_and_tombstones_as_http(
    api: TestClient, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["load", str(SEED)]) == 0
    article_id = api.get("/articles").json()["items"][0]["id"]
    assert main(["delete", str(article_id)]) == 0
    assert f"article {article_id}: deleted" in capsys.readouterr().out
    assert api.get(f"/articles/{article_id}").status_code == 410
    events = api.get("/changes").json()["items"]
    assert [(e["article_id"], e["event"]) for e in events] == [
        (article_id, "created"),
        (article_id, "deleted"),
    ]
    assert main(["delete", str(article_id)]) == 1
    assert "no such article" in capsys.readouterr().err
