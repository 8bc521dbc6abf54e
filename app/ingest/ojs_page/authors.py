"""Authors from the text of a page: the lines between the title and the abstract.

OJS prints each author as a name, then the affiliation, then the ORCID link (article_details.tpl,
``ul.authors > li > .name, .affiliation, .orcid``); themes and PDF-derived pages also print all
names on one line (``A, B & C``) or as bullets. A line is a name only when its words are shaped
like a person's name in Latin or Cyrillic script and none of them is an institution's or a
journal's word: a journal name, a heading or a sentence never becomes an author.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from app.ingest.ojs_page.labels import label_role
from app.ingest.ojs_page.shapes import ORCID
from app.ingest.records import AuthorRecord
from app.ingest.text import normalize_spaces

_PARTICLES = frozenset(
    "de da do dos das del della der den di du la le van von ter ten bin binti ibn al el y e zu af "
    "mac".split()
)
_PARTICLE_WORDS = "|".join(sorted(_PARTICLES, key=len, reverse=True))
# Words of institutions and publications, as stems, in the languages of OJS journals.
_NOT_A_PERSON = re.compile(
    r"univers|институт|інститут|institu|college|colegio|hospit|госпитал|академ|akadem|academ|"
    r"университет|універс|department|depart|faculd|facult|fakult|факульт|school|escol|escuel|"
    r"école|center|centre|centro|центр|clinic|clínic|klinik|клиник|клінік|laborat|лаборат|"
    r"ministr|министер|міністер|foundation|fundaç|fundaci|politécn|polytech|politekn|"
    r"company|corporation|council|agency|office|society|associa|museum|librar|bibliot|"
    r"state|federal|national|nacional|research|science|ciênc|cienc|bureau|division|program|"
    r"kafedra|кафедр|journal|jurnal|revista|review|bulletin|вестник|вісник|журнал|proceed|"
    r"annals|acta\b|cuadern|studies|studia|press|publish|editor|редакц|rumah sakit|puskesmas|"
    r"jurusan|fakultas|sekolah|üniversite|universitet|oliy|markaz|università|zentrum|"
    r"hochschule|gmbh|\bltd\b|\binc\b|\bllc\b|\bооо\b|\bнии\b|\bран\b|\bnas\b|republic|"
    r"республик|ministry|health|medical|medic|pharma|agricult|technolog|pedagog|педагог|"
    r"gymnas|lyceum|лицей|school|escola|article|artigo|artículo|статья|research|original|"
    r"editorial|review|обзор|introduction|abstract|summary|conclusion|secretar|municip|"
    r"saúde|salud|sağlık|prefeitura|governo|gobierno|ayuntamiento|conselho|consejo|"
    r"hastane|fakülte|enstit|kementerian|dinas|balai|politeknik|author|guideline|"
    r"управлени|департамент|больниц|лікарн|поликлин|центр|комитет",
    re.IGNORECASE,
)
_UPPER = r"A-ZÀ-ÖØ-ÞĀ-ŽА-ЯЁІЇЄҐЎҚҒҲӘӨҮҰҺŞÇĞİÜÖ"
_INITIAL = re.compile(rf"^(?:[{_UPPER}][a-zа-яё]?\.-?)+$")
_PATRONYMIC = re.compile(r"(?:ович|евич|ич|овна|евна|ична|ївна|oglu|o‘g‘li|qizi)$", re.I)
_BULLET = re.compile(r"^[•·▪◦‣∙*–—-]\s+")
# Superscript affiliation marks after a name: "Anna Petrova1,2*", "John Smith¹".
_MARKS = re.compile(r"[\d¹²³⁴⁵⁶⁷⁸⁹⁰*†‡§#]+(?:\s*,\s*[\d¹²³⁴⁵⁶⁷⁸⁹⁰*†‡§]+)*$")
_SEPARATORS = re.compile(
    r"\s*(?:[,;]|\s&\s|\s(?:and|und|et|y|и|і|та|və|va|ve|dan|és|en|och|og)\s)\s*",
    re.IGNORECASE,
)
_ORCID_LINE = re.compile(
    r"^(?:ORCID(?:\s*iD)?[:\s]*)?(?:https?://orcid\.org/)?\d{4}-\d{4}-\d{4}-\d{3}[\dX]$",
    re.IGNORECASE,
)


def _clean(text: str) -> str:
    text = _BULLET.sub("", normalize_spaces(text))
    return _MARKS.sub("", text).strip(" ,;")


def _word_ok(word: str) -> bool:
    if word.casefold() in _PARTICLES:
        return True
    if _INITIAL.match(word):
        return True
    core = word.replace("-", "").replace("'", "").replace("’", "").replace("‘", "")
    if not core.isalpha():
        return False
    parts = [p for p in re.split(r"[-'’‘]", word) if p]
    return all(p[0].isupper() and (p[1:].islower() or len(p) == 1 or p.isupper()) for p in parts)


def is_person_name(text: str) -> bool:
    """A person's name: 2-6 capitalised words or initials, no institution or journal word."""
    text = _clean(text)
    words = text.split()
    if not 2 <= len(words) <= 6 or len(text) > 70 or any(ch.isdigit() for ch in text):
        return False
    if _NOT_A_PERSON.search(text) or label_role(text):
        return False
    if not all(_word_ok(w) for w in words):
        return False
    named = [w for w in words if w.casefold() not in _PARTICLES]
    full = [w for w in named if not _INITIAL.match(w)]
    if len(named) < 2 or not full or words[0].casefold() in _PARTICLES:
        return False
    # a heading in capitals ("ORIGINAL ARTICLE") is not a name; a capitalised family name is
    return not all(w.isupper() for w in full)


