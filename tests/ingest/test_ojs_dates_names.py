"""Published dates printed in words, and where a printed name's family name starts."""

from __future__ import annotations

from datetime import date

import pytest
from selectolax.lexbor import LexborHTMLParser

from app.ingest.ojs_page.authors import author_from_name, cited_families, with_cited_families
from app.ingest.ojs_page.dates import parse_date
from app.ingest.ojs_page.html_blocks import dom_authors, site_name
from app.ingest.records import AuthorRecord


@pytest.mark.parametrize(
    ("printed", "ui", "iso"),
    [
        ("2021-03-15", None, "2021-03-15"),
        ("15.03.2021", None, "2021-03-15"),
        ("15 de março de 2021", "pt", "2021-03-15"),
        ("12 de septiembre de 2020", None, "2020-09-12"),
        ("12 September 2020", None, "2020-09-12"),
        ("September 12, 2020", "en", "2020-09-12"),
        ("Sep 12, 2020", None, "2020-09-12"),
        ("5 марта 2021 г.", None, "2021-03-05"),
        ("5 березня 2021", "uk", "2021-03-05"),
        ("12 mart 2021", "az", "2021-03-12"),
        ("12 Mart 2021", "tr", "2021-03-12"),
        ("15 Maret 2021", "id", "2021-03-15"),
        ("2021. március 15.", "hu", "2021-03-15"),
        ("15 listopada 2020", "pl", "2020-11-15"),
        ("15. listopada 2020.", "hr", "2020-10-15"),
    ],
)
def test_published_date_in_words_in_any_ui_language(printed: str, ui: str | None, iso: str):
    assert parse_date(printed, ui) == date.fromisoformat(iso)


@pytest.mark.parametrize(
    "printed",
    [
        "March 2021",  # no day: not a date, and none is invented
        "15 listopad 2020",  # Croatian October or Czech/Polish November: the UI must say
        "31 February 2021",
        "Vol. 8 No. 2 (2021)",
        "",
    ],
)
def test_what_is_not_a_whole_date_gives_none(printed: str):
    assert parse_date(printed) is None


@pytest.mark.parametrize(
    ("name", "given", "family"),
    [
        ("João da Silva Santos", "João", "da Silva Santos"),
        ("Carlos de la Fuente", "Carlos", "de la Fuente"),
        ("Rafael van der Berg", "Rafael", "van der Berg"),
        ("João Carlos da Silva", "João Carlos", "da Silva"),
        ("Andrés Felipe Rojas", "Andrés Felipe", "Rojas"),
        ("Petrova A.A.", "A.A.", "Petrova"),
    ],
)
def test_name_particles_start_the_family_name(name: str, given: str, family: str):
    author = author_from_name(name)
    assert (author.given, author.family) == (given, family)


def test_the_pages_citation_says_where_double_family_names_start():
    citation = (
        "García Márquez, M. J., Martínez Herrera, L., & Rojas, A. F. (2021). Evaluación "
        "formativa. Revista de Estudios Pedagógicos, 47(3). https://doi.org/10.5555/rep.877"
    )
    families = cited_families(citation)
    assert families == [("García Márquez", "M. J."), ("Martínez Herrera", "L."), ("Rojas", "A. F.")]
    printed = [author_from_name(n) for n in
               ("María José García Márquez", "Lucía Martínez Herrera", "Andrés Felipe Rojas")]
    resplit = with_cited_families(printed, families)
    assert [(a.given, a.family) for a in resplit] == [
        ("María José", "García Márquez"), ("Lucía", "Martínez Herrera"), ("Andrés Felipe", "Rojas")
    ]


def test_a_citation_family_with_another_initial_is_not_taken():
    # "Herrera, P." names another person: Lucía's family name is not re-split on it
    families = cited_families("Martínez, C., & Herrera, P. (2020). Título. Revista, 1(1).")
    author = author_from_name("Lucía Martínez Herrera")
    assert with_cited_families([author], families) == [author]


def test_abnt_citation_families():
    families = cited_families("SANTOS, J. da S.; COSTA, A. B. Acesso. Revista, v. 9, n. 1, 2021.")
    assert [f for f, _ in families] == ["SANTOS", "COSTA"]


def test_author_entries_of_any_theme_markup_are_read_by_structure():
    tree = LexborHTMLParser(
        '<ul class="x-authors"><li class="x-author"><b>Ana Souza</b><i>Univ A</i>'
        '<a href="https://orcid.org/0000-0002-1825-0097">iD</a></li>'
        '<li class="x-author"><b>Rui Lima</b></li></ul>'
        '<div class="bio-author"><p>Ana Souza</p><p>Universidade de Exemplo</p></div>'
    )
    assert dom_authors(tree) == [
        AuthorRecord("Souza", "Ana", "Univ A", "0000-0002-1825-0097"),
        AuthorRecord("Lima", "Rui", None, None),
    ]


def test_journal_name_is_the_headers_link_home():
    tree = LexborHTMLParser(
        '<header><a href="/index.php/rsce/login">Entrar</a>'
        '<a href="https://x.org/index.php/rsce/index"><img alt="Revista de Exemplo"></a></header>'
    )
    assert site_name(tree) == "Revista de Exemplo"


def test_published_label_without_colon_before_a_date_in_words():
    from app.ingest.ojs_page import parse_page

    text = "\n".join([
        "Ümumtəhsil məktəblərində inklüziv təhsilin tətbiqi problemləri", "Leyla Məmmədova",
        "Xülasə",
        "Məqalədə ümumtəhsil məktəblərində inklüziv təhsilin tətbiqi zamanı yaranan çətinliklər "
        "araşdırılır. Tədqiqatda on iki məktəbin 140 müəllimi ilə sorğu aparılmışdır.",
        "Yayımlanıb 12 mart 2021",
        "Referanslar",
        "Ainscow, M. (2005). Developing inclusive education systems. Journal of Educational "
        "Change, 6(2), 109–124.",
    ])
    record = parse_page(text, source_url="https://x.az/index.php/tcj/article/view/1")
    assert record.published == date(2021, 3, 12)


def test_names_marked_up_in_parts_keep_their_family_names():
    tree = LexborHTMLParser(
        '<div class="contrib-group">'
        '<span class="contrib"><span class="surname">Martínez Herrera</span>, '
        '<span class="given-names">Lucía</span></span>'
        '<span class="contrib"><span itemprop="givenName">Andrés Felipe</span> '
        '<span itemprop="familyName">Rojas</span></span></div>'
    )
    assert [(a.given, a.family) for a in dom_authors(tree)] == [
        ("Lucía", "Martínez Herrera"), ("Andrés Felipe", "Rojas")
    ]
