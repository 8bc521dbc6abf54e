"""The reference parser's models load at start-up only when PRELOAD_PARSER asks for it: a worker
that only serves reads keeps ~30 MiB less (issue 9's RSS budget), and the first parse loads them."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

import app.main


@pytest.mark.parametrize(("setting", "loads"), [(None, 0), ("0", 0), ("1", 1)])
def test_start_up_loads_the_parser_models_only_when_asked(
    settings_env: pytest.MonkeyPatch, setting: str | None, loads: int
) -> None:
    if setting is None:
        settings_env.delenv("PRELOAD_PARSER", raising=False)
    else:
        settings_env.setenv("PRELOAD_PARSER", setting)
    calls: list[None] = []
    settings_env.setattr(app.main, "warm_up", lambda: calls.append(None))
    with TestClient(app.main.create_app()) as client:
        assert client.get("/health").status_code == 200
    assert len(calls) == loads
