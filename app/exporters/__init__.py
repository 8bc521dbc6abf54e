"""Output formats. Importing this package registers every built-in format with the registry.

How a route uses it::

    chosen = negotiate(request.headers.get("accept"), format, "article")  # may raise NotAcceptable
    body = chosen.render("article", article, references=references)
    return Response(body, media_type=chosen.content_type, headers={"Vary": "Accept"})

``NotAcceptable.available`` lists ``{"format", "media_type"}`` for the 406 problem. A new format is
one module that calls ``register(Exporter(...))`` plus its import below.
"""

from app.exporters import (  # noqa: F401  (registration side effects)
    bibtex,
    citation,
    crossref,
    csl_json,
    html,
    jats,
    jsonld,
    oai_dc,
    public_json,
    ris,
)
from app.exporters.registry import (
    Exporter,
    Negotiated,
    NotAcceptable,
    available_formats,
    exporters,
    get_exporter,
    negotiate,
)

__all__ = [
    "Exporter",
    "Negotiated",
    "NotAcceptable",
    "available_formats",
    "exporters",
    "get_exporter",
    "negotiate",
]
