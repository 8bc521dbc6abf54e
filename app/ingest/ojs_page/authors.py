"""Authors from the text of a page: the lines between the title and the abstract.

OJS prints each author as a name, then the affiliation, then the ORCID link (article_details.tpl,
``ul.authors > li > .name, .affiliation, .orcid``); themes and PDF-derived pages also print all
names on one line (``A, B & C``) or as bullets. A line is a name only when its words are shaped
like a person's name in Latin or Cyrillic script and none of them is an institution's or a
journal's word: a journal name, a heading or a sentence never becomes an author.
"""

from __future__ import annotations

import re

from app.ingest.ojs_page.labels import label_role
from app.ingest.ojs_page.shapes import ORCID
from app.ingest.records import AuthorRecord
from app.ingest.text import normalize_spaces

_PARTICLES = frozenset(
    "de da do dos das del della der den di du la le van von ter ten bin binti ibn al el y e zu af "
    "mac".split()
)
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
    r"hastane|fakülte|enstit|kementerian|dinas|balai|politeknik|"
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


def author_from_name(name: str) -> AuthorRecord:
    """Split a printed name into family and given names, as OJS and journals print them."""
    words = _clean(name).split()
    initials = [i for i, w in enumerate(words) if _INITIAL.match(w)]
    if initials and initials[0] > 0 and all(i > 0 for i in initials):
        # "Petrova A.A." / "Иванов И. И.": family name first, initials after
        first = initials[0]
        return AuthorRecord(family=" ".join(words[:first]), given=" ".join(words[first:]))
    if len(words) >= 3 and _PATRONYMIC.search(words[-1]):
        # "Иванов Иван Иванович": family, given name, patronymic
        return AuthorRecord(family=words[0], given=" ".join(words[1:]))
    end = len(words) - 1
    start = end
    while start > 1 and words[start - 1].casefold() in _PARTICLES:
        start -= 1
    return AuthorRecord(family=" ".join(words[start:]), given=" ".join(words[:start]) or None)


def _like_place(text: str) -> bool:
    """A name-shaped line that reads as an institution: many words joined by particles."""
    words = _clean(text).split()
    particles = sum(1 for w in words if w.casefold() in _PARTICLES)
    return particles >= 2 or len(words) >= 6


def authors_from_names(names: str) -> list[AuthorRecord]:
    """Authors from a labelled line (``Authors: Given Family, Given Family``); order kept."""
    return [author_from_name(name) for name in names_on_line(names)]


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
