"""The label table: OJS's block labels in every UI language, found alone or inside a line."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from app.ingest.ojs_page.labels import (
    inline_labels,
    issue_identification,
    label_language,
    label_role,
    language_of,
)
from app.ingest.ojs_page.lines import split_inline_labels

ROOT = Path(__file__).resolve().parents[2]
# PKP's labels, copied into the repository (provenance: data/ojs/README.md)
PKP_LABELS = ROOT / "data" / "ojs" / "labels.json.gz"


@pytest.mark.parametrize(
    ("line", "role"),
    [
        ("Resumo", "abstract"), ("Resumen", "abstract"), ("Анотація", "abstract"),
        ("Annotatsiya", "abstract"), ("Abstrak", "abstract"), ("Özet", "abstract"),
        ("Palavras-chave:", "keywords"), ("Palabras clave", "keywords"),
        ("Kalit so'zlar", "keywords"), ("Ключові слова:", "keywords"),
        ("Kata kunci", "keywords"), ("Mots-clés", "keywords"), ("Schlagworte", "keywords"),
        ("Referências", "references"), ("Referencias", "references"),
        ("Список литературы", "references"), ("Daftar Pustaka", "references"),
        ("Como Citar", "how_to_cite"), ("Cómo citar", "how_to_cite"),
        ("Publicado", "published"), ("Опубліковано", "published"),
        ("Edição", "issue"), ("Seção", "section"),
        ("Artigos mais lidos do(s) mesmo(s) autor(es)", "most_read"),
        ("Skip to main content", "interface"), ("Ir para o conteúdo principal", "interface"),
        ("Sobre a Revista", "interface"),
    ],
)  # fmt: skip
def test_labels_of_every_locale_name_their_block(line, role):
    assert label_role(line) == role


@pytest.mark.parametrize("line", ["The results", "Anna Petrova", "Resumo do artigo completo"])
def test_ordinary_lines_are_no_label(line):
    assert label_role(line) is None


def test_a_label_glued_to_the_value_before_it_is_cut_off():
    line = "DOI: https://doi.org/10.5281/zenodo.8670366palavras-chave: educação; escola"
    assert split_inline_labels(line) == [
        ("DOI:", "doi"),
        ("https://doi.org/10.5281/zenodo.8670366", None),
        ("palavras-chave:", "keywords"),
        ("educação; escola", None),
    ]


def test_a_label_word_inside_a_reference_is_not_a_label():
    reference = "Singh M. (2019). Alloimmunization. IntechOpen, DOI: 10.5772/intechopen.84211."
    assert split_inline_labels(reference) == [(reference, None)]


def test_a_label_inside_prose_without_a_colon_is_not_a_label():
    assert inline_labels("We list the keywords and the references of each article.") == []


@pytest.mark.parametrize(
    ("text", "volume", "number", "year"),
    [
        ("Vol. 8 No. 2 (2021)", "8", "2", "2021"),
        ("v. 12 n. 3 (2020)", "12", "3", "2020"),
        ("Том 8 № 2 (2021)", "8", "2", "2021"),
        ("Vol. 8 Núm. 2 (2021)", "8", "2", "2021"),
        ("Cilt 4 Sayı 1 (2019)", "4", "1", "2019"),
        ("No. 5 (2022)", None, "5", "2022"),
    ],
)
def test_issue_identification_in_several_locales(text, volume, number, year):
    match = issue_identification().search(text)
    assert match is not None
    assert (match["volume"], match["number"], match["year"]) == (volume, number, year)


def test_label_table_is_what_the_script_generates(tmp_path):
    spec = importlib.util.spec_from_file_location("build", ROOT / "scripts/build_ojs_labels.py")
    assert spec is not None and spec.loader is not None
    build = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(build)
    output = tmp_path / "label_table.json"
    build.main(PKP_LABELS, output)
    generated = (ROOT / "app/ingest/ojs_page/label_table.json").read_text(encoding="utf-8")
    assert output.read_text(encoding="utf-8") == generated


@pytest.mark.parametrize(
    ("label", "language"),
    [("Annotatsiya", "uz"), ("Referensi", "id"), ("Palavras-chave", "pt"), ("Abstract", None)],
)
def test_labels_of_one_language_name_the_page_language(label, language):
    assert label_language(label) == language


def test_the_ui_language_decides_only_what_the_detector_cannot_know():
    uzbek = "Bolalarda temir tanqisligi anemiyasining tarqalishi va profilaktikasi"
    english = "Iron deficiency anaemia in children: prevalence and prevention in schools"
    portuguese = "Adesão ao tratamento da hipertensão arterial em unidades básicas de saúde"
    assert language_of(uzbek, "uz") == "uz"
    assert language_of(english, "uz") == "en"  # an English article on an Uzbek site
    assert language_of(portuguese, "uz") == "pt"  # letters prove Portuguese
    assert language_of(english, "pt") == "en"  # the detector knows Portuguese: no hint needed


def test_month_table_is_what_the_script_generates(tmp_path):
    spec = importlib.util.spec_from_file_location("months", ROOT / "scripts/build_ojs_months.py")
    assert spec is not None and spec.loader is not None
    build = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(build)
    output = tmp_path / "month_table.py"
    build.main(PKP_LABELS, output)
    generated = (ROOT / "app/ingest/ojs_page/month_table.py").read_text(encoding="utf-8")
    assert output.read_text(encoding="utf-8") == generated
