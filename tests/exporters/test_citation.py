"""Formatted citations: exact strings for the fixture article, pinned so style or library changes
show up as diffs, and the citeproc-py workarounds (GOST DOI, space after number, HTML, substituted
variables printed twice, numbers on lone citations)."""

from __future__ import annotations

import warnings

import pytest
from citeproc.source.json import CiteProcJSON

from app.exporters import get_exporter, negotiate
from app.exporters.citation import _for_citeproc, format_article, format_items
from app.exporters.citation_styles import resolve_style
from app.exporters.csl_json import article_to_csl, reference_to_csl

GOST_RU = (
    "Иванова А. П., Məmmədov R. Цитокиновый профиль при хроническом тонзиллите у детей "
    "// Вестник клинической иммунологии. 2023. Т. 12. № 3. С. 45–52. "
    "DOI: 10.12345/bci.2023.12.3.45"
)
APA_EN = (
    "Иванова, А. П., & Məmmədov, R. (2023). Interleukin-6 & TNF-α in chronic tonsillitis: "
    "25% of children <7 years. Bulletin of Clinical Immunology, 12(3), 45–52. "
    "https://doi.org/10.12345/bci.2023.12.3.45"
)
VANCOUVER_EN = (
    "Иванова АП, Məmmədov R. Interleukin-6 & TNF-α in chronic tonsillitis: 25% of children "
    "<7 years. Bulletin of Clinical Immunology. 2023;12(3):45–52. "
    "doi:10.12345/bci.2023.12.3.45"
)


def test_gost_cites_a_russian_article_in_russian_with_doi(article) -> None:
    assert format_article(article, style="gost-r-7-0-5-2008") == GOST_RU


def test_apa_cites_in_english_with_the_english_title(article) -> None:
    assert format_article(article, style="apa") == APA_EN


def test_vancouver_cites_a_lone_article_without_a_number(article) -> None:
    assert format_article(article, style="vancouver") == VANCOUVER_EN
    assert resolve_style("vancouver") == "vancouver-nlm"


@pytest.mark.parametrize(
    ("style", "start"),
    [
        ("gost-r-7-0-5-2008-numeric", "Иванова А. П."),
        ("ieee", "А. П. Иванова and"),  # IEEE's "[1]" label goes with the number
    ],
)
def test_numeric_styles_do_not_number_a_lone_article(article, style: str, start: str) -> None:
    text = format_article(article, style=style)
    assert text.startswith(start)
    assert format_article(article, style=style, as_html=True).startswith(start)


def test_numeric_gost_list_keeps_the_space_after_the_number(article) -> None:
    entries = format_items(
        [article_to_csl(article, lang="ru"), article_to_csl(article, lang="en") | {"id": "b"}],
        style="gost-r-7-0-5-2008-numeric",
    )
    assert [e[:3] for e in entries] == ["1. ", "2. "]
    assert entries[0].endswith(" DOI: 10.12345/bci.2023.12.3.45")


APA_NO_AUTHOR = (
    "Interleukin-6 & TNF-α in chronic tonsillitis: 25% of children <7 years. (2023). "
    "Bulletin of Clinical Immunology, 12(3), 45–52. https://doi.org/10.12345/bci.2023.12.3.45"
)


def test_apa_without_authors_moves_the_title_first_and_does_not_repeat_it(article) -> None:
    assert format_article(article.model_copy(update={"authors": []}), style="apa") == (
        APA_NO_AUTHOR
    )


def test_substituted_title_is_suppressed_in_html_and_in_lists_too(article) -> None:
    bare = article.model_copy(update={"authors": []})
    html_text = format_article(bare, style="apa", as_html=True)
    assert html_text.count("Interleukin-6 &amp; TNF-α") == 1
    items = [
        {"id": "x", "type": "article-journal", "title": "Untitled survey",
         "container-title": "Journal A", "issued": {"date-parts": [[2020]]}},
        {"id": "y", "type": "article-journal", "title": "Authored work",
         "author": [{"family": "Zed", "given": "A"}],
         "container-title": "Journal B", "issued": {"date-parts": [[2020]]}},
    ]
    assert format_items(items, style="apa") == [
        "Untitled survey. (2020). Journal A.",
        "Zed, A. (2020). Authored work. Journal B.",
    ]


def test_substitution_does_not_leak_into_the_next_entry(article) -> None:
    """Suppression is per entry: an authored article after an author-less one keeps its title."""
    bare = article_to_csl(article.model_copy(update={"authors": []}), lang="en")
    full = article_to_csl(article, lang="en") | {"id": "full"}
    entries = format_items([bare, full], style="apa")
    assert sum(e.count("Interleukin-6 & TNF-α") for e in entries) == 2


def test_gost_without_doi_adds_nothing(article) -> None:
    text = format_article(article.model_copy(update={"doi": None}), style="gost")
    assert "DOI" not in text
    assert text.endswith("С. 45–52.")


