"""The title under a short running header: the journal's name, an issue line, a section heading."""

from __future__ import annotations

import pytest

from app.ingest.ojs_page import parse_page
from app.ingest.records import IssueRecord

TITLE = "Groundwater recharge estimates from soil moisture monitoring in a semi-arid catchment"
ABSTRACT = (
    "Recharge in semi-arid catchments is small, episodic and hard to measure. We monitored soil "
    "moisture at six depths in twelve profiles for three years and estimated deep drainage with "
    "a water balance model calibrated on the observations. Annual recharge ranged from 4 to 31 mm."
)
REFERENCE = (
    "Scanlon, B. R., Healy, R. W., & Cook, P. G. (2002). Choosing appropriate techniques for "
    "quantifying groundwater recharge. Hydrogeology Journal, 10(1), 18–39."
)
URL = "https://x.org/index.php/j/article/view/1"


def page(*header: str, authors: str = "Maria Gonzalez", blank: bool = True) -> str:
    lines = [*header, TITLE, authors, "University of Example", "Abstract", ABSTRACT,
             "References", REFERENCE]
    return ("\n\n" if blank else "\n").join(lines) + "\n"


@pytest.mark.parametrize(
    "header",
    [
        ("Journal of Applied Hydrology",),
        ("Volume 17, No. 3, Art. 4 – September 2016",),
        ("Journal of Applied Hydrology", "Vol. 8 No. 2 (2022)"),
        ("ORIGINAL ARTICLE",),
        ("Journal of Applied Hydrology, v. 8, n. 2, p. 45-60, 2022",),
    ],
)
@pytest.mark.parametrize("blank", [True, False])
def test_a_short_running_header_above_the_title_is_not_the_title(header, blank):
    record = parse_page(page(*header, blank=blank), source_url=URL)
    assert record.titles == {"en": TITLE}
    assert [(a.given, a.family) for a in record.authors] == [("Maria", "Gonzalez")]


def test_a_running_header_with_issue_numbers_names_the_journal_and_issue():
    record = parse_page(page("Journal of Applied Hydrology, v. 8, n. 2, p. 45-60, 2022"))
    assert record.journal.titles == {"en": "Journal of Applied Hydrology"}
    assert record.issue == IssueRecord(volume="8", number="2", year=2022)


def test_a_subtitle_after_the_title_does_not_replace_it():
    text = "\n".join([TITLE, "A three-year field study", "Maria Gonzalez", "Abstract", ABSTRACT,
                      "References", REFERENCE])
    assert parse_page(text, source_url=URL).titles == {"en": TITLE}


def test_a_title_that_names_a_journal_stays_the_title_when_the_authors_follow_it():
    title = "Predatory journals and the review of open access publishing"
    text = "\n".join([title, "Maria Gonzalez", "Abstract", ABSTRACT, "References", REFERENCE])
    assert parse_page(text, source_url=URL).titles == {"en": title}


def test_an_unlabelled_abstract_before_a_labelled_one_is_kept():
    russian = (
        "Длительный приём метформина связан со снижением всасывания витамина B12. Мы определили "
        "уровень витамина B12 у 214 пациентов с сахарным диабетом 2 типа, получавших метформин "
        "не менее двух лет. Дефицит витамина выявлен у 18% пациентов."
    )
    text = "\n\n".join([TITLE, "Maria Gonzalez", ABSTRACT, "Аннотация", russian, "References",
                        REFERENCE])
    record = parse_page(text, source_url=URL)
    assert record.abstracts_as_printed == {"en": ABSTRACT, "ru": russian}
