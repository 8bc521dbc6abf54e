"""Properties of the reference parser over strings nobody wrote down: every string gets an item and
nothing raises, whatever the punctuation, script or truncation (hypothesis drives random strings and
mutations of real references)."""

from __future__ import annotations

import json
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.ingest.references import SAME_AUTHORS, parse_names, parse_reference, parse_references

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
REAL = [
    ref["raw"]
    for ref in json.loads((FIXTURES / "seed_expected.json").read_text("utf-8"))["references"]
] + [ref["raw"] for ref in json.loads((FIXTURES / "anystyle_dev.json").read_text("utf-8"))[:300]]

# Pieces that broke or could break the rules: conjunctions without names, ellipses, GOST slashes,
# dangling brackets, lone identifiers' prefixes, dashes, quotes.
PIECES = [
    "&", "&.", "... &", "…", ". . .", "et al.", "и др.", "//", " / ", "(", ")", "[", "]", "«", "»",
    "“", "”", '"', "'", "10.", "doi:", "http://", "www.", "PMID:", "PMC", "ISBN", "—", "–", "-",
    "———.", ";", ":", ",", ".", "(Eds.)", "In:", "Т. 5, № 2. С. 10-20.", "2017;15(1):95", "pp.",
    "Vol.", "No.", "Jr.", "AND", "Hg.", "»", "제25권 제2호", "o'g'li", "  ", "\t", "\u00ad",
    "\u200b",
]
ALPHABET = st.characters(blacklist_categories=("Cs",))  # any code point a JSON string can carry


@st.composite
def mutated_references(draw: st.DrawFn) -> str:
    """A real reference with pieces inserted, cut or repeated at random places."""
    text = draw(st.sampled_from(REAL))
    for _ in range(draw(st.integers(1, 6))):
        at = draw(st.integers(0, len(text)))
        op = draw(st.sampled_from(["insert", "cut", "repeat", "truncate"]))
        if op == "insert":
            piece = draw(st.sampled_from(PIECES) | st.text(ALPHABET, max_size=8))
            text = text[:at] + piece + text[at:]
        elif op == "cut":
            text = text[:at] + text[at + draw(st.integers(1, 20)) :]
        elif op == "repeat":
            text = text[:at] + text[at : at + 12] * draw(st.integers(2, 5)) + text[at:]
        else:
            text = text[:at]
    return text


def _check(raw: str) -> None:
    item = parse_reference(raw)
    assert isinstance(item, dict)
    assert isinstance(item.get("type"), str)
    for name in item.get("author", []):
        assert name.get("family") or name.get("literal")


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(ALPHABET, max_size=300))
def test_any_string_gets_an_item(raw: str) -> None:
    _check(raw)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(PIECES) | st.text(ALPHABET, max_size=10), max_size=40).map("".join))
def test_strings_made_of_tricky_pieces_get_an_item(raw: str) -> None:
    _check(raw)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated_references())
def test_mutated_real_references_get_an_item(raw: str) -> None:
    _check(raw)


@settings(max_examples=200, deadline=None)
@given(st.lists(mutated_references(), max_size=8))
def test_a_list_gets_one_item_per_string_in_order(raws: list[str]) -> None:
    items = parse_references(raws)
    assert len(items) == len(raws)
    for item, raw in zip(items, raws, strict=True):
        alone = parse_reference(raw)
        if alone.get("note") == SAME_AUTHORS:  # only a list gives the mark its authors
            item = {k: v for k, v in item.items() if k != "author" or "author" in alone}
        assert item == alone


def test_ampersand_with_a_full_stop_is_no_name() -> None:
    raw = "Smith, J., Jones, K., &. Brown, L. (2019). A title. Journal, 3(2), 1-5."
    item = parse_reference(raw)
    assert [a["family"] for a in item["author"]] == ["Smith", "Jones", "Brown"]


def test_apa7_ellipsis_keeps_the_listed_authors_and_notes_the_omission() -> None:
    names, et_al = parse_names("Smith, J., Jones, K., Lee, M., ... & Brown, L.")
    assert [n["family"] for n in names] == ["Smith", "Jones", "Lee", "Brown"]
    assert et_al


def test_author_lists_of_only_punctuation_give_no_names() -> None:
    for text in ("&.", ", &", ". & .", "&", "... &", "…"):
        assert parse_names(text)[0] == []
