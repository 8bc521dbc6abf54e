"""The command line reads well and fails in one line: help, usage errors, registration."""

from __future__ import annotations

import subprocess
import sys

import pytest

from app.cli import cli, main
from app.config import PROJECT_ROOT, Settings


def test_help_lists_every_command_and_every_environment_variable(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["--help"]) == 0
    out = capsys.readouterr().out
    for command in ("migrate", "seed", "load", "reparse", "serve"):
        assert command in out
    for name in Settings.model_fields:
        assert name.upper() in out


@pytest.mark.parametrize(
    ("argv", "reason"),
    [
        (["lod"], "No such command 'lod'"),
        (["load"], "Missing argument"),
        (["seed", "--if-full"], "No such option"),
        (["load", "--url", "https://example.org/a", "a.txt", "b.txt"], "single PATH"),
    ],
)
def test_usage_errors_are_one_line_and_a_non_zero_exit(
    argv: list[str], reason: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(argv) != 0
    err = capsys.readouterr().err
    assert err.startswith("error: ") and err.count("\n") == 1 and reason in err, err


@pytest.mark.parametrize(
    ("argv", "commands"),
    [([], "migrate, seed, load, reparse, serve, delete, dump, restore or token"),
     (["token"], "create, list or revoke")],
)  # fmt: skip
def test_a_command_group_alone_shows_its_help_and_says_what_is_missing(
    argv: list[str], commands: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(argv) == 2
    out, err = capsys.readouterr()
    assert "Usage: python -m app" in out
    path = " ".join(["python -m app", *argv])
    assert err == f"error: {path} needs a command: {commands}\n"


COMMANDS = [[info.name] for info in cli.registered_commands if info.name] + [
    ["token", name] for name in ("create", "list", "revoke")
]


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_each_command_help_names_the_environment_variables_it_reads(
    command: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main([*command, "--help"]) == 0
    out = " ".join(capsys.readouterr().out.split())
    assert "Environment: " in out and "DATABASE_URL" in out, out


def test_every_registered_command_has_help_text() -> None:
    names = {info.name for info in cli.registered_commands}
    assert names >= {"migrate", "seed", "load", "reparse", "serve"}
    assert all(info.callback.__doc__ for info in cli.registered_commands if info.callback)


def test_python_dash_m_app_is_the_entry_point() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "app", "load", "--help"],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0 and "--url" in result.stdout
