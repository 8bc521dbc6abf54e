"""The article's HTML page (``text/html``): the public site's article template
(``app/site/templates/article.html``) with the meta tags of :mod:`app.exporters.meta_tags`; this
module registers the format."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from app.exporters.registry import Exporter, register
from app.exporters.xml_building import xml_safe_model, xml_safe_models
from app.schemas import ArticlePublic, ReferencePublic

MEDIA_TYPE = "text/html"


def render_article(
    article: ArticlePublic,
    *,
    references: Sequence[ReferencePublic] = (),
    params: Mapping[str, str] | None = None,
) -> bytes:
    """The public site's article page, for a reader with no language preference."""
    # Loaded on first use: the site (templates, UI labels) costs startup time and memory that
    # an API-only worker never needs.
    from app.site.pages import article_page

    article, references = xml_safe_model(article), xml_safe_models(references)
    style = (params or {}).get("style")
    return article_page(article, references, style=style).body


EXPORTER = register(
    Exporter(
        name="html",
        media_type=MEDIA_TYPE,
        extension="html",
        aliases=("landing",),
        accept_types=("application/xhtml+xml",),
        preference=10,
        renderers={"article": render_article},
        description="the article's page, with Highwire and Dublin Core meta tags",
    )
)
