"""Printed author lists → ordered CSL names (``family``/``given``/``suffix`` or a ``literal``).

Names take more rules than any other field (inverted or natural order, initials with or without
dots, patronymics, particles, corporate bodies, ``et al.``); both the tagger's path and the GOST
path read them here.
"""

from __future__ import annotations

import re
from functools import lru_cache

from app.ingest.references.patterns import normalize_space

_ET_AL = re.compile(
    r"[,;]?\s*(?:\bet\s*al\b\.?|\b[иi]\s+dr\b\.?|\bи\s+др\b\.?|\bu\.\s*a\.)\s*[.,;:]*\s*$",
    re.IGNORECASE,
)
_PARTICLES = {
    "van", "von", "de", "der", "den", "da", "di", "la", "le", "du", "dos", "das", "del", "della",
    "des", "ter", "ten", "zu", "af", "al", "el", "bin", "ibn", "st", "st.", "mc", "o", "d'", "l'",
}
# After the first "A." the parts are letter runs, each maximal (possessive): "QQQQ" was split
# into 1-2 letter parts in every possible way before failing, exponential in its length (a
# 60-byte reference took 16 s). The strings matched are the same as with {1,2}-letter parts.
_INITIAL_TOKEN = re.compile(
    r"^(?:[^\W\d_]{1,2}\.(?:\s?[-‐]?\s?[^\W\d_]++\.?)*+|[^\W\d_]\.?[-‐][^\W\d_]\.?)$"
)
_UPPER_INITIALS = re.compile(r"^[^\W\d_]{1,3}$")


_CONJUNCTION = re.compile(r"\s+(?:and|AND|And|&|und|et|y|e|и|та)\s+|\s*&\s*")
_NAME_SEP = re.compile(r"\s*([,;])\s*")
_EDITOR_MARK = re.compile(
    r"\((?:eds?|hrsg|hg|dir|éds?|coords?|orgs?|ред)\.?\)|\b(?:eds?|Hrsg|Hg|editors?)\.?\s*$",
    re.IGNORECASE,
)
_NAMES_LEAD = re.compile(
    r"^(?:by|edited by|in:?|under the editorship of|под ред\.)\s+", re.IGNORECASE
)


# A body, not a person: kept whole as a CSL literal name rather than split into family/given.
# Whole words only (a set lookup of the \w runs, cheaper than a regex alternation tried at every
# position of the author list).
CORPORATE_WORDS = frozenset(
    "organisation organization association institute institut ministry society group committee"
    " council agency department university center centre foundation commission office bureau"
    " service consortium collaboration network federation board министерство институт"
    " ассоциация комитет центр общество служба".split()
)
_WORD_RUN = re.compile(r"\w+")
_ELLIPSIS = re.compile(r"\.\s*\.\s*\.|…")


@lru_cache(maxsize=16384)
def is_initials(token: str) -> bool:
    token = token.strip(",;:")
    if not token:
        return False
    if _INITIAL_TOKEN.match(token):
        return True
    # Vancouver initials: "CZ", "HR", "J" (upper-case, no dots)
    return bool(_UPPER_INITIALS.match(token) and token.isupper())


# Generational suffixes printed as a part of their own ("Smith, J., Jr., and ..."): CSL's "suffix".
_SUFFIXES = frozenset("jr jr. sr sr. jun. sen. ii iii iv".split())
# Turkic "son of"/"daughter of" after the father's name (Uzbek o'g'li/qizi, Azerbaijani oğlu/qızı,
# Kazakh/Kyrgyz uly/kyzy) and Russian patronymic endings: the family name comes first.
_PATRONYMIC_MARKS = frozenset(
    "o'g'li og'li ogli o'gli ugli qizi kizi oglu oğlu qızı kyzy uly qyzy угли оглы кызы кизи улы"
    " қызы ұлы".split()
)
_PATRONYMIC_END = re.compile(r"(?:ович|евич|ьич|овна|евна|ична|ovich|evich|ovna|evna|ichna)$")
_APOSTROPHES = str.maketrans(dict.fromkeys("’‘`ʻʼ´", "'"))


def name_of(words: list[str]) -> dict[str, str]:
    """One name in printed order: ``Family Given Patronymic`` when a patronymic ends it, else by
    where the initials are, else natural order."""
    suffix = None
    if len(words) > 1 and words[-1].lower().rstrip(",") in _SUFFIXES:
        suffix, words = words[-1].rstrip(","), words[:-1]
    last = words[-1].lower().translate(_APOSTROPHES)
    if len(words) > 2 and (last in _PATRONYMIC_MARKS or _PATRONYMIC_END.search(last)):
        name = {"family": words[0], "given": " ".join(words[1:])}
    else:
        name = _person(words) or _natural(words)
    if suffix:
        name["suffix"] = suffix
    return name


def _split_name_parts(segment: str) -> tuple[list[str], list[str], dict[int, str]]:
    """Split an author list into parts, the separator printed before each part, and the suffixes
    (``Jr.``) printed after a part, by the part's index.

    The separator matters: in ``Family, Given & Family, Given`` the conjunction precedes a family
    name, in Chicago's ``Family, Given, Given Family, and Given Family`` it precedes a whole name.
    """
    segment = _CONJUNCTION.sub(" ; ", segment)
    pieces = _NAME_SEP.split(segment)
    parts: list[str] = []
    seps: list[str] = []
    suffixes: dict[int, str] = {}
    sep = ""
    for piece in pieces:
        if piece in (",", ";"):
            sep = piece if sep != ";" else sep
            continue
        piece = piece.strip()
        if piece.lower() in _SUFFIXES and parts:  # "Smith, J., Jr.": the previous name's suffix
            suffixes[len(parts) - 1] = piece
            continue
        if _WORD_RUN.search(piece):  # "&." or a lone "." leaves a part with no name in it
            keep_dot = is_initials(piece.split()[-1])  # "Ivanov I.I." keeps its initials' dot
            parts.append(piece if keep_dot else piece.strip(" ."))
            seps.append(sep)
        sep = ""
    return parts, seps, suffixes