def names_on_line(text: str) -> list[str]:
    """The names a line holds (one, or several joined by commas, ``&``, ``and`` ...), or []."""
    cleaned = _clean(text)
    if not cleaned or len(cleaned) > 400:
        return []
    parts = [_clean(p) for p in _SEPARATORS.split(cleaned) if p and p.strip()]
    if len(parts) > 1 and all(is_person_name(p) for p in parts):
        return parts
    if is_person_name(cleaned):
        return [cleaned]
    return []


def author_from_name(
    name: str, families: Iterable[tuple[str, str]] = ()
) -> AuthorRecord:
    """Split a printed name into family and given names, as OJS and journals print them.

    OJS prints given name(s), then family name(s). Where the family name starts is known when
    the page says it elsewhere (``families``: the family names its "How to cite" citation
    prints, "García Márquez, M. J."); otherwise a name particle starts it ("João da Silva
    Santos", "Rafael van der Berg"), else it is the last word. A family name of two words
    without a particle ("Lucía Martínez Herrera") cannot be told from two given names
    ("Andrés Felipe Rojas") by the name alone, and is then split at the last word.
    """
    words = _clean(name).split()
    initials = [i for i, w in enumerate(words) if _INITIAL.match(w)]
    if initials and initials[0] > 0 and all(i > 0 for i in initials):
        # "Petrova A.A." / "Иванов И. И.": family name first, initials after
        first = initials[0]
        return AuthorRecord(family=" ".join(words[:first]), given=" ".join(words[first:]))
    if len(words) >= 3 and _PATRONYMIC.search(words[-1]):
        # "Иванов Иван Иванович": family, given name, patronymic
        return AuthorRecord(family=words[0], given=" ".join(words[1:]))
    for start in range(1, len(words)):
        family = " ".join(words[start:])
        if any(_same_family(family, words[0], known) for known in families):
            return AuthorRecord(family=family, given=" ".join(words[:start]))
    start = len(words) - 1
    particle = next(
        (i for i in range(1, len(words) - 1) if words[i].casefold() in _PARTICLES), None
    )
    if particle is not None:
        start = particle
    return AuthorRecord(family=" ".join(words[start:]), given=" ".join(words[:start]) or None)


def _same_family(family: str, first_given: str, known: tuple[str, str]) -> bool:
    """``known`` is (family, initials) from a citation: the same family name, and its first
    initial is the first letter of the printed given name."""
    known_family, known_initials = known
    return family.casefold() == known_family.casefold() and (
        not known_initials or known_initials[:1].casefold() == first_given[:1].casefold()
    )


