"""Specification of language detection: script and orthography first, lingua for the rest."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from app.ingest.languages import (
    classify_language,
    detect_language,
    orthography_language,
    script_of,
)

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
EXPECTED = json.loads((FIXTURES / "seed_expected.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize(
    ("text", "script"),
    [("abc def", "Latin"), ("абв где", "Cyrillic"), ("əğış", "Latin"), ("123 -", None)],
)
def test_script_of(text, script):
    assert script_of(text) == script


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("повторный выкидыш", "ru"),
        ("Українська мова", "uk"),
        ("Қазақ тілі", "kk"),
        ("düşüklər", "az"),
        ("recurrent", None),  # Latin letters alone prove nothing
    ],
)
def test_orthography_decides_what_letters_prove(text, language):
    assert orthography_language(text) == language


@pytest.mark.parametrize(("language", "words"), EXPECTED["article"]["keywords"].items())
def test_seed_keywords_with_proving_letters_are_classified_without_lingua(language, words):
    proven = [w for w in words if orthography_language(w) is not None]
    assert all(classify_language(w) == language for w in proven)


def test_turkic_letters_narrow_the_choice_to_azerbaijani_or_turkish():
    assert classify_language("Türkiye gebelik kaybı") in {"tr", "az"}


def test_candidates_narrow_lingua():
    assert classify_language("recurrent miscarriage", candidates=("en", "az")) in {"en", "az"}


def test_long_text_is_classified_like_detect_language():
    abstract = EXPECTED["article"]["abstract"]["en"]
    assert classify_language(abstract) == detect_language(abstract) == "en"


@pytest.mark.parametrize("text", ["", "1234 — 5678", "  "])
def test_no_letters_no_language(text):
    assert classify_language(text) is None
    assert detect_language(text) is None
