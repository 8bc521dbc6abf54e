"""Identifiers as references print them → one canonical form each."""

from __future__ import annotations

import pytest

from app.ingest.identifiers import (
    find_doi,
    find_isbn,
    find_pmcid,
    find_pmid,
    normalize_doi,
    normalize_isbn,
    normalize_issn,
)


@pytest.mark.parametrize(
    "printed",
    [
        "doi:10.1186/S12958-017-0315-9",
        "doi: 10.1186/s12958-017-0315-9",
        "DOI=10.1186/s12958-017-0315-9.",
        "DOI: 10.1186/s12958-017-0315-9;",
        "https://doi.org/10.1186/s12958-017-0315-9",
        "http://dx.doi.org/10.1186/s12958-017-0315-9,",
        "https://dx.doi.org/10.1186/s12958-017-0315-9:",
        "10.1186/s12958-017-0315-9",
        " 10.1186/s12958\u2010017\u20110315-9. ",
    ],
)
def test_every_printed_form_of_a_doi_normalises_to_the_same_value(printed: str) -> None:
    assert normalize_doi(printed) == "10.1186/s12958-017-0315-9"


def test_closing_parenthesis_is_kept_only_when_the_doi_opened_one() -> None:
    assert normalize_doi("10.1016/0006-8993(89)90101-6).") == "10.1016/0006-8993(89)90101-6"
    assert normalize_doi("(see 10.1000/abc123)") is None  # not at the start: use find_doi
    assert find_doi("(see doi:10.1000/abc123)") == "10.1000/abc123"


def test_text_without_a_doi_has_none() -> None:
    assert normalize_doi("") is None
    assert normalize_doi("10.5 mg/kg") is None
    assert find_doi("Reprod Biol Endocrinol. 2017;15(1):95.") is None


def test_find_doi_takes_the_doi_out_of_a_reference() -> None:
    raw = "Smith J. A title. J Test. 2019;62(4):212-223. doi:10.5468/ogs.2019.62.4.212."
    assert find_doi(raw) == "10.5468/ogs.2019.62.4.212"
    assert find_doi("Title // Journal. 2016. DOI=10.17116/repro20162228-16.") == (
        "10.17116/repro20162228-16"
    )


def test_pubmed_identifiers_need_their_label() -> None:
    raw = "J Test. 2011;4:1-2. PMID: 21910773; PMCID: pmc3145678"
    assert find_pmid(raw) == "21910773"
    assert find_pmcid(raw) == "PMC3145678"
    assert find_pmid("J Test. 2011;4:21910773") is None


def test_isbn_is_checked_and_stripped_of_separators() -> None:
    assert normalize_isbn("978-0-19-852139-4") is None  # wrong check digit
    assert normalize_isbn("978-0-306-40615-7") == "9780306406157"
    assert normalize_isbn("0-306-40615-2") == "0306406152"
    assert find_isbn("Oxford; 2001. ISBN 978-0-306-40615-7.") == "9780306406157"


def test_issn_check_digit() -> None:
    assert normalize_issn("0378-5955") == "0378-5955"
    assert normalize_issn("0378-5954") is None
    assert normalize_issn("2049-3630") == "2049-3630"
