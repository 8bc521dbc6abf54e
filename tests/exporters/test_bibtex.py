"""BibTeX is read back with bibtexparser (LaTeX-decoded) and compared field by field."""

from __future__ import annotations

import bibtexparser
from bibtexparser.middlewares import LatexDecodingMiddleware

from app.exporters import get_exporter
from app.exporters.bibtex import ascii_slug, citation_key, escape, render_items
from tests.exporters.conftest import TITLE_EN, TITLE_RU


def parse(body: bytes) -> bibtexparser.Library:
    library = bibtexparser.parse_string(
        body.decode("utf-8"), append_middleware=[LatexDecodingMiddleware()]
    )
    assert not library.failed_blocks
    return library


def fields(entry) -> dict[str, str]:
    return {f.key: f.value for f in entry.fields}


def test_article_round_trips(article) -> None:
    body = get_exporter("bibtex").render("article", article)
    (entry,) = parse(body).entries
    assert entry.entry_type == "article"
    assert entry.key == "ivanova2023citokinovyj"
    got = fields(entry)
    assert got["title"] == TITLE_RU
    assert got["author"] == "Иванова, Анна Петровна and Məmmədov, Rəşad"
    assert got["journal"] == "Вестник клинической иммунологии"
    assert (got["year"], got["volume"], got["number"]) == ("2023", "12", "3")
    assert got["pages"] == "45–52"  # written as 45--52, which LaTeX reads as an en dash
    assert "pages = {45--52}" in body.decode()
    assert got["doi"] == "10.12345/bci.2023.12.3.45"
    assert got["issn"] == "1234-5679"
    assert got["keywords"] == "цитокины, хронический тонзиллит, дети"
    assert TITLE_EN in got["note"]


def test_special_characters_are_escaped_in_the_file(article) -> None:
    body = get_exporter("bibtex").render("article", article).decode()
    assert r"Interleukin-6 \& TNF-α in chronic tonsillitis: 25\% of children <7" in body
    assert escape("a_b {c} $d$ #e ~f ^g \\h") == (
        r"a\_b \{c\} \$d\$ \#e \textasciitilde{}f \textasciicircum{}g \textbackslash{}h"
    )


def test_doi_and_url_stay_verbatim() -> None:
    item = {"id": "x", "type": "article-journal", "title": "T", "DOI": "10.1000/a_b%c",
            "URL": "https://example.org/a_b"}
    body = render_items([item]).decode()
    assert "doi = {10.1000/a_b%c}" in body
    assert "url = {https://example.org/a_b}" in body


def test_reference_list_is_one_file_with_typed_entries(references) -> None:
    body = get_exporter("bibtex").render("references", references)
    library = parse(body)
    assert [(e.entry_type, e.key) for e in library.entries] == [
        ("article", "smith2019interleukin"),
        ("article", "petrov2018immunnyj"),
        ("incollection", "miller2015tonsils"),
        ("book", "kuznecov2010detskaya"),
        ("misc", "ref425"),
    ]
    chapter = fields(library.entries[2])
    assert chapter["booktitle"] == "Pediatric Immunology"
    assert chapter["editor"] == "Green, B"
    assert chapter["address"] == "Boston"
    assert fields(library.entries[0])["doi"] == "10.1000/jcir.2019.0152"
    assert fields(library.entries[4])["title"].startswith("Annual report")


def test_single_reference(references) -> None:
    (entry,) = parse(get_exporter("bibtex").render("reference", references[1])).entries
    assert fields(entry)["journal"] == "Журнал детской медицины"


def test_citation_keys_are_ascii_stable_and_unique() -> None:
    item = {"author": [{"family": "Müller-Əliyev"}], "issued": {"date-parts": [[2020]]},
            "title": "On the Ёлка problem"}
    assert citation_key(item) == "mullereliyev2020elka"
    assert ascii_slug("Щукин") == "shhukin"
    twice = render_items([dict(item, id="a"), dict(item, id="b")]).decode()
    assert "@misc{mullereliyev2020elka," in twice
    assert "@misc{mullereliyev2020elkaa," in twice


def test_keys_stay_in_a_to_z_and_digits_past_26_clashes() -> None:
    # 60 works by one author in one year: the 27th key used to end in "{" and break parsers.
    items = [
        {"id": i, "type": "article-journal", "author": [{"family": "Smith", "given": "J"}],
         "issued": {"date-parts": [[2020]]}, "title": "Study"}
        for i in range(60)
    ]
    library = bibtexparser.parse_string(render_items(items).decode("utf-8"))
    keys = [entry.key for entry in library.entries]
    assert len(keys) == 60 and len(set(keys)) == 60 and not library.failed_blocks
    assert all(key.isascii() and key.isalnum() and key == key.lower() for key in keys)
    assert keys[:2] == ["smith2020study", "smith2020studya"]
    assert keys[26:28] == ["smith2020studyz", "smith2020studyaa"]


def test_a_suffixed_key_never_repeats_another_base_key() -> None:
    items = [
        {"id": 1, "title": "Study", "author": [{"family": "Smith"}]},
        {"id": 2, "title": "Study", "author": [{"family": "Smith"}]},
        {"id": 3, "title": "Studya", "author": [{"family": "Smith"}]},
    ]
    library = bibtexparser.parse_string(render_items(items).decode("utf-8"))
    keys = [entry.key for entry in library.entries]
    assert len(set(keys)) == 3 and not library.failed_blocks