def _with_suffixes(
    names: list[dict[str, str]], parts: list[str], suffixes: dict[int, str]
) -> list[dict[str, str]]:
    """Named people only, each ``Jr.`` given to the name built from the part before it."""
    names = [n for n in names if n.get("family")]
    for index, suffix in suffixes.items():
        part = parts[index]
        for name in names:
            if part in (name.get("given"), name["family"]) or part.endswith(" " + name["family"]):
                name.setdefault("suffix", suffix)
                break
    return names


def _family_of_natural(words: list[str]) -> str:
    """Family name of a natural-order name ("A. B. de Family"): the last word plus particles."""
    family = [words[-1]]
    i = len(words) - 2
    while i >= 0 and words[i].lower() in _PARTICLES:
        family.insert(0, words[i])
        i -= 1
    return " ".join(family)


def _person(words: list[str]) -> dict[str, str] | None:
    """One name whose family/given order shows in its initials, else None."""
    flags = [is_initials(w) for w in words]
    if len(words) < 2 or not any(flags):
        return None
    if not flags[0]:
        k = flags.index(True)
        if all(flags[k:]):  # Family Initials: "Liu M.", "Pei CZ"
            return {"family": " ".join(words[:k]), "given": " ".join(words[k:])}
        family = _family_of_natural(words)  # Given I. Family: "Sunil B. Family"
        return {"family": family, "given": " ".join(words[: len(words) - len(family.split())])}
    if not flags[-1]:  # Initials Family: "S. E. Han", "W.-P. de Roever"
        k = max(j for j, f in enumerate(flags) if f) + 1
        return {"family": " ".join(words[k:]), "given": " ".join(words[:k])}
    return None


def _natural(words: list[str]) -> dict[str, str]:
    if len(words) == 1:
        return {"family": words[0]}
    family = _family_of_natural(words)
    return {"family": family, "given": " ".join(words[: len(words) - len(family.split())])}


def _looks_given(words: list[str]) -> bool:
    """A given name as printed after the comma: one name, maybe followed by initials."""
    return 1 <= len(words) <= 3 and not is_initials(words[0]) and all(
        is_initials(w) for w in words[1:]
    )


def parse_names(segment: str) -> tuple[list[dict[str, str]], bool]:
    """Ordered ``{"family", "given"}`` names of a printed author list; True if it ends in et al."""
    text = normalize_space(segment)
    et_al = False
    # The mark ends the text but for punctuation: search only its last characters (an anchored
    # pattern is otherwise tried at every position).
    match = _ET_AL.search(text, max(0, len(text.rstrip(" .,;:")) - 12))
    if match:
        et_al = True
        text = text[: match.start()]
    # APA 7 prints 19 authors, an ellipsis, then the last one: "..., S. T., ... & Last, A."
    if "..." in text or ". ." in text or "…" in text:
        text, omitted = _ELLIPSIS.subn(" ; ", text)
        et_al = et_al or omitted > 0
    text = _EDITOR_MARK.sub("", text)
    text = _NAMES_LEAD.sub("", text)
    if not CORPORATE_WORDS.isdisjoint(_WORD_RUN.findall(text.lower())):
        return [{"literal": text.strip(" .,;:")}], et_al
    text = text.strip(" .,;:")
    if not text:
        return [], et_al
    parts, seps, suffixes = _split_name_parts(text)
    if not parts:
        return [], et_al
    words0 = parts[0].split()
    names: list[dict[str, str]] = []
    inverted = (
        len(parts) > 1
        and not any(is_initials(w) for w in words0)
        and seps[1] == ","
        and (
            len(words0) == 1
            or words0[0].lower() in _PARTICLES
            or all(is_initials(w) for w in parts[1].split())
            # one person, compound family name: "Wong Fillmore, Lily", "Del Rey, Lester A."
            or (len(parts) == 2 and _looks_given(parts[1].split()))
        )
    )
    if not inverted:
        for part in parts:
            words = part.split()
            if all(is_initials(w) for w in words):
                if names and "given" not in names[-1]:
                    names[-1]["given"] = part
                continue
            names.append(name_of(words))
        return _with_suffixes(names, parts, suffixes), et_al
    # "Family, Given & Family, Given" pairs, or Chicago: first inverted, then natural order
    paired = len(parts) % 2 == 0 and all(seps[j] == "," for j in range(1, len(parts), 2))
    names.append({"family": parts[0], "given": parts[1]})
    i = 2
    while i < len(parts):
        words = parts[i].split()
        nxt = parts[i + 1] if i + 1 < len(parts) else None
        if nxt is not None and seps[i + 1] == "," and (
            paired or all(is_initials(w) for w in nxt.split())
        ) and not _person(words):
            names.append({"family": parts[i], "given": nxt})
            i += 2
            continue
        names.append(name_of(words))
        i += 1
    return _with_suffixes(names, parts, suffixes), et_al
