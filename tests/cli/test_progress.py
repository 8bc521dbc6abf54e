"""Progress: plain numbered lines when not on a terminal, a rich bar with rate and ETA on one."""

from __future__ import annotations

import io
import sys

import pytest
from rich.console import Console

from app.cli import progress as progress_module
from app.cli.progress import progress


def test_plain_lines_number_each_item_and_keep_failures_on_stderr(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with progress(3, "load", bar=False) as tracker:
        tracker.item("a.txt: created article 1")
        tracker.item("b.txt: error: empty page", failed=True)
        tracker.item("c.txt: unchanged article 2")
    captured = capsys.readouterr()
    assert captured.out.splitlines() == [
        "[1/3] a.txt: created article 1",
        "[3/3] c.txt: unchanged article 2",
    ]
    assert captured.err.splitlines() == ["[2/3] b.txt: error: empty page"]
    assert tracker.done == 3 and tracker.failed == 1


def test_the_bar_shows_count_rate_and_eta(monkeypatch: pytest.MonkeyPatch) -> None:
    screen = io.StringIO()
    monkeypatch.setattr(
        progress_module,
        "Console",
        lambda **_kw: Console(file=screen, force_terminal=True, width=120),
    )
    monkeypatch.setattr(sys, "stdout", io.StringIO())
    with progress(2, "seed", bar=True) as tracker:
        tracker.item("one")
        tracker.item("two")
    drawn = screen.getvalue()
    assert "seed" in drawn and "2/2" in drawn and "/s" in drawn and "ETA" in drawn
