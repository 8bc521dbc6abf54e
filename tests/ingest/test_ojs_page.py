"""Specification of the OJS article-page loader, checked against the seed page and its variants.

The seed's facts live in tests/fixtures/seed_expected.json; variants are built from the seed text
so that each test changes one thing a real OJS page may do differently.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from app.ingest.ojs_page import (
    footer_match,
    galley_locale,
    is_reference_like,
    issn_is_valid,
    parse_page,
    read_page,
    split_keywords,
)
from app.ingest.records import ArticleRecord, GalleyRecord, PageError

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
SEED_TEXT = (FIXTURES / "seed_page.txt").read_text(encoding="utf-8")
EXPECTED = json.loads((FIXTURES / "seed_expected.json").read_text(encoding="utf-8"))
RAW_REFERENCES = [item["raw"] for item in EXPECTED["references"]]
FOOTER = EXPECTED["not_references"][0]
SEED_URL = EXPECTED["source"]["url"]


@pytest.fixture(scope="module")
def seed() -> ArticleRecord:
    return parse_page(SEED_TEXT, source_url=SEED_URL)


def _lines_without(text: str, pattern: str) -> str:
    return "\n".join(line for line in text.split("\n") if not re.match(pattern, line))


def _keyword_block() -> str:
    """The seed's run-together keyword lines, as printed."""
    start = SEED_TEXT.index(EXPECTED["article"]["keywords"]["en"][0], SEED_TEXT.rindex("PDF ("))
    end = SEED_TEXT.index("Most read articles")
    return SEED_TEXT[start:end].strip()


# --------------------------------------------------------------------------- the seed page


def test_journal_title_comes_from_the_untranslated_logo_key_and_the_running_footer(seed):
    assert seed.journal.titles == EXPECTED["journal"]["title"]


def test_print_issn_is_read(seed):
    assert seed.journal.issn_print == EXPECTED["journal"]["issn_print"]
    assert seed.journal.issn_online is None


def test_issue_is_read_from_the_running_footer(seed):
    issue = EXPECTED["issue"]
    assert seed.issue is not None
    assert (seed.issue.volume, seed.issue.number, seed.issue.year) == (
        issue["volume"],
        issue["number"],
        issue["year"],
    )


def test_article_title_is_the_title_line_not_a_locale_key_nor_the_journal(seed):
    assert seed.titles == EXPECTED["article"]["title"]


def test_abstract_is_kept_as_printed_and_repaired(seed):
    assert seed.abstracts_as_printed == EXPECTED["article"]["abstract_as_printed"]
    assert seed.abstracts == EXPECTED["article"]["abstract"]


def test_keywords_are_split_by_language_in_printed_order(seed):
    assert seed.keywords == EXPECTED["article"]["keywords"]
    assert list(seed.keywords) == list(EXPECTED["article"]["keywords"])


def test_galley_printed_twice_is_one_galley_with_its_locale(seed):
    assert [(g.label, g.locale) for g in seed.galleys] == [
        (g["label"], g["locale"]) for g in EXPECTED["article"]["galleys"]
    ]
    assert seed.language == EXPECTED["article"]["galleys"][0]["locale"]


def test_references_are_every_paragraph_exactly_as_printed(seed):
    assert seed.references == RAW_REFERENCES


@pytest.mark.parametrize("noise", EXPECTED["not_references"])
def test_footer_and_interface_lines_are_not_references(seed, noise):
    assert all(noise not in reference for reference in seed.references)
    assert noise not in seed.titles.values()


def test_footer_line_is_not_a_reference():
    assert footer_match(FOOTER) is not None
    assert not is_reference_like(FOOTER)
    assert all(footer_match(raw) is None for raw in RAW_REFERENCES)


def test_no_authors_are_invented(seed):
    assert seed.authors == EXPECTED["article"]["authors"] == []


def test_source_url_and_ojs_article_id(seed):
    assert seed.source_url == SEED_URL
    assert seed.ojs_article_id == int(SEED_URL.rsplit("/", 1)[1])


def test_seed_facts_never_appear_in_app_code():
    root = Path(__file__).resolve().parents[2] / "app"
    banned = [
        EXPECTED["journal"]["issn_print"],
        EXPECTED["journal"]["title"]["en"],
        EXPECTED["journal"]["title"]["ru"],
        EXPECTED["article"]["title"]["en"],
        *[k for words in EXPECTED["article"]["keywords"].values() for k in words],
    ]
    for path in root.rglob("*.py"):
        source = path.read_text(encoding="utf-8")
        for fact in banned:
            assert fact not in source, f"{fact!r} hard-coded in {path}"


# --------------------------------------------------------------------------- page variants


def test_page_without_issn_line_still_has_title_and_no_issn():
    record = parse_page(_lines_without(SEED_TEXT, r"print ISSN"))
    assert record.titles == EXPECTED["article"]["title"]
    assert record.journal.issn_print is None and record.journal.issn_online is None


