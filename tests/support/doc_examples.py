"""Curl examples of the Markdown docs: extracted, run in bash against a live server, recorded.

An example is a line of a ```sh block that calls ``curl`` (a trailing ``\\`` continues it), or an
inline code span that starts with ``curl``. Other lines of such a block (``etag=$(curl ...)``) run
too, in order, in the same shell, so an example may use a variable an earlier line set. The docs'
base URL (``http://127.0.0.1:8000``, ``localhost:8000``) is rewritten to the test server's; the
shell also has ``BASE`` (that URL) and every variable the fixture sets (see ``docs/api.md``).
"""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

DOC_BASE_URLS = ("http://127.0.0.1:8000", "http://localhost:8000", "localhost:8000")
_FENCE = re.compile(r"^```(\w*)\s*$")
_INLINE_CURL = re.compile(r"`(curl [^`]+)`")
_MARK = "@@example-done@@"
_ASSIGNMENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*=")


@dataclass(frozen=True)
class Example:
    doc: str  # file name, e.g. docs/api.md
    line: int  # 1-based line of the example in that file
    command: str  # as written (continuations joined)
    block: int  # examples of one block share one shell

    @property
    def name(self) -> str:
        return f"{self.doc}:{self.line}: {self.command}"

    @property
    def key(self) -> str:
        """The command without its trailing ``# comment``, as expectations are keyed."""
        return re.sub(r"\s+#\s.*$", "", self.command)


@dataclass(frozen=True)
class Outcome:
    statuses: list[int]  # HTTP status of every curl call the line made, in order
    output: str  # what the line printed (after its pipes)
    errors: str  # stderr, less the statuses


def extract(path: Path, root: Path) -> list[list[tuple[int, str, bool]]]:
    """Blocks of (line number, shell line, is_example) from one Markdown file."""
    doc_lines = path.read_text(encoding="utf-8").splitlines()
    blocks: list[list[tuple[int, str, bool]]] = []
    fence: str | None = None
    current: list[tuple[int, str, bool]] = []
    pending = ""
    pending_line = 0
    for number, line in enumerate(doc_lines, start=1):
        match = _FENCE.match(line.strip())
        if fence is None:
            if match:
                fence, current = match.group(1), []
                continue
            for inline in _INLINE_CURL.findall(line):
                blocks.append([(number, inline, True)])
            continue
        if match:
            if fence in {"sh", "bash", "shell", "console"} and any(c[2] for c in current):
                blocks.append(current)
            fence = None
            continue
        if not pending:
            pending_line = number
        stripped = line.rstrip()
        if stripped.endswith("\\"):
            pending += stripped[:-1].rstrip() + " "
            continue
        command = (pending + stripped.strip()).strip()
        pending = ""
        if command and not command.startswith("#"):
            calls_curl = bool(re.search(r"(^|[\s|$(])curl\s", command))
            # `name=$(curl ...)` prepares a later example; it is run, not judged by itself.
            current.append((pending_line, command, calls_curl and not _ASSIGNMENT.match(command)))
    return blocks


def examples(paths: list[Path], root: Path) -> list[Example]:
    found: list[Example] = []
    block_id = 0
    for path in paths:
        for block in extract(path, root):
            block_id += 1
            for number, command, is_example in block:
                if is_example:
                    found.append(Example(str(path.relative_to(root)), number, command, block_id))
    return found


def run_blocks(
    paths: list[Path], root: Path, base_url: str, env: dict[str, str], timeout: float = 60
) -> dict[tuple[str, int], Outcome]:
    """Run every block in its own bash; the outcome of each example line by (doc, line)."""
    outcomes: dict[tuple[str, int], Outcome] = {}
    for path in paths:
        doc = str(path.relative_to(root))
        for block in extract(path, root):
            script = [
                "set -o pipefail",
                # Every curl call reports its status on stderr, whatever the example pipes.
                "curl() { command curl --write-out '%{stderr}@@status %{http_code}\\n' \"$@\"; }",
            ]
            for number, command, _ in block:
                script.append(rewrite(command, base_url))
                script.append(f"echo {_MARK}{number}; echo {_MARK}{number} >&2")
            result = subprocess.run(
                ["bash", "-c", "\n".join(script)],
                capture_output=True,
                text=True,
                timeout=timeout,
                env={**env, "BASE": base_url},
                check=False,
            )
            outputs = _split(result.stdout)
            errors = _split(result.stderr)
            for number, _command, is_example in block:
                if not is_example:
                    continue
                err = errors.get(number, result.stderr[-500:] if number not in outputs else "")
                statuses = [int(s) for s in re.findall(r"@@status (\d{3})", err)]
                outcomes[(doc, number)] = Outcome(
                    statuses=statuses,
                    output=outputs.get(number, ""),
                    errors=re.sub(r"@@status \d{3}\n?", "", err).strip(),
                )
    return outcomes


def rewrite(command: str, base_url: str) -> str:
    for documented in DOC_BASE_URLS:
        command = command.replace(documented, base_url)
    return command.replace(f"http://{base_url}", base_url)


def _split(stream: str) -> dict[int, str]:
    """What each line printed, cut at the markers echoed after it."""
    parts: dict[int, str] = {}
    start = 0
    for match in re.finditer(rf"{_MARK}(\d+)\n", stream):
        parts[int(match.group(1))] = stream[start : match.start()]
        start = match.end()
    return parts
