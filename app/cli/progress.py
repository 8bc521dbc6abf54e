"""Progress for long work: a rich bar with rate and ETA on a terminal, plain lines otherwise.

Commands report each finished item with :meth:`Progress.item`; the bar (or the line) is the
helper's business. Safe to call from worker threads. When stderr is not a terminal (CI, a pipe,
a log file), every item is one line prefixed ``[done/total]`` and nothing is redrawn.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TextIO

from rich import progress as rich_progress
from rich.console import Console
from rich.text import Text


class Progress:
    def __init__(
        self, total: int, *, bar: rich_progress.Progress | None = None, to_stderr: bool = False
    ) -> None:
        self.total = total
        self.to_stderr = to_stderr
        self.done = 0
        self.failed = 0
        self._bar = bar
        self._task = bar.add_task("", total=total) if bar is not None else None
        self._lock = threading.Lock()

    def item(self, message: str, *, failed: bool = False) -> None:
        """One item finished: ``message`` says how (results to stdout, failures to stderr)."""
        stream: TextIO = sys.stderr if failed or self.to_stderr else sys.stdout
        with self._lock:
            self.done += 1
            self.failed += int(failed)
            if self._bar is not None and self._task is not None:
                # Printed above the live bar (rich redirects the standard streams meanwhile).
                print(message, file=stream)
                self._bar.advance(self._task)
            else:
                print(f"[{self.done}/{self.total}] {message}", file=stream, flush=True)


def _bar_wanted(force: bool | None) -> bool:
    if force is not None:
        return force
    return sys.stderr.isatty()


@contextmanager
def progress(
    total: int, description: str, *, bar: bool | None = None, to_stderr: bool = False
) -> Iterator[Progress]:
    """Track ``total`` items; ``bar`` forces the rich bar on or off (default: stderr is a TTY);
    ``to_stderr`` sends the per-item lines there too (when they are progress, not results)."""
    if not _bar_wanted(bar):
        yield Progress(total, to_stderr=to_stderr)
        return
    columns = (
        rich_progress.TextColumn(description),
        rich_progress.BarColumn(),
        rich_progress.MofNCompleteColumn(),
        rich_progress.TaskProgressColumn(),
        _RateColumn(),
        rich_progress.TextColumn("ETA"),
        rich_progress.TimeRemainingColumn(),
    )
    with rich_progress.Progress(*columns, console=Console(stderr=True)) as live:
        yield Progress(total, bar=live, to_stderr=to_stderr)


class _RateColumn(rich_progress.ProgressColumn):
    """Items per second, from rich's own moving estimate."""

    def render(self, task: rich_progress.Task) -> Text:
        speed = task.speed
        return Text("  -- /s" if speed is None else f"{speed:6.1f}/s", style="progress.data.speed")