def test_page_without_keywords_has_none_and_keeps_references():
    record = parse_page(SEED_TEXT.replace(_keyword_block(), ""))
    assert record.keywords == {}
    assert record.references == RAW_REFERENCES


def test_references_separated_by_single_newlines():
    start = SEED_TEXT.index(RAW_REFERENCES[0])
    end = SEED_TEXT.index("PDF (")
    block = re.sub(r"\n\s*\n", "\n", SEED_TEXT[start:end].strip())
    record = parse_page(SEED_TEXT[:start] + block + "\n\n" + SEED_TEXT[end:])
    assert record.references == RAW_REFERENCES


@pytest.mark.parametrize("style", ["{n}. {ref}", "[{n}] {ref}"])
def test_numbered_references_lose_their_number_and_keep_their_order(style):
    start = SEED_TEXT.index(RAW_REFERENCES[0])
    end = SEED_TEXT.index("PDF (")
    numbered = "\n".join(style.format(n=n, ref=ref) for n, ref in enumerate(RAW_REFERENCES, 1))
    record = parse_page(SEED_TEXT[:start] + numbered + "\n\n" + SEED_TEXT[end:])
    assert record.references == RAW_REFERENCES


def test_reference_wrapped_over_lines_is_one_reference():
    wrapped = RAW_REFERENCES[0].replace(" Reprod Biol", "\nReprod Biol")
    record = parse_page(SEED_TEXT.replace(RAW_REFERENCES[0], wrapped))
    assert record.references == RAW_REFERENCES


def test_page_of_prose_only_is_not_an_article_page():
    prose = EXPECTED["article"]["abstract"]["en"]
    with pytest.raises(PageError, match="no title"):
        parse_page(prose + "\n\n" + prose)


def test_page_starting_with_prose_never_takes_prose_as_title():
    prose = EXPECTED["article"]["abstract"]["en"]
    record = parse_page(prose + "\n\n" + SEED_TEXT)
    assert record.titles == EXPECTED["article"]["title"]
    assert prose not in record.titles.values()


@pytest.mark.parametrize("text", ["", "   \n\n  "])
def test_empty_page_is_refused(text):
    with pytest.raises(PageError, match="empty"):
        parse_page(text)


def test_page_of_references_only_has_no_title():
    with pytest.raises(PageError, match="title"):
        parse_page("\n\n".join(RAW_REFERENCES))


OTHER_JOURNAL = "Journal of Clinical Studies"
OTHER_ISSN = "1234-5679"  # a valid check digit, made up


def _other_journal_page() -> str:
    """The seed reworded as another OJS journal: other name, Online ISSN, References heading,
    English-only keywords after a Keywords heading, an English galley, an English footer."""
    text = SEED_TEXT.replace(EXPECTED["journal"]["title"]["en"], OTHER_JOURNAL)
    issn_line = f"print ISSN: {EXPECTED['journal']['issn_print']}"
    text = text.replace(issn_line, f"Online ISSN {OTHER_ISSN}")
    text = text.replace(FOOTER, f"{OTHER_JOURNAL}, 2019, Vol. 12, No. 3, P. 101")
    text = text.replace(RAW_REFERENCES[0], "References\n\n" + RAW_REFERENCES[0], 1)
    text = text.replace("PDF (Русский)", "PDF (English)")
    english = "\n".join(EXPECTED["article"]["keywords"]["en"])
    return text.replace(_keyword_block(), "Keywords\n" + english)


def test_other_journal_wording_is_read_by_the_same_rules():
    record = parse_page(_other_journal_page())
    assert record.journal.titles == {"en": OTHER_JOURNAL}
    assert record.journal.issn_online == OTHER_ISSN and record.journal.issn_print is None
    assert record.issue is not None
    assert (record.issue.volume, record.issue.number, record.issue.year) == ("12", "3", 2019)
    assert record.titles == EXPECTED["article"]["title"]
    assert record.references == RAW_REFERENCES
    assert record.keywords == {"en": EXPECTED["article"]["keywords"]["en"]}
    assert record.galleys == [GalleyRecord(label="PDF", locale="en")]
    assert record.language == "en"


def test_issue_is_none_when_nothing_gives_it():
    record = parse_page(SEED_TEXT.replace(FOOTER, ""))
    assert record.issue is None
    assert "ru" not in record.journal.titles


def test_repeated_running_header_of_unknown_shape_is_not_a_reference():
    header = "Obstetrics Review Quarterly · page 7"
    text = SEED_TEXT.replace(RAW_REFERENCES[4], f"{header}\n\n{RAW_REFERENCES[4]}")
    text = text.replace(RAW_REFERENCES[10], f"{header.replace('7', '8')}\n\n{RAW_REFERENCES[10]}")
    assert parse_page(text).references == RAW_REFERENCES