# "García Márquez, M. J.", "da Silva Santos, J.", "SANTOS, J. da S.", "Петрова, И.": the
# "Family, Initials" entries of a citation in APA, ABNT, GOST or Harvard style.
_CITED_NAME = re.compile(
    rf"(?:^|[,;&]\s*|\s(?:and|y|e|и|et|und|ve|və|dan)\s+)"
    rf"(?P<family>(?:(?:{_PARTICLE_WORDS})\s+){{0,3}}[{_UPPER}][^\W\d_]*(?:[\s'’-]+[^\W\d_]+){{0,3}}),\s+"
    rf"(?P<initials>(?:[{_UPPER}]\.\s?-?\s?)+(?:(?:da|de|do|dos|das|del|van|von|der)\s+[{_UPPER}]\.)?)"
)
_CITATION_YEAR = re.compile(r"\(\s*(?:1[6-9]|20)\d{2}[a-z]?\s*\)|(?<![\d.])(?:1[6-9]|20)\d{2}\.")


def cited_families(citation: str) -> list[tuple[str, str]]:
    """(family, initials) of the authors a "How to cite" citation lists before its year."""
    year = _CITATION_YEAR.search(citation)
    head = citation[: year.start()] if year else citation[:300]
    return [
        (normalize_spaces(m["family"]), m["initials"].strip())
        for m in _CITED_NAME.finditer(head)
    ]


def _like_place(text: str) -> bool:
    """A name-shaped line that reads as an institution: many words joined by particles."""
    words = _clean(text).split()
    particles = sum(1 for w in words if w.casefold() in _PARTICLES)
    return particles >= 2 or len(words) >= 6


def authors_from_names(names: str) -> list[AuthorRecord]:
    """Authors from a labelled line (``Authors: Given Family, Given Family``); order kept."""
    return [author_from_name(name) for name in names_on_line(names)]


def with_cited_families(
    authors: list[AuthorRecord], families: list[tuple[str, str]]
) -> list[AuthorRecord]:
    """Authors re-split where the page's citation says where their family names start."""
    if not families:
        return authors
    out = []
    for author in authors:
        full = " ".join(part for part in (author.given, author.family) if part)
        split = author_from_name(full, families)
        if (split.given, split.family) != (author.given, author.family) and any(
            _same_family(split.family or "", (split.given or "").split(" ")[0], known)
            for known in families
        ):
            author = AuthorRecord(split.family, split.given, author.affiliation, author.orcid)
        out.append(author)
    return out


def authors_from_lines(lines: list[str]) -> list[AuthorRecord]:
    """Authors from the lines after the title: names, each followed by affiliation and ORCID.

    An affiliation is kept only when it follows a line with a single name, so that it cannot be
    given to the wrong one of several names printed together.
    """
    authors: list[AuthorRecord] = []
    single = False  # the last name line held one name
    for raw in lines:
        text = normalize_spaces(raw)
        if not text:
            continue
        orcid = ORCID.search(text)
        if orcid and (_ORCID_LINE.match(text) or "orcid" in text.casefold()) and authors:
            if authors[-1].orcid is None:
                last = authors[-1]
                authors[-1] = AuthorRecord(last.family, last.given, last.affiliation, orcid["id"])
            continue
        names = names_on_line(text)
        if names and single and authors and authors[-1].affiliation is None and _like_place(text):
            names = []  # "Secretaria Municipal de Saúde de Exemplo" after a name: its affiliation
        if names:
            authors.extend(author_from_name(name) for name in names)
            single = len(names) == 1
            continue
        if authors and single and authors[-1].affiliation is None and len(text) <= 300:
            last = authors[-1]
            affiliation = re.sub(r"^[\d¹²³⁴⁵⁶⁷⁸⁹⁰*]+\s*", "", text).strip()
            authors[-1] = AuthorRecord(last.family, last.given, affiliation or None, last.orcid)
    return authors
