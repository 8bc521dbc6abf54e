"""The benchmark corpus: 10,000 deterministic articles shaped like a real multilingual journal's.

Each article has titles in en/az/ru, an English abstract of ~800 characters (Azerbaijani and
Russian ones on every third), three keywords in each of en, az and ru, one to four authors with
affiliations (drawn from a pool, so authors recur across articles as in a journal), a PDF galley,
and 18 references mixing Vancouver, APA and GOST (Cyrillic, ``//``) styles, ~60 % with a DOI.
Same seed, same corpus: runs compare the same data.

Run as a script, it measures loading the corpus into a fresh SQLite file and a fresh PostgreSQL
database, two ways (see bench/README.md):

    .venv/bin/python bench/corpus.py [--articles N] [--no-postgres] [--workers N]

- the store path: ``store_records``, 100 articles per transaction, references parsed
  beforehand (as a client PUTting structured references, or a reload that needs no parsing);
- the whole pipeline: references parsed by the project's parser on ``--workers`` processes
  (default: one per core) while this process stores, as ``python -m app load`` does.
"""

from __future__ import annotations

import argparse
import gc
import os
import random
import resource
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.ingest.records import (
    ArticleRecord,
    AuthorRecord,
    GalleyRecord,
    IssueRecord,
    JournalRecord,
)

REFERENCES_PER_ARTICLE = 18
JOURNALS = [
    JournalRecord(
        titles={"en": "Journal of Benchmark Medicine", "az": "Benchmark Tibb Jurnalı"},
        issn_print="0000-0027",
        publisher="Bench Press",
        base_url="https://bench.example/index.php/jbm",
    ),
    JournalRecord(
        titles={"en": "Annals of Measured Studies", "ru": "Анналы измеренных исследований"},
        issn_online="0000-0035",
        base_url="https://bench.example/index.php/ams",
    ),
]
EN = (
    "placenta embryo uterine cervical hormone ovarian fetal maternal immune therapy outcome cohort "
    "trial randomized clinical analysis pregnancy preeclampsia infertility endometriosis diabetes "
    "gestational screening ultrasound biomarker inflammation oxidative stress vitamin deficiency "
    "neonatal preterm delivery caesarean labour anaemia thyroid insulin resistance obesity risk "
    "factor prevalence incidence mortality morbidity assessment evaluation management treatment"
).split()
RU = (
    "плацента эмбрион гормон терапия беременность иммунитет исследование лечение диагностика "
    "осложнения роды преэклампсия бесплодие эндометриоз анемия щитовидная железа инсулин риск "
    "факторы оценка частота смертность новорождённые недоношенность кесарево сечение"
).split()
AZ = (
    "hamiləlik immunitet müalicə döl ana sonsuzluq xəstəlik diaqnostika qadın uşaq doğuş risk "
    "amillər qiymətləndirmə tədqiqat ağırlaşma hormon qalxanabənzər vəzi anemiya insulin"
).split()
FAMILIES = (
    "Aliyeva Mammadov Huseynova Guliyev Ismayilova Hasanov Rzayeva Abbasov Karimova Safarov "
    "Petrov Ivanova Smirnov Kuznetsova Popov Sokolova Smith Johnson Garcia Novak Kim Müller Rossi"
).split()
FAMILIES_RU = "Мамедова Алиев Гусейнова Петров Иванова Смирнов Кузнецова Попов Соколова".split()
INITIALS = "ABCDEFGHIJKLMNOPRSTUVZ"
INITIALS_RU = "АБВГДЕИКЛМНОПРСТУФЭЮЯ"
AFFILIATIONS = [
    "Azerbaijan Medical University, Baku, Azerbaijan",
    "Scientific Research Institute of Obstetrics and Gynecology, Baku, Azerbaijan",
    "Moscow State University, Moscow, Russia",
    "University of Example, Example City, USA",
    "Karolinska Institutet, Stockholm, Sweden",
]
CONTAINERS = [
    "J Obstet Gynaecol",
    "Am J Obstet Gynecol",
    "BJOG",
    "Placenta",
    "Hum Reprod",
    "Fertil Steril",
    "Lancet",
    "N Engl J Med",
]
CONTAINERS_RU = ["Акушерство и гинекология", "Вопросы гинекологии", "Российский вестник"]
AUTHOR_POOL = 3000
# Words a search benchmark can ask for: each occurs in many, but not all, references.
SEARCH_WORDS = ["placenta", "cohort", "preeclampsia", "ultrasound", "беременность", "insulin"]


def _words(rng: random.Random, vocabulary: list[str], n: int) -> str:
    return " ".join(rng.choice(vocabulary) for _ in range(n))


