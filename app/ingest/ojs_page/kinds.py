"""What kind of OJS page a saved page is: an article's landing page, a full-text view, a PDF
viewer stub or an issue's table of contents. Only a landing page carries the whole record."""

from __future__ import annotations

from app.ingest.ojs_page.identity import PageAddress
from app.ingest.ojs_page.lines import Page
from app.ingest.ojs_page.shapes import is_prose

LANDING = "landing"
FULL_TEXT = "full_text"
PDF_STUB = "pdf_stub"
TABLE_OF_CONTENTS = "toc"

# The sidebar of a landing page (article_details.tpl .entry_details): a full text has none.
_LANDING_ROLES = frozenset(
    {"published", "how_to_cite", "issue", "section", "license", "downloads", "keywords", "abstract"}
)
# The pdf.js viewer's own controls, as its toolbar prints them when the page is saved as text.
_PDF_VIEWER_WORDS = frozenset(
    {"thumbnails", "document outline", "attachments", "presentation mode", "toggle sidebar",
     "find in document", "previous", "next", "zoom in", "zoom out", "automatic zoom",
     "page width", "go to first page", "document properties…", "document properties"}
)  # fmt: skip


def page_kind(page: Page, address: PageAddress | None) -> str:
    """The kind of page, from its lines and (when known) its address."""
    galley_lines = [i for i, line in enumerate(page.lines) if line.kind == "galley"]
    separated = sum(1 for a, b in zip(galley_lines, galley_lines[1:], strict=False) if b - a > 2)
    roles = page.roles()
    if separated >= 2 and "references" not in roles and "abstract" not in roles:
        return TABLE_OF_CONTENTS
    text_lines = [line for line in page.lines if line.kind in {"text", "aside"}]
    text_chars = sum(len(line.text) for line in text_lines)
    viewer = sum(1 for line in page.lines if line.text.casefold() in _PDF_VIEWER_WORDS)
    if (viewer >= 3 or "download" in roles) and text_chars < 1500 and not (
        roles & {"abstract", "references", "keywords"}
    ):
        return PDF_STUB
    prose = [line for line in text_lines if len(line.text) >= 200 and is_prose(line.text)]
    prose_chars = sum(len(line.text) for line in prose)
    galley_address = address is not None and (
        address.galley is not None or address.op == "download"
    )
    if (
        (prose_chars >= 6000 and len(prose) >= 6 and not (roles & _LANDING_ROLES))
        or (galley_address and not (roles & (_LANDING_ROLES - {"abstract", "keywords"})))
    ) and prose_chars >= 1000:
        return FULL_TEXT
    if galley_address and text_chars < 1500:
        return PDF_STUB
    return LANDING


def kind_error(kind: str, page: Page) -> str | None:
    """The one-line reason a page of this kind is refused, or None when it can be loaded."""
    if kind == TABLE_OF_CONTENTS:
        links = sum(1 for line in page.lines if line.kind == "galley")
        return (
            f"an issue's table of contents ({links} galley links), not an article page: "
            "load each article's own page"
        )
    if kind == PDF_STUB:
        return (
            "a PDF viewer page (galley stub): it shows only the title and a download link; "
            "load the article's landing page (…/article/view/<id>) instead"
        )
    return None