def test_explicit_locale_overrides_the_article_language(article) -> None:
    text = format_article(article, style="gost-r-7-0-5-2008", locale="en-US")
    assert "Interleukin-6" in text
    assert text.endswith("DOI: 10.12345/bci.2023.12.3.45")


def test_html_output_escapes_the_title_and_marks_the_journal(article) -> None:
    text = format_article(article, style="apa", as_html=True)
    assert text == (
        "Иванова, А. П., &amp; Məmmədov, R. (2023). Interleukin-6 &amp; TNF-α in chronic "
        "tonsillitis: 25% of children &lt;7 years. <i>Bulletin of Clinical Immunology</i>, "
        "<i>12</i>(3), 45–52. https://doi.org/10.12345/bci.2023.12.3.45"
    )


def test_gost_reference_list_keeps_order_and_each_items_language(references) -> None:
    items = [reference_to_csl(r) for r in references]
    assert format_items(items, style="gost-r-7-0-5-2008-numeric") == [
        "1. Smith J., Brown K., Lee H. Interleukin levels in recurrent tonsillitis // "
        "J Clin Immunol Res. 2019. Vol. 15, № 2. P. 101–109. DOI: 10.1000/jcir.2019.0152",
        "2. Петров П. П., Сидорова Е. В. Иммунный ответ при ангине // "
        "Журнал детской медицины. 2018. Т. 7, № 4. С. 33–40.",
        "3. Miller A. Tonsils and immunity // Pediatric Immunology. 2nd ed. / ed. Green B. "
        "Boston: Example Press, 2015. P. 210–225.",
        "4. Кузнецов В. И. Детская оториноларингология. М.: Медицина, 2010. 320 с.",
        "5. Annual report of the regional health department & clinics, 2020 (unpublished).",
    ]


def test_apa_reference_list_is_alphabetical_with_unparsed_strings_last(references) -> None:
    items = [reference_to_csl(r) for r in references]
    entries = format_items(items, style="apa")
    assert [e.split(",")[0] for e in entries[:4]] == ["Miller", "Smith", "Кузнецов", "Петров"]
    assert entries[4] == (
        "Annual report of the regional health department & clinics, 2020 (unpublished)."
    )


def test_vancouver_reference_list_numbers_every_entry(references) -> None:
    items = [reference_to_csl(r) for r in references]
    entries = format_items(items, style="vancouver")
    assert [e.split(" ")[0] for e in entries] == ["1.", "2.", "3.", "4.", "5."]
    assert entries[0] == (
        "1. Smith J, Brown K, Lee H. Interleukin levels in recurrent tonsillitis. "
        "J Clin Immunol Res. 2019;15(2):101–9. doi:10.1000/jcir.2019.0152"
    )


def test_exporter_renders_negotiated_style_as_plain_text(article) -> None:
    chosen = negotiate("text/x-bibliography; style=gost-r-7-0-5-2008", None, "article")
    assert chosen.render("article", article) == (GOST_RU + "\n").encode()


def test_html_fragment_exporter_wraps_entries(article, references) -> None:
    body = get_exporter("citation-html").render("references", references, params={"style": "apa"})
    text = body.decode()
    assert text.startswith('<div class="csl-bib-body">')
    assert text.count('<div class="csl-entry">') == 5
    assert "department &amp; clinics" in text


def test_single_reference_is_cited_alone_without_a_number(references) -> None:
    body = get_exporter("citation").render("reference", references[1], params={"style": "gost"})
    assert body.decode() == (
        "Петров П. П., Сидорова Е. В. Иммунный ответ при ангине // "
        "Журнал детской медицины. 2018. Т. 7. № 4. С. 33–40.\n"
    )


def test_single_unparsed_reference_is_cited_as_printed(references) -> None:
    for style in ("gost", "vancouver", "apa"):
        body = get_exporter("citation").render("reference", references[4], params={"style": style})
        assert body.decode() == (
            "Annual report of the regional health department & clinics, 2020 (unpublished).\n"
        )


def test_reference_list_keeps_its_numbers(references) -> None:
    body = get_exporter("citation").render("references", references, params={"style": "gost"})
    assert [line[:3] for line in body.decode().splitlines()] == ["1. ", "2. ", "3. ", "4. ", "5. "]


@pytest.mark.parametrize("style", ["../apa", "APA/../x", "no-such-style"])
def test_unknown_or_unsafe_style_names_are_rejected(style: str) -> None:
    with pytest.raises(ValueError, match="Unknown citation style"):
        resolve_style(style)


def test_names_reach_citeproc_with_only_the_parts_it_knows(article) -> None:
    # citeproc-py warns about any other part (an ORCID). Silencing that per render with
    # warnings.catch_warnings swapped the process-wide filters under renders in other threads.
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        CiteProcJSON([_for_citeproc(article_to_csl(article), as_html=False)])
    assert [str(w.message) for w in caught] == []
