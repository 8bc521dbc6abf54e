"""Output formats. Importing this package registers every built-in format with the registry."""

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
