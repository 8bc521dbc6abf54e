"""Content negotiation: q-values, wildcards, specificity, ?format= override and 406 listings."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from app.exporters import NotAcceptable, exporters, get_exporter, negotiate
from app.exporters.registry import Exporter, parse_accept


def name(accept: str | None, kind: str = "article", fmt: str | None = None) -> str:
    return negotiate(accept, fmt, kind).exporter.name  # type: ignore[arg-type]


def test_no_accept_header_gives_json() -> None:
    assert name(None) == "json"
    assert name("") == "json"


def test_any_media_type_gives_json_the_default() -> None:
    assert name("*/*") == "json"


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        ("application/vnd.citationstyles.csl+json", "csl-json"),
        ("application/x-bibtex", "bibtex"),
        ("application/x-research-info-systems", "ris"),
        ("text/x-bibliography", "citation"),
        ("application/ld+json", "jsonld"),
        ("text/html", "html"),
        ("application/jats+xml", "jats"),
        ("application/vnd.crossref.deposit+xml", "crossref"),
        ("application/json", "json"),
    ],
)
def test_each_doi_org_media_type_selects_its_exporter(accept: str, expected: str) -> None:
    assert name(accept) == expected


def test_highest_q_value_wins() -> None:
    assert name("application/x-bibtex;q=0.5, application/x-research-info-systems;q=0.9") == "ris"


def test_specific_type_beats_wildcard_at_equal_q() -> None:
    browser = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    assert name(browser) == "html"
    assert name("*/*, application/x-bibtex") == "bibtex"


def test_type_wildcard_uses_server_preference() -> None:
    assert name("text/*") == "html"
    assert name("application/*") == "json"


def test_q_zero_excludes_a_type_even_under_a_wildcard() -> None:
    assert name("application/json;q=0, */*;q=0.1") == "html"


def test_style_and_locale_come_from_the_media_range() -> None:
    chosen = negotiate(
        "text/x-bibliography; style=gost-r-7-0-5-2008; locale=ru-RU", None, "article"
    )
    assert chosen.exporter.name == "citation"
    assert chosen.params == {"style": "gost-r-7-0-5-2008", "locale": "ru-RU"}
    assert chosen.content_type == (
        "text/x-bibliography; style=gost-r-7-0-5-2008; locale=ru-RU; charset=utf-8"
    )


def test_quoted_parameters_and_q_are_parsed() -> None:
    (media_range,) = parse_accept('text/x-bibliography; style="apa"; q=0.7')
    assert media_range.params == {"style": "apa"}
    assert media_range.q == 0.7


def test_citation_defaults_to_apa() -> None:
    assert negotiate("text/x-bibliography", None, "article").params == {"style": "apa"}


def test_format_parameter_overrides_accept() -> None:
    assert name("application/x-bibtex", fmt="ris") == "ris"
    assert name("text/html", fmt="JATS") == "jats"
    assert name(None, fmt="csl") == "csl-json"


def test_explicit_style_overrides_the_media_range() -> None:
    chosen = negotiate("text/x-bibliography; style=apa", None, "article", style="vancouver")
    assert chosen.params["style"] == "vancouver"


def test_unknown_media_type_is_not_acceptable_and_lists_formats() -> None:
    with pytest.raises(NotAcceptable) as caught:
        negotiate("application/pdf", None, "article")
    listed = {f["format"] for f in caught.value.available}
    assert {"json", "bibtex", "ris", "citation", "jsonld", "html", "jats", "crossref"} <= listed
    assert {"format": "bibtex", "media_type": "application/x-bibtex"} in caught.value.available


def test_unknown_format_name_is_not_acceptable() -> None:
    with pytest.raises(NotAcceptable) as caught:
        negotiate(None, "docx", "article")
    assert "docx" in caught.value.detail
    assert caught.value.available


def test_unknown_citation_style_is_refused_at_negotiation() -> None:
    with pytest.raises(NotAcceptable, match="no-such-style"):
        negotiate("text/x-bibliography; style=no-such-style", None, "article")
    with pytest.raises(NotAcceptable, match="xx-YY"):
        negotiate("text/x-bibliography; locale=xx-YY", None, "article")


def test_formats_for_references_exclude_article_only_ones() -> None:
    reference_formats = {e.name for e in exporters("references")}
    assert {"json", "csl-json", "bibtex", "ris", "citation"} <= reference_formats
    assert not {"jats", "crossref", "html", "jsonld"} & reference_formats
    with pytest.raises(NotAcceptable):
        negotiate("application/jats+xml", None, "reference")
    with pytest.raises(NotAcceptable):
        negotiate(None, "crossref", "references")


def test_only_media_type_parameters_reach_content_type() -> None:
    chosen = negotiate(None, "citation-html", "article", style="apa")
    assert chosen.content_type == "text/html; charset=utf-8"


def test_fragment_formats_are_reachable_by_name_only() -> None:
    assert name("text/html", fmt="citation-html") == "citation-html"
    assert name("text/html") == "html"
    assert name(None, fmt="oai_dc") == "oai_dc"
    assert name("application/xml;q=1, application/json;q=0.1") == "json"


def test_every_exporter_renders_every_kind_it_claims(article, references) -> None:
    for exporter in exporters():
        assert isinstance(exporter, Exporter)
        assert exporter.extension and "/" in exporter.media_type
        if exporter.supports("article"):
            assert exporter.render("article", article, references=references)
        if exporter.supports("references"):
            assert exporter.render("references", references)
        if exporter.supports("reference"):
            assert exporter.render("reference", references[0])


def test_rendering_an_unsupported_kind_raises_not_acceptable(references) -> None:
    with pytest.raises(NotAcceptable):
        get_exporter("jats").render("reference", references[0])


def test_json_content_type_has_no_charset_but_text_does() -> None:
    assert get_exporter("json").content_type() == "application/json"
    assert get_exporter("bibtex").content_type() == "application/x-bibtex; charset=utf-8"


def test_exporters_import_neither_the_database_nor_fastapi() -> None:
    code = (
        "import sys, app.exporters; "
        "bad = [m for m in sys.modules if m.split('.')[0] in "
        "('sqlmodel', 'sqlalchemy', 'fastapi', 'starlette')]; "
        "print(bad); sys.exit(1 if bad else 0)"
    )
    root = Path(__file__).resolve().parents[2]
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=root
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_control_characters_from_pdf_text_never_break_a_format(article, references) -> None:
    dirty = article.model_copy(
        update={"title": {"ru": "page\x0cbreak\x01"}, "abstract": {"en": "nul\x00byte"}}
    )
    dirty_refs = [references[0].model_copy(update={"raw": "ref\x0bwith\x1ftabs"})]
    for exporter in exporters("article"):
        body = exporter.render("article", dirty, references=dirty_refs)
        if exporter.media_type.endswith("xml"):
            assert b"\x0c" not in body and b"\x00" not in body


def test_every_exporter_handles_a_sparse_article(bare_article) -> None:
    for exporter in exporters("article"):
        if exporter.name == "crossref":
            continue  # needs a DOI; see test_crossref
        assert exporter.render("article", bare_article)
