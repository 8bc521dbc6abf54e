"""Deeply nested elements are refused before the HTML parser, whose time grows with the square
of the depth (issue 10: 100,000 unclosed tags held the loader for minutes)."""

from __future__ import annotations

import pytest

from app.ingest.ojs_page import parse_page
from app.ingest.ojs_page.nesting import MAX_DEPTH, nesting_depth
from app.ingest.records import PageError
from tests.conftest import FIXTURES


def test_a_page_of_unclosed_nested_tags_is_refused_with_its_depth() -> None:
    page = "<html><body>" + "<div><span>" * 50_000
    with pytest.raises(PageError, match="nest 100,000 levels deep"):
        parse_page(page, source_url="https://journal.example/index.php/j/article/view/1")


def test_real_pages_nest_far_below_the_limit() -> None:
    pages = list((FIXTURES / "ojs_pages").glob("*.html"))
    assert pages
    assert max(nesting_depth(p.read_text(encoding="utf-8")) for p in pages) < MAX_DEPTH // 20


@pytest.mark.parametrize(
    ("html", "depth"),
    [
        ("<div><p>a<p>b<ul><li>x<li>y</ul></div>", 2),  # p and li close themselves
        ("<div><br><img src=x><meta charset=utf-8></div>", 1),  # void elements
        ("</div></div><div>", 1),  # stray end tags do not go below zero
    ],
)
def test_depth_counts_only_elements_that_stay_open(html: str, depth: int) -> None:
    assert nesting_depth(html) == depth
