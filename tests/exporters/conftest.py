"""Invented article and references that exercise every exporter: a Russian-language article with
titles, abstracts and keywords in several languages, characters that need escaping, and a reference
list mixing a Vancouver journal article with a DOI, a GOST Cyrillic article, a book chapter, a book
and an unparsed string."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from lxml import etree

from app.schemas import (
    ArticleAuthor,
    ArticlePublic,
    GalleyPublic,
    IssueSummary,
    JournalSummary,
    ReferencePublic,
)

SCHEMAS = Path(__file__).resolve().parent.parent / "schemas"

ARTICLE_DOI = "10.12345/bci.2023.12.3.45"
TITLE_RU = "Цитокиновый профиль при хроническом тонзиллите у детей"
TITLE_EN = "Interleukin-6 & TNF-α in chronic tonsillitis: 25% of children <7 years"
TITLE_AZ = "Uşaqlarda xroniki tonzillit zamanı sitokin profili"


def make_journal() -> JournalSummary:
    return JournalSummary(
        id=1,
        title={"ru": "Вестник клинической иммунологии", "en": "Bulletin of Clinical Immunology"},
        issn_print="1234-5679",
        issn_online="2345-6787",
        publisher="Example Medical Press",
        base_url="https://journal.example.org/index.php/bci",
    )


def make_article(**changes: object) -> ArticlePublic:
    article = ArticlePublic(
        id=42,
        doi=ARTICLE_DOI,
        source_url="https://journal.example.org/index.php/bci/article/view/42",
        ojs_article_id=42,
        journal=make_journal(),
        issue=IssueSummary(id=3, volume="12", number="3", year=2023),
        title={"ru": TITLE_RU, "en": TITLE_EN, "az": TITLE_AZ},
        abstract={
            "ru": "Изучены уровни интерлейкина-6 и ФНО-α у 60 детей.",
            "en": "Levels of interleukin-6 and TNF-α were studied in 60 children.",
        },
        keywords={
            "en": ["cytokines", "chronic tonsillitis", "children"],
            "az": ["sitokinlər", "xroniki tonzillit", "uşaqlar"],
            "ru": ["цитокины", "хронический тонзиллит", "дети"],
        },
        authors=[
            ArticleAuthor(
                id=7,
                position=1,
                family="Иванова",
                given="Анна Петровна",
                affiliation="Example State Medical University",
                orcid="0000-0002-1825-0097",
            ),
            ArticleAuthor(id=8, position=2, family="Məmmədov", given="Rəşad"),
        ],
        galleys=[
            GalleyPublic(
                label="PDF",
                locale="ru",
                url="https://journal.example.org/index.php/bci/article/download/42/99",
            )
        ],
        language="ru",
        pages="45–52",
        published=date(2023, 9, 15),
        reference_count=5,
        updated_at=datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC),
    )
    return article.model_copy(update=changes)


def make_references() -> list[ReferencePublic]:
    return [
        ReferencePublic(
            id=101,
            article_id=42,
            position=1,
            raw=(
                "Smith J, Brown K, Lee H. Interleukin levels in recurrent tonsillitis. "
                "J Clin Immunol Res. 2019;15(2):101-9. doi:10.1000/jcir.2019.0152"
            ),
            doi="10.1000/jcir.2019.0152",
            csl={
                "type": "article-journal",
                "author": [
                    {"family": "Smith", "given": "J"},
                    {"family": "Brown", "given": "K"},
                    {"family": "Lee", "given": "H"},
                ],
                "issued": {"date-parts": [[2019]]},
                "title": "Interleukin levels in recurrent tonsillitis",
                "container-title": "J Clin Immunol Res",
                "volume": "15",
                "issue": "2",
                "page": "101-109",
                "DOI": "10.1000/jcir.2019.0152",
                "language": "en",
            },
        ),
        ReferencePublic(
            id=102,
            article_id=42,
            position=2,
            raw=(
                "Петров П. П., Сидорова Е. В. Иммунный ответ при ангине // "
                "Журнал детской медицины. 2018. Т. 7, № 4. С. 33–40."
            ),
            csl={
                "type": "article-journal",
                "author": [
                    {"family": "Петров", "given": "П. П."},
                    {"family": "Сидорова", "given": "Е. В."},
                ],
                "issued": {"date-parts": [[2018]]},
                "title": "Иммунный ответ при ангине",
                "container-title": "Журнал детской медицины",
                "volume": "7",
                "issue": "4",
                "page": "33-40",
                "language": "ru",
            },
        ),
        ReferencePublic(
            id=103,
            article_id=42,
            position=3,
            raw=(
                "Miller A. Tonsils and immunity. In: Green B, editor. Pediatric Immunology. "
                "2nd ed. Boston: Example Press; 2015. p. 210-25."
            ),
            csl={
                "type": "chapter",
                "author": [{"family": "Miller", "given": "A"}],
                "editor": [{"family": "Green", "given": "B"}],
                "title": "Tonsils and immunity",
                "container-title": "Pediatric Immunology",
                "edition": "2",
                "publisher": "Example Press",
                "publisher-place": "Boston",
                "issued": {"date-parts": [[2015]]},
                "page": "210-225",
                "language": "en",
            },
        ),
        ReferencePublic(
            id=104,
            article_id=42,
            position=4,
            raw="Кузнецов В. И. Детская оториноларингология. М.: Медицина, 2010. 320 с.",
            csl={
                "type": "book",
                "author": [{"family": "Кузнецов", "given": "В. И."}],
                "title": "Детская оториноларингология",
                "publisher": "Медицина",
                "publisher-place": "М.",
                "issued": {"date-parts": [[2010]]},
                "number-of-pages": "320",
                "language": "ru",
            },
        ),
        ReferencePublic(
            id=105,
            article_id=42,
            position=5,
            raw="Annual report of the regional health department & clinics, 2020 (unpublished).",
            csl={},
        ),
    ]


@pytest.fixture
def article() -> ArticlePublic:
    return make_article()


@pytest.fixture
def references() -> list[ReferencePublic]:
    return make_references()


@pytest.fixture
def bare_article() -> ArticlePublic:
    """What a sparse OJS page yields: no DOI, no authors, no issue, one title language."""
    return make_article(
        doi=None,
        authors=[],
        issue=None,
        title={"en": "A title printed only in English"},
        abstract={},
        keywords={},
        galleys=[],
        pages=None,
        published=None,
        language="ru",
    )


def load_schema(relative: str) -> etree.XMLSchema:
    """An official XSD from tests/schemas, loaded without network access."""
    parser = etree.XMLParser(no_network=True)
    return etree.XMLSchema(etree.parse(str(SCHEMAS / relative), parser))


def assert_valid(schema: etree.XMLSchema, document: bytes | etree._Element) -> etree._Element:
    """Validate and return the root, with the schema's own error log as the failure message."""
    root = etree.fromstring(document) if isinstance(document, bytes) else document
    if not schema.validate(root):
        raise AssertionError(str(schema.error_log))
    return root
