"""A generated corpus of a few hundred articles, for listing, search and statement-count tests.

Deterministic (seeded), multilingual (en, ru, az titles and keywords), with authors, issues in two
journals, and references carrying DOIs, so every filter and facet has something to find.
"""

from __future__ import annotations

import random
from datetime import date

from app.ingest.records import (
    ArticleRecord,
    AuthorRecord,
    GalleyRecord,
    IssueRecord,
    JournalRecord,
)

ARTICLES = 240
JOURNALS = [
    JournalRecord(
        titles={"en": "Journal of Generated Medicine", "ru": "Журнал генерированной медицины"},
        issn_print="0000-0019",
    ),
    JournalRecord(titles={"en": "Annals of Synthetic Studies"}, issn_online="1234-5679"),
]
EN_WORDS = [
    "placenta",
    "embryo",
    "uterine",
    "cervical",
    "hormone",
    "ovarian",
    "fetal",
    "maternal",
    "immune",
    "therapy",
]
RU_WORDS = ["плацента", "эмбрион", "гормон", "терапия", "беременность", "иммунитет"]
AZ_WORDS = ["hamiləlik", "İmmunitet", "müalicə", "döl", "ana"]
KEYWORDS_EN = ["pregnancy", "preeclampsia", "infertility", "endometriosis", "Placenta"]
KEYWORDS_RU = ["беременность", "преэклампсия", "бесплодие"]
KEYWORDS_AZ = ["hamiləlik", "sonsuzluq"]
FAMILIES = ["Aliyeva", "Petrov", "Smith", "Мамедова", "Garcia", "Novak", "Ivanova", "Kim"]
CITED_DOIS = [f"10.5555/cited.{n}" for n in range(10)]


def corpus() -> list[ArticleRecord]:
    rng = random.Random(20211)
    records = []
    for n in range(ARTICLES):
        journal = JOURNALS[n % 2]
        year = 2015 + n % 7
        title_en = f"{' '.join(rng.sample(EN_WORDS, 3)).capitalize()} study {n}"
        titles = {"en": title_en}
        if n % 3 == 0:
            titles["ru"] = f"{' '.join(rng.sample(RU_WORDS, 2)).capitalize()} исследование {n}"
        if n % 5 == 0:
            titles["az"] = f"{' '.join(rng.sample(AZ_WORDS, 2)).capitalize()} tədqiqat {n}"
        keywords = {"en": rng.sample(KEYWORDS_EN, 2)}
        if n % 2 == 0:
            keywords["ru"] = rng.sample(KEYWORDS_RU, 1)
        if n % 4 == 0:
            keywords["az"] = rng.sample(KEYWORDS_AZ, 1)
        references = [
            f"{rng.choice(FAMILIES)} A. Cited work {n}-{k} on {rng.choice(EN_WORDS)}. "
            f"J Gen Med. {2000 + k}; {k + 1}(2): {10 + k}-{20 + k}. doi:{CITED_DOIS[(n + k) % 10]}"
            for k in range(n % 4)
        ]
        authors = [
            AuthorRecord(family=family, given="A.") for family in rng.sample(FAMILIES, 1 + n % 3)
        ]
        records.append(
            ArticleRecord(
                journal=journal,
                titles=titles,
                issue=IssueRecord(volume=str(year - 2010), number=str(1 + n % 4), year=year),
                abstracts={"en": f"Abstract of study {n} about {rng.choice(EN_WORDS)}."},
                keywords=keywords,
                authors=authors,
                galleys=[GalleyRecord(label="PDF", locale="en")],
                references=references,
                source_url=f"https://journal.example/article/view/{n}",
                ojs_article_id=n,
                doi=f"10.5555/gen.{n}" if n % 2 == 0 else None,
                language="en",
                published=date(year, 1 + n % 12, 1 + n % 28) if n % 3 else None,
            )
        )
    return records
