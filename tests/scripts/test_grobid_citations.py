"""The GROBID corpus conversion: labels as AnyStyle would give them, gold by the development set's
rules, a split by document that does not change from run to run."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from xml.etree import ElementTree

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "grobid_citations.py"
_spec = importlib.util.spec_from_file_location("grobid_citations", SCRIPT)
assert _spec and _spec.loader
grobid = importlib.util.module_from_spec(_spec)
sys.modules["grobid_citations"] = grobid
_spec.loader.exec_module(grobid)


def bibl(xml: str) -> ElementTree.Element:
    return ElementTree.fromstring(f"<bibl>{xml}</bibl>")


PHYSICS = bibl(
    '[12] <author>A. Smith and B. Jones</author>, <title level="j">Phys. Rev. Lett.</title> '
    '<biblScope unit="volume">119</biblScope>, <biblScope unit="page">044802</biblScope> '
    "(<date>2017</date>)."
)
CHAPTER = bibl(
    '<author>Cau, A., Kuiper, R.</author> (<date>1992</date>). <title level="a">Formalising a '
    'strategy</title>. In <editor>C. Jones</editor>, editors, <title level="m">Proc. Workshop'
    '</title>, pp. <biblScope type="pp">12-20</biblScope>. <publisher>Springer</publisher>.'
)
VANCOUVER = bibl(
    '<author>Ruben H</author>. <title level="a">Gastric insufflation</title>. <title level="j">'
    'Acta Anaesthesiol Scand</title> <date>1961</date>;<biblScope unit="volume">5</biblScope>:'
    '<biblScope unit="page">107-114</biblScope>.'
)


def labels(element: ElementTree.Element) -> list[tuple[str, str]]:
    return grobid._tokens(grobid._spans(element))


def test_every_token_gets_one_label_and_punctuation_joins_a_neighbour() -> None:
    assert labels(PHYSICS) == [
        ("[12]", "citation-number"), ("A.", "author"), ("Smith", "author"), ("and", "author"),
        ("B.", "author"), ("Jones,", "author"), ("Phys.", "journal"), ("Rev.", "journal"),
        ("Lett.", "journal"), ("119,", "volume"), ("044802", "pages"), ("(2017).", "date"),
    ]


def test_book_title_of_a_chapter_is_the_container_and_openers_go_forward() -> None:
    pairs = dict(labels(CHAPTER))
    assert pairs["Formalising"] == "title"
    assert pairs["Proc."] == "container-title" and pairs["In"] == "editor"
    assert pairs["pp."] == "pages" and pairs["editors,"] == "editor"


def test_vancouver_block_is_split_as_the_parser_splits_it() -> None:
    assert labels(VANCOUVER)[-3:] == [("1961;", "date"), ("5:", "volume"), ("107-114.", "pages")]


def test_gold_marks_missing_fields_as_null_and_keeps_printed_values() -> None:
    gold = grobid.gold_of(PHYSICS, "raw")
    assert gold == {
        "authors": ["Smith", "Jones"], "et_al": False, "year": 2017, "title": None,
        "container_title": "Phys. Rev. Lett", "volume": "119", "issue": None,
        "page_first": "044802", "page_last": None, "doi": None,
    }
    gold = grobid.gold_of(CHAPTER, "raw")
    assert gold["authors"] == ["Cau", "Kuiper"]
    assert (gold["title"], gold["container_title"]) == ("Formalising a strategy", "Proc. Workshop")
    assert (gold["page_first"], gold["page_last"]) == ("12", "20")


def test_author_lists_of_uncertain_form_are_not_scored() -> None:
    assert grobid._gold_authors("Yann LeCun, Sumit Chopra") is None
    assert grobid._gold_authors("ATLAS Collaboration") is None
    assert grobid._gold_authors("Smith J, Jones AB, et al.") == (["Smith", "Jones"], True)


def test_split_depends_only_on_the_group_name() -> None:
    keys = [f"file{i}.xml" for i in range(200)]
    held = [k for k in keys if grobid.held_out(k)]
    assert held == [k for k in keys if grobid.held_out(k)]
    assert 20 <= len(held) <= 60
