"""Specification of the text repairs: PDF line-break hyphens go, real compounds stay."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from app.ingest.text import has_word_frequencies, repair_line_break_hyphens, zipf_frequencies

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
EXPECTED = json.loads((FIXTURES / "seed_expected.json").read_text(encoding="utf-8"))


def test_seed_abstract_is_repaired_exactly():
    article = EXPECTED["article"]
    assert repair_line_break_hyphens(article["abstract_as_printed"]["en"], "en") == (
        article["abstract"]["en"]
    )


@pytest.mark.parametrize(
    ("printed", "repaired"),
    [
        ("etio-logy", "etiology"),
        ("ambigu-ous", "ambiguous"),
        ("immu-nological", "immunological"),
        ("in-formation", "information"),
        ("the thera-\npy works", "the therapy works"),
    ],
)
def test_line_break_hyphens_are_removed_in_english(printed, repaired):
    assert repair_line_break_hyphens(printed, "en") == repaired


@pytest.mark.parametrize(
    "compound",
    [
        "lymphocyte-immunotherapy",
        "Low-dose",
        "maternal-fetal",
        "Maternal-Fetal",
        "well-being",
        "long-term",
        "e-mail",
        "MLR-Bf",
        "Th1/Th2-cells",
        "G.-Y",
        "anti-TNF-alpha",
    ],
)
def test_real_compounds_keep_their_hyphen(compound):
    assert repair_line_break_hyphens(compound, "en") == compound


def test_russian_breaks_are_repaired_and_compounds_kept():
    text = "Клинико-диагностическая ценность иммуно-логические бере-\nменности"
    assert repair_line_break_hyphens(text, "ru") == (
        "Клинико-диагностическая ценность иммунологические беременности"
    )


def test_language_without_word_frequencies_is_left_unchanged():
    # wordfreq has no Azerbaijani list and would silently answer with Russian frequencies
    assert not has_word_frequencies("az")
    text = "immu-noloji amil-lər"
    assert repair_line_break_hyphens(text, "az") == text


def test_text_without_hyphens_is_returned_as_is():
    assert repair_line_break_hyphens("Plain text.", "en") == "Plain text."


def test_zipf_frequencies_match_wordfreq_and_default_to_zero():
    import wordfreq

    found = zipf_frequencies(["immunological", "Etiology", "qwzxv"], "en")
    assert found["immunological"] == wordfreq.zipf_frequency("immunological", "en")
    assert found["Etiology"] == wordfreq.zipf_frequency("etiology", "en")
    assert found["qwzxv"] == 0.0
