"""Property-based run over the OpenAPI document: no 5xx, and every response fits its schema.

Schemathesis generates requests from `/openapi.json` (valid and invalid parameters, DOIs,
cursors, bodies) against the app holding the generated corpus, on both dialects: a few hundred
cases in all, each operation its own hypothesis run. The checks are schemathesis' defaults
(no server error, status codes, content types, headers and bodies as documented) configured as
`make fuzz` configures them (campaigns/schemathesis.toml): schema-valid data must be accepted,
except a forged cursor or an unknown style id (campaigns/schemathesis_checks.py).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import positive_data_acceptance

from app.main import app
from campaigns.schemathesis_checks import positive_data_acceptance_but_server_keys

CONFIG = Path(__file__).resolve().parents[2] / "campaigns" / "schemathesis.toml"

EXAMPLES_PER_OPERATION = 20


def test_no_server_errors_and_responses_fit_the_schema(corpus_client: TestClient) -> None:
    config = schemathesis.Config.from_path(str(CONFIG))
    schema = schemathesis.openapi.from_asgi("/openapi.json", app, config=config)
    failures: list[str] = []
    operations = 0
    for result in schema.get_all_operations():
        operation = result.ok()
        operations += 1

        @given(case=operation.as_strategy())
        @settings(
            max_examples=EXAMPLES_PER_OPERATION,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            derandomize=True,
            database=None,
        )
        def check(case: Any) -> None:
            case.call_and_validate(
                excluded_checks=[positive_data_acceptance],
                additional_checks=[positive_data_acceptance_but_server_keys],
            )

        try:
            check()
        except Exception as exc:  # noqa: BLE001 - collect every operation's failure, then report
            failures.append(f"{operation.label}: {exc}")
    assert operations >= 10
    assert not failures, "\n\n".join(failures)