def _author(rng: random.Random, n: int) -> AuthorRecord:
    family = FAMILIES[n % len(FAMILIES)] + ("" if n < len(FAMILIES) else f"-{n // len(FAMILIES)}")
    return AuthorRecord(
        family=family,
        given=f"{INITIALS[n % len(INITIALS)]}. {INITIALS[(n * 7) % len(INITIALS)]}.",
        affiliation=rng.choice(AFFILIATIONS),
        orcid=f"0000-0002-{n // 10000 % 10000:04d}-{n % 10000:04d}" if n % 3 == 0 else None,
    )


def _reference(rng: random.Random, article: int, k: int) -> str:
    year = rng.randint(1985, 2023)
    doi = f" doi:10.{4000 + rng.randint(0, 999)}/{article}.{k}" if rng.random() < 0.6 else ""
    style = rng.random()
    if style < 0.2:  # GOST, Cyrillic
        family = rng.choice(FAMILIES_RU)
        initials = f"{rng.choice(INITIALS_RU)}. {rng.choice(INITIALS_RU)}."
        return (
            f"{family} {initials} {_words(rng, RU, 5).capitalize()} // "
            f"{rng.choice(CONTAINERS_RU)}. – {year}. – Т. {rng.randint(1, 60)}, "
            f"№ {rng.randint(1, 12)}. – С. {rng.randint(1, 200)}–{rng.randint(201, 400)}.{doi}"
        )
    authors = ", ".join(
        f"{rng.choice(FAMILIES)} {rng.choice(INITIALS)}{rng.choice(INITIALS)}"
        for _ in range(rng.randint(1, 4))
    )
    title = _words(rng, EN, rng.randint(5, 10)).capitalize()
    first = rng.randint(1, 900)
    if style < 0.6:  # Vancouver
        return (
            f"{authors}. {title}. {rng.choice(CONTAINERS)}. {year};{rng.randint(1, 80)}"
            f"({rng.randint(1, 12)}):{first}-{first + rng.randint(3, 20)}.{doi}"
        )
    return (  # APA
        f"{authors.replace(' ', ', ', 1)} ({year}). {title}. {rng.choice(CONTAINERS)}, "
        f"{rng.randint(1, 80)}({rng.randint(1, 12)}), {first}–{first + rng.randint(3, 20)}.{doi}"
    )


def article(n: int) -> ArticleRecord:
    """The n-th article of the corpus (0-based), the same on every call."""
    rng = random.Random(9_000_000 + n)
    journal = JOURNALS[n % len(JOURNALS)]
    year = 2010 + n % 14
    titles = {
        "en": f"{_words(rng, EN, 8).capitalize()} ({n})",
        "az": f"{_words(rng, AZ, 7).capitalize()} ({n})",
        "ru": f"{_words(rng, RU, 7).capitalize()} ({n})",
    }
    abstracts = {"en": (_words(rng, EN, 130).capitalize() + ".")[:800]}
    if n % 3 == 0:
        abstracts["az"] = (_words(rng, AZ, 110).capitalize() + ".")[:800]
        abstracts["ru"] = (_words(rng, RU, 100).capitalize() + ".")[:800]
    keywords = {
        "en": rng.sample(EN, 3),
        "az": rng.sample(AZ, 3),
        "ru": rng.sample(RU, 3),
    }
    authors = [_author(rng, rng.randrange(AUTHOR_POOL)) for _ in range(rng.randint(1, 4))]
    first_page = rng.randint(1, 200)
    return ArticleRecord(
        journal=journal,
        titles=titles,
        issue=IssueRecord(volume=str(year - 2009), number=str(1 + n % 4), year=year),
        abstracts=abstracts,
        keywords=keywords,
        authors=list({a.orcid or (a.family, a.given): a for a in authors}.values()),
        galleys=[
            GalleyRecord(
                label="PDF", locale="en", url=f"https://bench.example/article/download/{n}/pdf"
            )
        ],
        references=[_reference(rng, n, k) for k in range(REFERENCES_PER_ARTICLE)],
        source_url=f"https://bench.example/index.php/article/view/{n}",
        ojs_article_id=n,
        doi=f"10.5555/bench.{n}",
        pages=f"{first_page}-{first_page + rng.randint(4, 15)}",
        language="en",
        published=date(year, 1 + n % 12, 1 + n % 28),
    )


def articles(count: int) -> Iterator[ArticleRecord]:
    for n in range(count):
        yield article(n)


# --------------------------------------------------------------------------- loading

