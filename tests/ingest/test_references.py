"""Reference string → CSL-JSON: the styles our journals print, and score floors on labelled sets.

The floors sit slightly below what the parser reaches today (seed 1.000, AnyStyle dev 0.986, the
held-out fifth of GROBID's corpus 0.928), so a regression fails CI. The scorer is a copy of the
project's shared one (tests/support/).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from app.ingest.reference_model import tokenize
from app.ingest.references import (
    clean_title,
    parse_names,
    parse_reference,
    parse_references,
    parse_volume,
)
from app.ingest.references.titles import move_glued_tail, split_quoted_title
from tests.support.score_references import f1, load_gold, score

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


def families(item: dict[str, Any]) -> list[str]:
    return [a.get("family") or a.get("literal") for a in item.get("author", [])]


def year(item: dict[str, Any]) -> int | None:
    parts = item.get("issued", {}).get("date-parts")
    return parts[0][0] if parts else None


# --------------------------------------------------------------------------- score floors


def _overall(gold_path: Path) -> tuple[float, dict[str, float]]:
    gold = load_gold(gold_path)
    tally, _ = score(gold, parse_references([g["raw"] for g in gold]))
    per_field = {name: f1(*t)[2] for name, t in tally.items() if sum(t)}
    tp, fp, fn = (sum(t[i] for t in tally.values()) for i in range(3))
    return f1(tp, fp, fn)[2], per_field


def test_seed_references_score_above_floor_on_every_field() -> None:
    overall, per_field = _overall(FIXTURES / "seed_expected.json")
    assert overall >= 0.98, per_field
    assert min(per_field.values()) >= 0.90, per_field


def test_anystyle_development_set_scores_above_floor() -> None:
    overall, per_field = _overall(FIXTURES / "anystyle_dev.json")
    assert overall >= 0.98, per_field
    for field in ("authors", "year", "volume", "issue", "page_first", "page_last"):
        assert per_field[field] >= 0.985, (field, per_field)
    assert per_field["title"] >= 0.945, per_field
    assert per_field["container_title"] >= 0.955, per_field
    assert per_field["doi"] == 1.0


# GROBID's held-out fifth: 0.928 overall today (README.md gives every field).
HELDOUT_FLOOR = 0.915
HELDOUT_FIELD_FLOORS = {
    "authors": 0.965, "year": 0.975, "title": 0.85, "container_title": 0.855, "volume": 0.92,
    "page_first": 0.94, "page_last": 0.935,
}


def test_grobid_held_out_split_scores_above_floor() -> None:
    """References of documents the model never trained on (GROBID's corpus, a fifth held out by
    document: physics, chemistry, computing, biomedicine, KISTI's CJK/German/French lists)."""
    overall, per_field = _overall(FIXTURES / "grobid_heldout.json")
    assert overall >= HELDOUT_FLOOR, per_field
    for field, floor in HELDOUT_FIELD_FLOORS.items():
        assert per_field[field] >= floor, (field, per_field)


# --------------------------------------------------------------------------- styles


def test_vancouver_with_year_volume_issue_pages_block() -> None:
    item = parse_reference(
        "Ivanov AB, Petrova CD, Smith J. Effect of sleep on memory consolidation. "
        "J Sleep Res. 2012;21(3):161-72. doi:10.1111/j.1365-2869.2011.00912.x."
    )
    assert families(item) == ["Ivanov", "Petrova", "Smith"]
    assert item["title"] == "Effect of sleep on memory consolidation"
    assert item["container-title"] == "J Sleep Res"
    assert (year(item), item["volume"], item["issue"]) == (2012, "21", "3")
    assert item["page"] == "161-72"  # abbreviated last page kept as printed
    assert item["DOI"] == "10.1111/j.1365-2869.2011.00912.x"
    assert item["type"] == "article-journal"
    assert item["language"] == "en"


def test_apa_journal_article() -> None:
    item = parse_reference(
        "Garcia, M. L., & Brown, T. (2019). Urban heat islands and public health. "
        "Environmental Research, 172, 45–53. https://doi.org/10.1016/j.envres.2019.01.012"
    )
    assert families(item) == ["Garcia", "Brown"]
    assert year(item) == 2019
    assert item["title"] == "Urban heat islands and public health"
    assert item["container-title"] == "Environmental Research"
    assert item["volume"] == "172"
    assert item["page"] == "45-53"
    assert item["DOI"] == "10.1016/j.envres.2019.01.012"


def test_apa_book_with_publisher_and_isbn() -> None:
    item = parse_reference(
        "Miller, R. (2015). Statistical methods for field ecology (2nd ed.). "
        "Oxford: Oxford University Press. ISBN 978-0-306-40615-7"
    )
    assert item["type"] == "book"
    assert families(item) == ["Miller"]
    assert item["publisher"] == "Oxford University Press"
    assert item["publisher-place"] == "Oxford"
    assert item["ISBN"] == "9780306406157"
    assert "container-title" not in item


def test_gost_with_double_slash_volume_issue_pages() -> None:
    item = parse_reference(
        "Иванов И.И., Петров П.П. Особенности течения заболевания у детей // "
        "Вестник медицины. 2018. Т. 5, № 2. С. 10-20."
    )
    assert families(item) == ["Иванов", "Петров"]
    assert item["author"][0]["given"] == "И.И."
    assert item["title"] == "Особенности течения заболевания у детей"
    assert item["container-title"] == "Вестник медицины"
    assert (year(item), item["volume"], item["issue"], item["page"]) == (2018, "5", "2", "10-20")
    assert item["type"] == "article-journal"
    assert item["language"] == "ru"


def test_gost_container_may_hold_full_stops_and_quotes() -> None:
    item = parse_reference(
        "Орлова А.А. Обзор методов // Вестник университета. Серия «Науки о жизни». "
        "2014. № 4. С. 7-9."
    )
    assert item["container-title"] == "Вестник университета. Серия «Науки о жизни»"
    assert "volume" not in item
    assert (item["issue"], item["page"]) == ("4", "7-9")


def test_gost_with_latin_title_and_latin_abbreviations() -> None:
    item = parse_reference(
        "Lee A., Kim B. Immune profiles in pregnancy // Journal of Examples. 2019.V. 10. P. 2317. "
        "DOI=10.1000/ex.2019.02317."
    )
    assert families(item) == ["Lee", "Kim"]
    assert item["container-title"] == "Journal of Examples"
    assert (item["volume"], item["page"]) == ("10", "2317")
    assert "issue" not in item
    assert item["DOI"] == "10.1000/ex.2019.02317"
    assert item["language"] == "en"


def test_cyrillic_without_double_slash() -> None:
    item = parse_reference(
        "Смирнов Д.А. Исследование факторов риска у пациентов. "
        "Медицинский журнал 2, 2017. 12-18. doi: 10.1000/med2017212-18"
    )
    assert families(item) == ["Смирнов"]
    assert item["title"] == "Исследование факторов риска у пациентов"
    assert year(item) == 2017
    assert item["page"] == "12-18"
    assert item["language"] == "ru"


def test_ukrainian_and_kazakh_titles_are_told_from_russian() -> None:
    uk = parse_reference("Петренко О.І. Сучасні підходи до лікування // Журнал. 2019. № 1. С. 5-9.")
    kk = parse_reference("Серікова А. Қазақ тілінің дамуы // Хабаршы. 2020. № 2. С. 3-8.")
    assert uk["language"] == "uk"
    assert kk["language"] == "kk"


@pytest.mark.parametrize(
    ("raw", "names"),
    [
        ("Brown K, Lee S, Park J, et al. Gut microbiota in obesity. Obes Rev. 2018; 19: e12853.",
         ["Brown", "Lee", "Park"]),
        ("Сидоров А.В., Кузнецова Е.Н., Орлов Д.С. и др. Новые подходы к диагностике // "
         "Клиническая практика. 2020. № 3. С. 44-51.", ["Сидоров", "Кузнецова", "Орлов"]),
        ("Hajek, H, Novak, HR, Lind, Z, et al. A trial of something. Am J Test. 2018; 80: e12853.",
         ["Hajek", "Novak", "Lind"]),
    ],
)
def test_et_al_is_noted_and_never_becomes_a_name(raw: str, names: list[str]) -> None:
    item = parse_reference(raw)
    assert families(item) == names
    assert item["note"] == "et al."
    assert all("al" not in (a.get("family") or "").split() for a in item["author"])


def test_article_number_is_a_single_page() -> None:
    item = parse_reference("Brown K, Lee S. Gut microbiota in obesity. Obes Rev. 2018; 19: e12853.")
    assert (item["volume"], item["page"]) == ("19", "e12853")


def test_vancouver_article_number_with_issue() -> None:
    item = parse_reference(
        "Novak P. Vaccines in children. Pediatrics. 2016;137(2):e20153412. "
        "http://dx.doi.org/10.1542/peds.2015-3412."
    )
    assert item["container-title"] == "Pediatrics"
    assert (item["volume"], item["issue"], item["page"]) == ("137", "2", "e20153412")
    assert item["DOI"] == "10.1542/peds.2015-3412"


def test_researchgate_style_with_bare_doi_and_ampersand_authors() -> None:
    item = parse_reference(
        "Pérez, Ana & Silva Costa, Rui & Moreau, Jean. (2004). A study of trials. "
        "Archives of Examples. 269. 161-72. 10.1000/ae-003-0560-3."
    )
    assert families(item) == ["Pérez", "Silva Costa", "Moreau"]
    assert (year(item), item["volume"], item["page"]) == (2004, "269", "161-72")
    assert item["DOI"] == "10.1000/ae-003-0560-3"


@pytest.mark.parametrize(
    "printed",
    ["doi:10.1000/xyz.123", "doi: 10.1000/xyz.123", "DOI=10.1000/xyz.123.", "DOI: 10.1000/XYZ.123",
     "https://doi.org/10.1000/xyz.123", "http://dx.doi.org/10.1000/xyz.123", "10.1000/xyz.123"],
)
def test_doi_in_every_printed_form(printed: str) -> None:
    item = parse_reference(f"Kim S, Lee J. A short review. Rev Med. 2011;4:200-9. {printed}")
    assert item["DOI"] == "10.1000/xyz.123"
    assert item["page"] == "200-9"
    assert "doi" not in item.get("container-title", "").lower()


def test_pubmed_identifiers() -> None:
    item = parse_reference(
        "Ray T, Ode P. Sleep and mood. Sleep Med. 2011;4(2):21-30. "
        "PMID: 21910773; PMCID: PMC3145678."
    )
    assert (item["PMID"], item["PMCID"]) == ("21910773", "PMC3145678")
    assert item["page"] == "21-30"


def test_url_and_accessed_note_are_not_title_text() -> None:
    item = parse_reference(
        "Hart, P. (2009) Notes on winter birds. Field Society. "
        "http://www.example.org/reports/winter-birds.pdf"
    )
    assert item["URL"] == "http://www.example.org/reports/winter-birds.pdf"
    assert item["title"] == "Notes on winter birds"
    assert "DOI" not in item


def test_chapter_in_edited_book() -> None:
    item = parse_reference(
        "Smith J, Jones K. Cancer screening. In: Brown A, editor. Oncology Handbook. 3rd ed. "
        "New York: Springer; 2010. p. 100-15."
    )
    assert item["type"] == "chapter"
    assert families(item) == ["Smith", "Jones"]
    assert [e["family"] for e in item["editor"]] == ["Brown"]
    assert item["container-title"] == "Oncology Handbook"
    assert item["page"] == "100-15"


def test_thesis_type() -> None:
    item = parse_reference(
        "Lopez, A. (2018). Essays on labor markets (Doctoral dissertation). University of Chicago."
    )
    assert item["type"] == "thesis"


def test_corporate_author_is_a_literal_not_a_family_name() -> None:
    item = parse_reference(
        "World Health Organization. Global tuberculosis report 2020. Geneva: WHO; 2020."
    )
    assert item["author"] == [{"literal": "World Health Organization"}]


def test_no_doi_is_invented() -> None:
    item = parse_reference(
        "Grimm, F., Krause, S. Contributions to pregnancy loss. J Test 33, 833–847 (2016)."
    )
    assert "DOI" not in item
    assert (item["volume"], item["page"], year(item)) == ("33", "833-847", 2016)


def test_empty_and_garbage_strings_do_not_fail() -> None:
    assert parse_reference("")["type"]
    assert isinstance(parse_reference("////"), dict)
    assert isinstance(parse_reference("  ,,, ;; 12"), dict)


def test_gost_area_dashes_are_not_part_of_fields() -> None:
    item = parse_reference(
        "Петров П.П. Название статьи // Журнал акушерства. – 2015. – Т. 3, № 4. – С. 12–18."
    )
    assert item["container-title"] == "Журнал акушерства"
    assert (year(item), item["volume"], item["issue"], item["page"]) == (2015, "3", "4", "12-18")


def test_gost_statement_of_responsibility_gives_all_authors() -> None:
    item = parse_reference(
        "Сидоров С.С. Роль цитокинов / С.С. Сидоров, И.И. Иванов, А.А. Петров [и др.] // "
        "Иммунология. – 2012. – № 2. – С. 5-10."
    )
    assert families(item) == ["Сидоров", "Иванов", "Петров"]
    assert item["note"] == "et al."
    assert item["title"] == "Роль цитокинов"


def test_gost_book_without_double_slash() -> None:
    item = parse_reference(
        "Иванов И.И. Основы клинической иммунологии: монография. – М.: Наука, 2010. – 200 с."
    )
    assert item["type"] == "book"
    assert item["title"] == "Основы клинической иммунологии: монография"
    assert (item["publisher"], item["publisher-place"], year(item)) == ("Наука", "М", 2010)


def test_azerbaijani_title_in_gost() -> None:
    item = parse_reference(
        "Məmmədova S.R. Hamiləlikdə immun pozğunluqlar // Tibb jurnalı. 2019. № 3. S. 45-50."
    )
    assert item["language"] == "az"
    assert (item["issue"], item["page"]) == ("3", "45-50")


def test_transliterated_russian_reference_with_translated_journal_name() -> None:
    item = parse_reference(
        "Ivanov I.I., Petrov P.P. Cytokines in pregnancy. Akusherstvo i ginekologiya "
        "[Obstetrics and Gynecology], 2015, vol. 3, no. 4, pp. 12-18. (In Russ.)"
    )
    assert families(item) == ["Ivanov", "Petrov"]
    assert item["author"][0]["given"] == "I.I."
    assert item["title"] == "Cytokines in pregnancy"
    assert item["container-title"] == "Akusherstvo i ginekologiya [Obstetrics and Gynecology]"
    assert (year(item), item["volume"], item["issue"], item["page"]) == (2015, "3", "4", "12-18")


def test_gost_chapter_in_a_collection_with_imprint() -> None:
    item = parse_reference(
        "Иванов И.И. Роль иммунитета // Иммунология беременности: сб. науч. тр. – "
        "М.: Медицина, 2010. – С. 15-20."
    )
    assert item["type"] == "chapter"
    assert item["container-title"] == "Иммунология беременности: сб. науч. тр"
    assert (item["publisher-place"], item["publisher"]) == ("М", "Медицина")
    assert (year(item), item["page"]) == (2010, "15-20")


def test_gost_conference_paper() -> None:
    item = parse_reference(
        "Петров П.П. Новые данные // Материалы XV Всероссийской конференции. – СПб., 2016. – "
        "С. 33-34."
    )
    assert item["type"] == "paper-conference"
    assert item["container-title"] == "Материалы XV Всероссийской конференции"
    assert item["publisher-place"] == "СПб"


def test_roman_volume_run_into_the_journal_is_a_volume() -> None:
    item = parse_reference(
        'Mills, H. "A study of strategy." Industrial Studies Review, VIII (Spring 1967), 1-13.'
    )
    assert item["container-title"] == "Industrial Studies Review"
    assert item["volume"] == "VIII"


def test_repeated_author_dashes_are_not_a_name() -> None:
    item = parse_reference("———. Watt. Paris: Olympia Press, 1953.")
    assert item["title"] == "Watt"
    assert "author" not in item


def test_repeated_author_mark_takes_the_previous_authors_only_in_a_list() -> None:
    alone = parse_reference("———. Watt. Paris: Olympia Press, 1953.")
    assert "author" not in alone
    first, second = parse_references(
        [
            "Beckett, Samuel. Murphy. London: Routledge, 1938.",
            "———. Watt. Paris: Olympia Press, 1953.",
        ]
    )
    assert families(second) == families(first) == ["Beckett"]


# --------------------------------------------------------------------------- tagger features


def test_cached_known_rows_give_the_features_the_model_was_trained_on() -> None:
    """The fast tagging path (cached per-token rows of known attributes) must feed crfsuite exactly
    the training features minus the ones the model never weighted, in the same order."""
    from app.ingest import reference_model as rm

    rm.tagger()
    gold = load_gold(FIXTURES / "anystyle_dev.json")[:200]
    strings = [g["raw"] for g in gold] + ["Ⅳ. (1999a). Über-Straße ², Ж.И. Иванов // Журнал. Т. 5"]
    for raw in strings:
        tokens = rm.tokenize(raw)
        full = [[f for f in row if f in rm._KNOWN] for row in rm.sequence_features(tokens)]
        fast = [[f.decode() for f in row] for row in rm._known_features(tokens)]
        assert fast == full, raw


def test_shape_table_matches_shape() -> None:
    from app.ingest.reference_model import _fast_shape, shape

    for token in ("Smith,", "(2001).", "Иванов,", "Ⅳ.", "x²", "10.1000/ABC-12", "«Über»", "'''"):
        assert _fast_shape(token) == shape(token)


def test_token_cache_stays_bounded() -> None:
    """Parsing any amount of new text cannot grow the parser's memory past its caches' bounds."""
    from app.ingest import reference_model as rm

    for i in range(rm.ROW_CACHE_SIZE + 500):
        rm.tag([f"Word{i}", "and", f"{i}."])
    assert rm._known_row.cache_info().currsize <= rm.ROW_CACHE_SIZE


# --------------------------------------------------------------------------- names and locators
# of styles the training data has few of (the failure kinds measured on unseen labelled sets)


def test_upper_case_and_between_names_is_a_conjunction() -> None:
    names, _ = parse_names("SMITH, J. AND JONES, K.")
    assert [n["family"] for n in names] == ["SMITH", "JONES"]


def test_jr_is_a_suffix_not_a_name() -> None:
    names, _ = parse_names("J. R. BUDGE, P. E. ELLIS, JR., R. D. JONES")
    assert [n["family"] for n in names] == ["BUDGE", "ELLIS", "JONES"]
    assert names[1]["suffix"] == "JR."
    names, _ = parse_names("Smith, J., Jr., and Jones, K.")
    assert [(n["family"], n.get("suffix")) for n in names] == [("Smith", "Jr."), ("Jones", None)]


@pytest.mark.parametrize(
    ("printed", "family", "given"),
    [
        ("Karimov Alisher Baxtiyor o‘g‘li", "Karimov", "Alisher Baxtiyor o‘g‘li"),
        ("Rahimova Dilnoza Anvar qizi", "Rahimova", "Dilnoza Anvar qizi"),
        ("Иванов Иван Иванович", "Иванов", "Иван Иванович"),
    ],
)
def test_a_patronymic_puts_the_family_name_first(printed: str, family: str, given: str) -> None:
    assert parse_names(printed)[0] == [{"family": family, "given": given}]


def test_transliterated_russian_et_al_is_noted() -> None:
    names, et_al = parse_names("Ivanov I.I., Petrov P.P., i dr.")
    assert [n["family"] for n in names] == ["Ivanov", "Petrov"] and et_al


def test_year_glued_to_the_name_is_the_date() -> None:
    item = parse_reference("Weber, Max(1921): Wirtschaft und Gesellschaft. Tübingen: Mohr.")
    assert families(item) == ["Weber"]
    assert year(item) == 1921
    assert item["title"] == "Wirtschaft und Gesellschaft"


def test_german_guillemets_do_not_stay_in_the_title() -> None:
    assert clean_title("»Die Stadt als Bühne«.") == "Die Stadt als Bühne"


@pytest.mark.parametrize(
    ("printed", "volume", "issue"),
    [
        ("Jg. 28, H. 3", "28", "3"),
        ("v.13 n.4", "13", "4"),
        ("제25권 제2호", "25", "2"),
        ("第25巻第2号", "25", "2"),
        ("24 Suppl 1", "24", "Suppl 1"),
        ("T. 20, № 3", "20", "3"),
    ],
)
def test_volume_and_issue_in_other_languages_forms(printed: str, volume: str, issue: str) -> None:
    assert parse_volume(printed) == {"vol": volume, "iss": issue}


@pytest.mark.parametrize(
    ("raw", "issue", "page"),
    [
        ("Smith J. A title. Lancet 2010;44(1)12-7.", "1", "12-7"),
        ("Smith J. A title. Blood 2010;44 Suppl 1:12-7.", "Suppl 1", "12-7"),
    ],
)
def test_vancouver_block_without_colon_or_with_supplement(raw: str, issue: str, page: str) -> None:
    item = parse_reference(raw)
    assert (year(item), item["volume"], item["issue"], item["page"]) == (2010, "44", issue, page)
    assert item["container-title"] in ("Lancet", "Blood")


# --------------------------------------------------------------------------- repairs of segments


def test_quoted_title_run_into_its_container_is_split() -> None:
    printed = '"Who discovered the electron?" In Histories of the Electron'
    assert split_quoted_title(printed, None) == (
        '"Who discovered the electron?"', "In Histories of the Electron"
    )
    # a title that starts with a quoted phrase is left whole
    assert split_quoted_title("“Cogito” and its critics", "J") == ("“Cogito” and its critics", "J")


def test_title_glued_to_the_next_field_gives_the_field_its_word() -> None:
    assert move_glued_tail("Fermionic gauge theories,Annals", "Phys.") == (
        "Fermionic gauge theories", "Annals Phys."
    )
    assert move_glued_tail("Matrix product states ,Phys", ".Rev .Lett") == (
        "Matrix product states", "Phys .Rev .Lett"
    )
    assert move_glued_tail("A history of the U.S.A", None) == ("A history of the U.S.A", None)


def test_open_access_chapter_in_commas_gives_book_and_editor() -> None:
    item = parse_reference(
        "Anna Kowalska and Piotr Nowak (March 2nd 2021). Soil Erosion in Dry Regions, Advances in "
        "Soil Science, Maria Lopez, IntechOpen, DOI: 10.5772/intechopen.90000."
    )
    assert item["title"] == "Soil Erosion in Dry Regions"
    assert item["container-title"] == "Advances in Soil Science"
    assert item["editor"] == [{"family": "Lopez", "given": "Maria"}]
    assert item["type"] == "chapter"


def test_number_run_into_a_closing_bracket_is_its_own_token() -> None:
    assert tokenize("Phys. Lett. B 764( 2017)196 ; 15(1):95") == [
        "Phys.", "Lett.", "B", "764(", "2017)", "196", ";", "15(1):95"
    ]


def test_url_printed_with_spaces_around_the_colon() -> None:
    item = parse_reference("Smith J. A title. J Phys 2015;5:1-2. URL http ://example.org/a.pdf")
    assert item["URL"] == "http://example.org/a.pdf"
    assert "url" not in item.get("title", "").lower()


def test_transliterated_russian_with_i_dr_and_in_russ() -> None:
    item = parse_reference(
        "Ivanov I.I., Petrov P.P., i dr. Nazvanie stat'i. Vestnik MGU. 2010. T. 20, № 3. "
        "S. 10-20. (In Russ.)"
    )
    assert families(item) == ["Ivanov", "Petrov"]
    assert item["note"].startswith("et al.")
    assert (item["title"], item["container-title"]) == ("Nazvanie stat'i", "Vestnik MGU")
    assert (item["volume"], item["issue"], item["page"]) == ("20", "3", "10-20")
    assert item["type"] == "article-journal"


def test_volume_label_does_not_stay_in_the_journal() -> None:
    item = parse_reference(
        "Meier, K. (1999): Ein Titel. Zeitschrift für Soziologie, Jg. 28, H. 3, S. 10-25."
    )
    assert item["container-title"] == "Zeitschrift für Soziologie"
    assert (item["volume"], item["issue"], item["page"]) == ("28", "3", "10-25")
