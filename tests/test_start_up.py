"""What a worker does once at start-up, so that no request pays for it: the catalog of citation
styles is read; the reference parser's models load only when PRELOAD_PARSER asks for it (a worker
that only serves reads keeps ~30 MiB less, issue 9's RSS budget; the first parse loads them)."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

import app.main
from app.exporters import citation_catalog


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


def test_start_up_reads_the_citation_style_catalog(settings_env: pytest.MonkeyPatch) -> None:
    # Read by the first request naming a style, it stalled the event loop (include=citation:)
    # and took 12 s on a busy machine's cold disk (make fuzz, ST112).
    citation_catalog.styles.cache_clear()
    with TestClient(app.main.create_app()):
        assert citation_catalog.styles.cache_info().currsize == 1