def test_labelled_author_line_is_read_and_nothing_else_is():
    title = EXPECTED["article"]["title"]["en"]
    record = parse_page(SEED_TEXT.replace(title, f"{title}\nAuthors: Anna Petrova, John Smith"))
    assert [(a.given, a.family) for a in record.authors] == [("Anna", "Petrova"), ("John", "Smith")]
    assert record.titles == EXPECTED["article"]["title"]


# --------------------------------------------------------------------------- line shapes


@pytest.mark.parametrize(
    ("line", "volume", "number", "year"),
    [
        ("Journal of Rare Things 12 №3/2019 101", "12", "3", "2019"),
        ("101 Journal of Rare Things 12 №3/2019", "12", "3", "2019"),
        ("Вестник редких наук 05 № 1/2020 14", "05", "1", "2020"),
        ("Journal of Rare Things. 2018. Vol. 7, No. 4. P. 33", "7", "4", "2018"),
    ],
)
def test_running_footer_shapes(line, volume, number, year):
    match = footer_match(line)
    assert match is not None
    assert (match["volume"], match["number"], match["year"]) == (volume, number, year)


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("print ISSN: 2049-3630", ("print", "2049-3630")),
        ("Online ISSN 1234-5679", ("online", "1234-5679")),
        ("e-ISSN: 1234-5679", ("online", "1234-5679")),
        ("ISSN (online): 1234-5679", ("online", "1234-5679")),
        ("ISSN 1234-5679 (Print)", ("print", "1234-5679")),
    ],
)
def test_issn_wordings(line, expected):
    text = SEED_TEXT.replace(f"print ISSN: {EXPECTED['journal']['issn_print']}", line)
    journal = parse_page(text).journal
    medium, issn = expected
    assert (journal.issn_print, journal.issn_online) == (
        (issn, None) if medium == "print" else (None, issn)
    )


def test_issn_with_a_wrong_check_digit_is_not_taken():
    assert issn_is_valid("1234-5679") and not issn_is_valid("1234-5678")
    text = SEED_TEXT.replace(f"print ISSN: {EXPECTED['journal']['issn_print']}", "ISSN 1234-5678")
    assert parse_page(text).journal.issn_print is None


@pytest.mark.parametrize(
    ("name", "tag"),
    [
        ("Русский", "ru"), ("Russian", "ru"), ("English", "en"), ("Английский", "en"),
        ("Azərbaycan", "az"), ("Azerbaijani", "az"), ("Türkçe", "tr"), ("Turkish", "tr"),
        ("Українська", "uk"), ("Deutsch", "de"), ("Klingon", None), (None, None),
    ],
)  # fmt: skip
def test_galley_language_names_map_to_bcp47(name, tag):
    assert galley_locale(name) == tag


def test_run_together_keyword_lines_split_by_script_and_language():
    lines = _keyword_block().split("\n")
    assert split_keywords(lines) == EXPECTED["article"]["keywords"]


def test_comma_separated_keywords():
    assert split_keywords(["alpha particles, beta decay; gamma rays"]) == {
        "en": ["alpha particles", "beta decay", "gamma rays"]
    }


# --------------------------------------------------------------------------- read_page


def test_read_page_reads_the_seed(tmp_path):
    path = tmp_path / "page.txt"
    path.write_bytes(b"\xef\xbb\xbf" + SEED_TEXT.encode("utf-8"))
    assert read_page(path) == SEED_TEXT


def test_read_page_reads_utf16_with_bom(tmp_path):
    path = tmp_path / "page.txt"
    path.write_bytes(SEED_TEXT.encode("utf-16"))
    assert read_page(path) == SEED_TEXT


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (None, "no such file"),
        (b"", "empty"),
        (b"  \n\n", "empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary"),
        (bytes(range(1, 32)) * 40, "binary"),
        (FOOTER.encode("cp1251"), "not UTF-8"),
    ],
)
def test_read_page_refuses_what_is_not_a_text_page(tmp_path, content, reason):
    path = tmp_path / "page.txt"
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(PageError, match=reason) as error:
        read_page(path)
    assert "\n" not in str(error.value)


def test_read_page_refuses_a_directory(tmp_path):
    with pytest.raises(PageError, match="directory"):
        read_page(tmp_path)


# --------------------------------------------------------------------------- HTML


