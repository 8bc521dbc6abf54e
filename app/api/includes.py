"""``include=`` and ``fields=``: complete records in one request, without N+1.

``include`` names parts to embed: ``authors``, ``keywords``, ``references`` (the ordered list),
and ``citation:<style>`` (the formatted "how to cite", any style of ``/styles``; several may be
given). On a list (an issue's articles) each item gains them; ``fields`` then picks any of the
article's top-level fields, so an issue's table of contents is one request:
``/issues/1?fields=id,title,authors,pages,doi,galleys``. The parts come from the complete
articles of the page, loaded together (a fixed number of statements whatever the page size).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Query

from app.api.params import choice_list_schema
from app.errors import invalid_parameter
from app.exporters import citation_catalog as catalog
from app.exporters.citation import format_article
from app.schemas import ArticlePublic, ArticleSummary

PARTS = ("authors", "keywords", "references")
CITATION_PREFIX = "citation:"
MAX_CITATION_STYLES = 3
# Formatting is CPU work: a list with citations is capped at this many items per page.
MAX_CITED_ITEMS = 100
SUMMARY_FIELDS = tuple(ArticleSummary.model_fields)
ITEM_FIELDS = tuple(dict.fromkeys([*SUMMARY_FIELDS, *ArticlePublic.model_fields]))
# `citation:` and a style name's syntax (GET /styles says which names exist).
CITATION_ITEM = r"citation:[A-Za-z0-9][A-Za-z0-9.-]*"

IncludeListQuery = Annotated[
    str | None,
    Query(
        max_length=300,
        description="Comma-separated parts to embed in each item: `authors`, `keywords`, "
        "`references`, `citation:<style>` (e.g. `citation:apa`; up to three styles, lists of "
        f"at most {MAX_CITED_ITEMS} items).",
        examples=["authors,citation:apa"],
        json_schema_extra=choice_list_schema(PARTS, patterns=[CITATION_ITEM]),
    ),
]
ItemFieldsQuery = Annotated[
    str | None,
    Query(
        max_length=300,
        description="Comma-separated top-level fields of each item, any of the article's "
        "(e.g. `id,title,authors,pages,doi,galleys` for a table of contents).",
        examples=["id,title,authors,pages,doi,galleys"],
        json_schema_extra=choice_list_schema(ITEM_FIELDS),
    ),
]


@dataclass(frozen=True)
class Complete:
    """An article's complete public JSON, and its reference list when asked for."""

    article: dict[str, Any]
    references: list[Any] | None = None


@dataclass(frozen=True)
class Includes:
    parts: tuple[str, ...] = ()
    styles: tuple[str, ...] = ()  # as the client wrote them: the keys of "citations"
    fields: tuple[str, ...] = ()

    @property
    def complete(self) -> bool:
        """Whether items need the stored complete documents (not only the list summaries)."""
        extra = set(self.fields) - set(SUMMARY_FIELDS)
        return bool(self.parts or self.styles or extra)

    @property
    def references(self) -> bool:
        return "references" in self.parts


def checked_includes(
    include: str | None, fields: str | None, *, allowed: Collection[str] = PARTS
) -> Includes:
    """``include``/``fields`` parsed; an unknown part, style or field is a 422 naming choices."""
    parts: list[str] = []
    styles: list[str] = []
    for name in (p.strip() for p in (include or "").split(",")):
        if not name:
            continue
        if name.startswith(CITATION_PREFIX):
            style = name[len(CITATION_PREFIX) :]
            if catalog.canonical_style(style) is None:
                similar = ", ".join(catalog.similar_styles(style)) or "see /styles"
                raise invalid_parameter("include", f"unknown citation style {style!r} ({similar})")
            styles.append(style)
        elif name in allowed:
            parts.append(name)
        else:
            choices = ", ".join([*allowed, "citation:<style>"])
            raise invalid_parameter("include", f"unknown {name!r}; choose from {choices}")
    if len(set(styles)) > MAX_CITATION_STYLES:
        raise invalid_parameter("include", f"at most {MAX_CITATION_STYLES} citation styles")
    chosen_fields: list[str] = []
    for name in (f.strip() for f in (fields or "").split(",")):
        if name and name not in ITEM_FIELDS:
            raise invalid_parameter(
                "fields", f"unknown {name!r}; choose from {', '.join(ITEM_FIELDS)}"
            )
        if name:
            chosen_fields.append(name)
    return Includes(
        tuple(dict.fromkeys(parts)),
        tuple(dict.fromkeys(styles)),
        tuple(dict.fromkeys(chosen_fields)),
    )


def citations(article: ArticlePublic, styles: Sequence[str], lang: str | None) -> dict[str, str]:
    return {style: format_article(article, style=style, lang=lang) for style in styles}


def compose_item(
    summary: Mapping[str, Any], complete: Complete, includes: Includes, lang: str | None = None
) -> dict[str, Any]:
    """One list item: the summary (or the chosen fields) plus the included parts."""
    full = complete.article
    if includes.fields:
        item = {
            name: summary[name] if name in summary else full.get(name)
            for name in includes.fields
        }
    else:
        item = dict(summary)
    for part in includes.parts:
        if part == "references":
            item["references"] = complete.references or []
        else:
            item[part] = full.get(part)
    if includes.styles:
        item["citations"] = citations(ArticlePublic.model_validate(full), includes.styles, lang)
    return item


def compose_items(
    summaries: Sequence[Mapping[str, Any]],
    documents: Mapping[int, Complete],
    includes: Includes,
    lang: str | None = None,
) -> list[dict[str, Any]]:
    """List items with what ``includes`` asks for (summaries without a document keep only the
    chosen summary fields)."""
    items = []
    for summary in summaries:
        complete = documents.get(summary["id"])
        if complete is None:
            fields = includes.fields or tuple(summary)
            items.append({name: summary.get(name) for name in fields})
        else:
            items.append(compose_item(summary, complete, includes, lang))
    return items
