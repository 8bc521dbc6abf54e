"""The Docker image and compose file agree with the code they package, though no engine runs
here to build them: every variable they set is a setting, every command they run exists, every
file they copy is in the build context, and uv is the version the Makefile pins."""

from __future__ import annotations

import fnmatch
import json
import re
import shlex
from pathlib import Path

import yaml

from app.cli import cli
from app.config import Settings
from app.main import app

ROOT = Path(__file__).resolve().parents[1]
DOCKERFILE = (ROOT / "Dockerfile").read_text(encoding="utf-8")
COMPOSE = yaml.safe_load((ROOT / "compose.yaml").read_text(encoding="utf-8"))
# Variables of the image that are not the app's settings (Python's, uv's).
NOT_SETTINGS = {"PYTHONDONTWRITEBYTECODE", "PYTHONUNBUFFERED", "UV_PROJECT_ENVIRONMENT",
                "UV_PYTHON_DOWNLOADS", "UV_COMPILE_BYTECODE"}  # fmt: skip


def instructions() -> list[tuple[str, str]]:
    """The Dockerfile's instructions with continuation lines joined, comments dropped."""
    joined = re.sub(r"\\\n\s*", " ", DOCKERFILE)
    rows = [line.strip() for line in joined.splitlines()]
    return [
        (line.split(None, 1)[0].upper(), line.split(None, 1)[1])
        for line in rows
        if line and not line.startswith("#")
    ]


def image_env() -> dict[str, str]:
    env: dict[str, str] = {}
    for keyword, rest in instructions():
        if keyword == "ENV":
            env.update(pair.split("=", 1) for pair in shlex.split(rest))
    return env


def test_every_variable_the_image_and_compose_set_is_a_setting() -> None:
    settings = {name.upper() for name in Settings.model_fields}
    assert set(image_env()) - NOT_SETTINGS <= settings
    api = COMPOSE["services"]["api"]
    assert set(api["environment"]) <= settings


def test_the_image_serves_like_make_run() -> None:
    env = image_env()
    assert env["HOST"] == "0.0.0.0" and env["PORT"] == "8000"
    assert env["RATE_LIMITS"] == "1"  # as `make run`: limits on when serving for real
    assert Settings(**{k.lower(): v for k, v in env.items() if k not in NOT_SETTINGS})


def test_the_commands_the_image_runs_exist() -> None:
    commands = {info.name for info in cli.registered_commands}
    (cmd,) = [rest for keyword, rest in instructions() if keyword == "CMD"]
    script = json.loads(cmd)[-1]
    run = re.findall(r"-m app (\w+)", script)
    assert run == ["migrate", "seed", "serve"] and set(run) <= commands
    assert "--if-empty" in script
    (check,) = [rest for keyword, rest in instructions() if keyword == "HEALTHCHECK"]
    assert "/health" in check
    assert "/health" in app.openapi()["paths"]


def test_the_image_copies_only_what_the_context_holds() -> None:
    ignored = [
        line.strip()
        for line in (ROOT / ".dockerignore").read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    ]
    copied = [
        source
        for keyword, rest in instructions()
        if keyword == "COPY"
        for source in shlex.split(rest)[:-1]
        if not source.startswith("--")
    ]
    assert {"app", "migrations", "seed", "alembic.ini", "uv.lock", "pyproject.toml"} <= set(copied)
    for source in copied:
        assert (ROOT / source).exists(), source
        assert not any(fnmatch.fnmatch(source, pattern) for pattern in ignored), source


def test_uv_is_the_version_the_makefile_pins() -> None:
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    pinned = re.search(r"^UV_VERSION := (\S+)$", makefile, re.MULTILINE)
    assert pinned is not None
    assert f"uv=={pinned[1]}" in DOCKERFILE


def test_compose_runs_the_api_against_a_healthy_postgresql() -> None:
    services = COMPOSE["services"]
    api, db = services["api"], services["db"]
    assert api["depends_on"]["db"]["condition"] == "service_healthy" and "healthcheck" in db
    url = api["environment"]["DATABASE_URL"]
    assert url.startswith("postgresql://") and "@db:" in url
    assert Settings(database_url=url).database_url.startswith("postgresql+psycopg://")
    assert api["ports"] == ["8000:8000"]
    assert api["environment"]["PUBLIC_BASE_URL"] == "http://localhost:8000"