def _html_page() -> str:
    article = EXPECTED["article"]
    references = "".join(f"<p>{raw}</p>" for raw in RAW_REFERENCES)
    keywords = "".join(
        f'<meta name="citation_keywords" xml:lang="{lang}" content="{word}">'
        for lang, words in article["keywords"].items()
        for word in words
    )
    return f"""<!DOCTYPE html>
<html lang="en"><head><title>{article["title"]["en"]}</title>
<meta name="citation_journal_title" content="{EXPECTED["journal"]["title"]["en"]}">
<meta name="citation_issn" content="{EXPECTED["journal"]["issn_print"]}">
<meta name="citation_author" content="Petrova, Anna">
<meta name="citation_author_institution" content="Some University">
<meta name="citation_author" content="John Smith">
<meta name="citation_title" content="{article["title"]["en"]}">
<meta name="citation_language" content="ru">
<meta name="citation_date" content="2021/06/30">
<meta name="citation_volume" content="8"><meta name="citation_issue" content="2">
<meta name="citation_firstpage" content="25"><meta name="citation_lastpage" content="31">
<meta name="citation_doi" content="10.1234/EXAMPLE.62">
<meta name="citation_pdf_url" content="{SEED_URL.replace("view", "download")}/55">
<meta name="DC.Description" xml:lang="en" content="{article["abstract_as_printed"]["en"]}">
{keywords}
</head><body>
<nav><ul><li><a href="/">Home</a></li><li><a href="/about">About</a></li></ul></nav>
<h1 class="page_title">{article["title"]["en"]}</h1>
<section class="item references"><h2 class="label">References</h2>
<div class="value">{references}</div></section>
<ul class="value galleys_links">
<li><a class="obj_galley_link pdf" href="#">PDF (Русский)</a></li></ul>
</body></html>"""


def test_html_page_reads_citation_meta_tags_and_ojs_blocks():
    record = parse_page(_html_page(), source_url=SEED_URL)
    article = EXPECTED["article"]
    assert record.titles == article["title"]
    assert record.journal.titles["en"] == EXPECTED["journal"]["title"]["en"]
    assert [(a.family, a.given, a.affiliation) for a in record.authors] == [
        ("Petrova", "Anna", "Some University"),
        ("Smith", "John", None),
    ]
    assert record.issue is not None
    assert (record.issue.volume, record.issue.number, record.issue.year) == ("8", "2", 2021)
    assert record.published is not None and record.published.isoformat() == "2021-06-30"
    assert record.doi == "10.1234/example.62"
    assert record.pages == "25-31"
    assert record.language == "ru"
    assert record.keywords == article["keywords"]
    assert record.abstracts == article["abstract"]
    assert record.references == RAW_REFERENCES
    assert [(g.label, g.locale) for g in record.galleys] == [("PDF", "ru")]
    assert record.galleys[0].url is not None


def test_html_page_without_any_title_is_refused():
    with pytest.raises(PageError, match="title"):
        parse_page("<!DOCTYPE html><html><body><p>Hello.</p></body></html>")


# --------------------------------------------------------------------------- an OJS 3 page


def test_ojs3_default_theme_page_without_blank_lines():
    """Made-up page in the OJS 3 default theme's text layout: navigation, breadcrumb, labelled
    sections, sidebar; saved without blank lines, so headings alone separate its parts."""
    text = (FIXTURES / "ojs3_english_page_no_blank_lines.txt").read_text(encoding="utf-8")
    record = parse_page(text)
    assert record.titles == {"en": "Effects of sleep on memory consolidation in adolescents"}
    assert record.issue is not None
    assert (record.issue.volume, record.issue.number, record.issue.year) == ("3", "1", 2020)
    assert record.doi == "10.1234/jcs.2020.15"
    assert record.keywords == {"en": ["sleep", "memory consolidation", "adolescents"]}
    assert list(record.abstracts_as_printed) == ["en"]
    assert record.abstracts["en"].startswith("Sleep plays an important role in memory.")
    assert len(record.references) == 2
    assert record.references[1].startswith("Diekelmann S., Born J.")
    assert record.galleys == [GalleyRecord(label="PDF", locale="en")]
    assert record.published is not None and record.published.isoformat() == "2020-03-15"
    # OJS's order: each name, then its affiliation, between the title and the DOI
    assert [(a.given, a.family, a.affiliation) for a in record.authors] == [
        ("Anna", "Petrova", "Some University"),
        ("John", "Smith", "Other University"),
    ]
    # the default theme's header prints the journal's name between the skip links and the menu
    assert record.journal.titles == {"en": "Journal of Clinical Studies"}


def test_heading_over_prose_is_not_an_article_page():
    prose = EXPECTED["article"]["abstract"]["en"]
    with pytest.raises(PageError, match="not an OJS article page"):
        parse_page("Chapter One Begins\n\n" + prose)


def test_journal_title_on_the_line_after_the_logo_key():
    journal = EXPECTED["journal"]["title"]["en"]
    text = SEED_TEXT.replace(f"## {journal}", f"##\n{journal}")
    record = parse_page(text)
    assert record.journal.titles == EXPECTED["journal"]["title"]
    assert record.titles == EXPECTED["article"]["title"]