BATCH = 100  # articles per transaction
POSTGRES_ADMIN_URL = os.environ.get(
    "BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
Parsed = list[dict[str, Any]]


@dataclass(frozen=True)
class LoadRate:
    """A timed load: articles, wall seconds, and CPU-seconds (this process and its workers)."""

    articles: int
    wall: float
    cpu: float

    @property
    def per_second(self) -> float:
        return self.articles / self.wall

    @property
    def per_cpu_second(self) -> float:
        return self.articles / self.cpu

    def line(self) -> str:
        return f"{self.per_second:.0f} articles/s ({self.per_cpu_second:.0f} per CPU-second)"


def _parse(references: list[str]) -> Parsed:
    from app.ingest.references import parse_reference

    return [parse_reference(raw) for raw in references]


def _cpu() -> float:
    """CPU-seconds of this process and of its finished children (the parsing workers)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def _parsed_on(pool: ProcessPoolExecutor, records: Sequence[ArticleRecord]) -> Iterator[Parsed]:
    return pool.map(_parse, [record.references for record in records], chunksize=BATCH // 4)


def parse_references(records: Sequence[ArticleRecord], workers: int | None = None) -> list[Parsed]:
    """Every article's references parsed by the project's parser, on every core (not timed)."""
    with ProcessPoolExecutor(workers or os.cpu_count()) as pool:
        return list(_parsed_on(pool, records))


def _fresh_engine(url: str) -> Any:
    from app.db import make_engine
    from tests.conftest import upgrade

    upgrade(url)
    return make_engine(url, pool_size=1)


def store_corpus(url: str, records: Sequence[ArticleRecord], parsed: Sequence[Parsed]) -> LoadRate:
    """The store path: ``store_records``, BATCH articles per transaction, references given."""
    from sqlmodel import Session

    from app.services.loading import store_records

    engine = _fresh_engine(url)
    # The whole corpus sits in memory only because this is a benchmark (a loader streams its
    # pages): its millions of objects are kept out of the garbage collector's passes.
    gc.collect()
    gc.freeze()
    started, cpu = time.perf_counter(), _cpu()
    for start in range(0, len(records), BATCH):
        with Session(engine) as session, session.begin():
            store_records(
                session, records[start : start + BATCH], parsed=parsed[start : start + BATCH]
            )
    rate = LoadRate(len(records), time.perf_counter() - started, _cpu() - cpu)
    gc.unfreeze()
    engine.dispose()
    return rate


def load_corpus(url: str, records: Sequence[ArticleRecord], workers: int | None = None) -> LoadRate:
    """The whole pipeline: references parsed on ``workers`` processes while this one stores
    each batch as its references arrive, in order (python -m app load's design)."""
    from sqlmodel import Session

    from app.services.loading import store_records

    engine = _fresh_engine(url)
    started, cpu = time.perf_counter(), _cpu()
    with ProcessPoolExecutor(workers or os.cpu_count()) as pool:
        parsed = _parsed_on(pool, records)
        for start in range(0, len(records), BATCH):
            batch = records[start : start + BATCH]
            references = [next(parsed) for _ in batch]
            with Session(engine) as session, session.begin():
                store_records(session, batch, parsed=references)
    rate = LoadRate(len(records), time.perf_counter() - started, _cpu() - cpu)
    engine.dispose()
    return rate


@contextmanager
def postgres_database() -> Iterator[str]:
    """A throwaway PostgreSQL database, dropped at the end."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    name = f"bench_{uuid.uuid4().hex[:10]}"
    admin = create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(POSTGRES_ADMIN_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description="Load rate of the benchmark corpus.")
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--workers", type=int, default=None, help="parsing processes")
    parser.add_argument("--no-postgres", action="store_true")
    args = parser.parse_args()
    records = list(articles(args.articles))
    print(f"{args.articles:,} articles x {REFERENCES_PER_ARTICLE} references; "
          f"{os.cpu_count()} cores; load average {os.getloadavg()[0]:.2f}", flush=True)  # fmt: skip
    print("parsing the references beforehand (not timed) ...", flush=True)
    parsed = parse_references(records, args.workers)
    ways = {
        "store path": lambda url: store_corpus(url, records, parsed),
        "whole pipeline": lambda url: load_corpus(url, records, args.workers),
    }
    with tempfile.TemporaryDirectory() as tmp:
        for database in ["SQLite"] if args.no_postgres else ["SQLite", "PostgreSQL"]:
            for way, run in ways.items():
                with _database(database, Path(tmp) / f"{way.replace(' ', '_')}.db") as url:
                    rate = run(url)
                print(f"{database:10} {way:14} {rate.line()}", flush=True)


@contextmanager
def _database(kind: str, sqlite_path: Path) -> Iterator[str]:
    if kind == "SQLite":
        yield f"sqlite:///{sqlite_path}"
    else:
        with postgres_database() as url:
            yield url


if __name__ == "__main__":
    main()
