"""Reference string → CSL-JSON item, as a package of steps (:mod:`.pipeline` runs them in order).

1. :mod:`.cuts`: identifiers and Vancouver blocks taken out by rule;
2. :mod:`.gost`: GOST 7.1 references split on ``//``; or, for every other style,
   :mod:`app.ingest.reference_model` tokenises and labels the words, :mod:`.repairs` fixes the
   labels and :mod:`.fields` assembles the item from the labelled segments;
3. :mod:`.names`, :mod:`.titles`, :mod:`.numbering`: the fields' own rules, shared by both paths;
4. :mod:`.classify`: CSL type and language of the finished item.
"""

from app.ingest.references.fields import SAME_AUTHORS
from app.ingest.references.names import parse_names
from app.ingest.references.numbering import parse_pages, parse_volume
from app.ingest.references.pipeline import (
    clear_caches,
    parse_reference,
    parse_references,
    warm_up,
)
from app.ingest.references.titles import clean_container, clean_title

__all__ = [
    "SAME_AUTHORS",
    "clean_container",
    "clean_title",
    "clear_caches",
    "parse_names",
    "parse_pages",
    "parse_reference",
    "parse_references",
    "parse_volume",
    "warm_up",
]
