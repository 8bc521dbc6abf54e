"""The site's Jinja2 environment: our templates, under the journal's own when a setting points at
them, and the stylesheet (ours, or the journal's). Built once per process.

A journal brands the site with ``SITE_TEMPLATES_DIR`` (a folder whose templates replace ours by
name, e.g. ``base.html`` alone for the header and footer) and ``SITE_STYLESHEET`` (a CSS file
served at ``/static/site.css`` in place of ours). Templates autoescape; URLs from records pass
through ``safe_http_url`` (the ``href`` filter), so a ``javascript:`` URL is never a link.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

from jinja2 import ChoiceLoader, Environment, FileSystemLoader, select_autoescape

from app.config import get_settings
from app.exporters.safe_links import safe_http_url
from app.site.links import site_root

SITE_DIR = Path(__file__).parent
TEMPLATES_DIR = SITE_DIR / "templates"
STATIC_DIR = SITE_DIR / "static"


def environment() -> Environment:
    """The environment for the current settings (a test may point them elsewhere)."""
    return _environment(get_settings().site_templates_dir)


@lru_cache(maxsize=4)
def _environment(override: Path | None) -> Environment:
    folders = [str(override)] if override else []
    folders.append(str(TEMPLATES_DIR))
    env = Environment(
        loader=ChoiceLoader([FileSystemLoader(folder) for folder in folders]),
        autoescape=select_autoescape(("html", "xml")),
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,
    )
    env.filters["href"] = safe_http_url
    return env


def render(template: str, context: dict[str, Any]) -> bytes:
    """``template`` filled with ``context``; ``root`` (PUBLIC_BASE_URL's path) starts the
    templates' own links (``{{ root }}/static/site.css``)."""
    page = environment().get_template(template).render(root=site_root(), **context)
    return page.encode("utf-8")


def static_file(name: str) -> bytes:
    """A static asset's bytes; the stylesheet may be the journal's own (SITE_STYLESHEET)."""
    stylesheet = get_settings().site_stylesheet
    if name == "site.css" and stylesheet:
        return _read(Path(stylesheet))
    return _read(STATIC_DIR / name)


@lru_cache(maxsize=8)
def _read(path: Path) -> bytes:
    return path.read_bytes()
