"""What the service imports is what a production install (`uv sync --no-dev`, the Dockerfile)
gives it: every third-party module under app/ comes from a runtime dependency of pyproject.toml
(directly or through one), and the dev-only tools stay out of the runtime set."""

from __future__ import annotations

import ast
import sys
import tomllib
from importlib import metadata
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[1]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def runtime_closure() -> set[str]:
    """The distributions `[project].dependencies` install, with their own requirements."""
    seen: set[str] = set()
    pending = [(Requirement(text), "") for text in PYPROJECT["project"]["dependencies"]]
    while pending:
        requirement, extra = pending.pop()
        if requirement.marker and not requirement.marker.evaluate({"extra": extra}):
            continue
        name = canonicalize_name(requirement.name)
        extras = sorted(requirement.extras)
        key = f"{name}[{','.join(extras)}]"
        if key in seen:
            continue
        seen.add(key)
        for text in metadata.requires(name) or []:
            for wanted in ["", *extras]:
                pending.append((Requirement(text), wanted))
    return {key.split("[")[0] for key in seen}


def imported_modules(folder: Path) -> set[str]:
    """Top-level names of the absolute imports in ``folder``'s modules, stdlib left out."""
    names: set[str] = set()
    for path in folder.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names.add(node.module.split(".")[0])
    return names - set(sys.stdlib_module_names) - {"app", "__future__"}


def test_every_module_the_app_imports_is_installed_by_a_runtime_dependency() -> None:
    runtime = runtime_closure()
    providers = metadata.packages_distributions()
    missing = {
        module: providers.get(module)
        for module in imported_modules(ROOT / "app")
        if not {canonicalize_name(d) for d in providers.get(module, [])} & runtime
    }
    assert missing == {}, f"imported by app/ but not a runtime dependency: {missing}"


def test_test_and_benchmark_tools_are_dev_dependencies_only() -> None:
    runtime = runtime_closure()
    dev = {canonicalize_name(Requirement(t).name) for t in PYPROJECT["dependency-groups"]["dev"]}
    assert {"httpx", "pytest", "ruff", "mypy"} <= dev
    assert {"httpx", "pytest", "ruff", "mypy"}.isdisjoint(runtime)
    assert "pylatexenc" in runtime  # the BibTeX exporter's LaTeX escaping
