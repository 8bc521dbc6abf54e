"""Citation languages: GOST describes each source in its own language's conventions, the shipped
Azerbaijani locale, and the catalogue of styles and locales behind /styles, /locales and the 406."""

from __future__ import annotations

from typing import Any

import pytest

from app.exporters import NotAcceptable, negotiate
from app.exporters import citation_catalog as catalog
from app.exporters.citation import format_article, format_items, item_language

ENGLISH = {
    "id": "en",
    "type": "article-journal",
    "title": "Low-dose lymphocyte immunotherapy",
    "container-title": "Reprod Biol Endocrinol",
    "author": [{"family": "Liu", "given": "M."}, {"family": "Zhen", "given": "X."}],
    "issued": {"date-parts": [[2017]]},
    "volume": "15",
    "issue": "1",
    "page": "95",
}
RUSSIAN = {
    "id": "ru",
    "type": "article-journal",
    "title": "Механизмы толерантности матери к плоду",
    "container-title": "Проблемы репродукции",
    "author": [{"family": "Абламуниц", "given": "В. Г."}],
    "issued": {"date-parts": [[2016]]},
    "volume": "22",
    "issue": "2",
    "page": "8-16",
}
AZERBAIJANI = {
    "id": "az",
    "type": "article-journal",
    "title": "Hamiləlik zamanı immun cavab",
    "container-title": "Azərbaycan Tibb Jurnalı",
    "author": [{"family": "Əliyeva", "given": "N."}],
    "issued": {"date-parts": [[2020]]},
    "volume": "4",
    "issue": "3",
    "page": "10-14",
}
MANY_AUTHORS = [{"family": f"Author{n}", "given": "A."} for n in range(5)]


def test_gost_cites_an_english_source_in_english_conventions() -> None:
    (entry,) = format_items([ENGLISH], style="gost", numbered=False)
    assert entry == (
        "Liu M., Zhen X. Low-dose lymphocyte immunotherapy // Reprod Biol Endocrinol. 2017. "
        "Vol. 15. No. 1. P. 95."
    )


def test_gost_list_mixes_languages_item_by_item() -> None:
    entries = format_items([ENGLISH, RUSSIAN, AZERBAIJANI], style="gost")
    assert "Vol. 15. No. 1. P. 95" in entries[0] and "Т." not in entries[0]
    assert "Т. 22. № 2. С. 8–16" in entries[1]
    assert "C. 4. № 3. S. 10–14" in entries[2]


def test_gost_et_al_follows_the_source_language() -> None:
    english = format_items([ENGLISH | {"author": MANY_AUTHORS}], style="gost", numbered=False)
    russian = format_items([RUSSIAN | {"author": MANY_AUTHORS}], style="gost", numbered=False)
    azeri = format_items([AZERBAIJANI | {"author": MANY_AUTHORS}], style="gost", numbered=False)
    assert "et al." in english[0] and "и др." not in english[0]
    assert "и др." in russian[0]
    assert "və b." in azeri[0]


def test_explicit_locale_applies_to_every_gost_item() -> None:
    entries = format_items([ENGLISH, RUSSIAN], style="gost", locale="ru-RU")
    assert all("Т. " in entry for entry in entries)


def test_article_citation_in_gost_follows_the_chosen_title_language(article: Any) -> None:
    russian = format_article(article, style="gost")
    english = format_article(article, style="gost", lang="en")
    assert "Т. 12. № 3. С. 45–52" in russian
    assert english.startswith("Иванова А. П., Məmmədov R. Interleukin-6")
    assert "Vol. 12. No. 3. P. 45–52" in english


@pytest.mark.parametrize(
    ("item", "language"),
    [
        (ENGLISH, "en"),
        (RUSSIAN, "ru"),
        (AZERBAIJANI, "az"),
        (ENGLISH | {"language": "de"}, "de"),
        ({"id": "x"}, None),
    ],
)
def test_item_language_from_field_or_script(item: dict[str, Any], language: str | None) -> None:
    assert item_language(item) == language


def test_azerbaijani_locale_terms_are_used() -> None:
    (entry,) = format_items(
        [AZERBAIJANI], style="chicago-author-date", locale="az-AZ", numbered=False
    )
    two = format_items(
        [AZERBAIJANI | {"author": MANY_AUTHORS[:2]}],
        style="chicago-author-date",
        locale="az-AZ",
        numbered=False,
    )[0]
    assert "Əliyeva" in entry
    assert " və " in two and " and " not in two


def test_azerbaijani_locale_is_listed_and_negotiable() -> None:
    assert "az-AZ" in catalog.locale_ids()
    assert catalog.locale_for_language("az") == "az-AZ"
    chosen = negotiate("text/x-bibliography; style=apa; locale=az-AZ", None, "article")
    assert chosen.params["locale"] == "az-AZ"


def test_catalogue_lists_every_bundled_style_with_title_and_format() -> None:
    styles = {style.id: style for style in catalog.styles()}
    assert len(styles) > 10_000
    assert styles["apa"].format == "author-date"
    assert styles["vancouver-nlm"].parent == "nlm-citation-sequence"
    assert all(catalog.canonical_style(name) for name in catalog.FEATURED_STYLES)


def test_unknown_style_406_names_similar_and_featured_styles() -> None:
    with pytest.raises(NotAcceptable) as caught:
        negotiate(None, "citation", "article", style="vancover")
    extensions = caught.value.extensions
    assert "vancouver-nlm" in extensions["similar_styles"]
    assert extensions["featured_styles"][:3] == ["apa", "vancouver", "gost"]
    assert extensions["styles"] == "/styles"


def test_unknown_locale_406_lists_every_locale() -> None:
    with pytest.raises(NotAcceptable) as caught:
        negotiate(None, "citation", "article", locale="xx-YY")
    assert {"az-AZ", "en-US", "ru-RU"} <= set(caught.value.extensions["available_locales"])
