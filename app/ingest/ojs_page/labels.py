"""Which OJS block a printed label opens, in any OJS UI language.

The words come from ``label_table`` (generated from PKP's translations, see its docstring). A few
headings that journals type into their own content rather than OJS printing them (``Literature``,
``Список литературы``) are added here; they are not OJS labels but mean the same blocks.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from app.ingest.languages import (
    SUPPORTED,
    classify_language,
    detect_wider_language,
    orthography_language,
    script_of,
)
from app.ingest.ojs_page.label_table import (
    ISSUE_NUMBER_WORDS,
    ISSUE_VOLUME_WORDS,
    LABEL_LANGUAGE,
    LABELS,
    VIEW_OF_PREFIXES,
)
from app.ingest.text import zipf_frequencies

_DETECTABLE = frozenset(SUPPORTED.values())

# Headings journals write themselves (PDF-derived text, custom blocks), by the block they open.
_JOURNAL_HEADINGS: dict[str, tuple[str, ...]] = {
    "abstract": ("annotasiya", "резюме", "summary", "аннотация:", "анотація"),
    "references": (
        "bibliography", "literature", "литература", "список литературы", "список літератури",
        "библиографический список", "ədəbiyyat", "ədəbiyyat siyahısı", "kaynaklar",
        "kaynakça", "bibliografia", "bibliografía", "referências bibliográficas",
        "referencias bibliográficas", "références bibliographiques", "literatur",
        "literaturverzeichnis", "daftar pustaka", "foydalanilgan adabiyotlar", "adabiyotlar",
        "використана література", "works cited", "reference", "références",
    ),
    "keywords": ("key words", "anahtar sözcükler", "palabras claves", "palavras chave",
                 "ключевые слова", "kalit so‘zlar"),
    "most_read": ("similar articles", "похожие статьи", "oxşar məqalələr",
                  "most read articles by the same author(s)"),
    "author_bios": ("about the author", "about the authors", "about the author(s)"),
    "interface": (
        "make a submission", "information", "for readers", "for authors", "for librarians",
        "language", "open menu", "close menu", "main menu", "user menu", "articles",
        "open journal systems", "platform & workflow by ojs / pkp",
        "platform & workflow by ojs/pkp",
        "you may also start an advanced similarity search for this article.",
        "return to article details", "copyright", "keywords cloud", "browse", "indexing",
        "editorial board", "focus and scope", "author guidelines", "publication ethics",
        "peer review process", "open access policy", "archiving", "journal history",
    ),
}  # fmt: skip
# Blocks whose label may sit inside a line ("…8670366Palavras-chave: …", "DOI: …").
_INLINE_ROLES = frozenset(
    {"abstract", "keywords", "references", "doi", "published", "how_to_cite", "license"}
)
# Labels read inside a line only when they start it ("Authors: A, B", "Issue: Vol. 3 ...").
_START_ONLY_ROLES = frozenset({"authors", "issue", "section"})
# Common words that label a sidebar block only when they stand on a line of their own.
_WHOLE_LINE_ONLY = frozenset({"issue", "section", "category", "details", "authors", "interface"})


def fold(text: str) -> str:
    """The form labels are compared in: NFKC, case-folded, one space, no trailing colon."""
    text = unicodedata.normalize("NFKC", text)
    text = re.sub(r"\s+", " ", text).strip().rstrip(":：").strip()
    return text.casefold()


@lru_cache(maxsize=1)
def _role_of() -> dict[str, str]:
    roles: dict[str, str] = {}
    for role, texts in LABELS.items():
        for text in texts:
            roles.setdefault(text, role)
    for role, extra in _JOURNAL_HEADINGS.items():
        for text in extra:
            roles.setdefault(fold(text), role)
    return roles


@lru_cache(maxsize=1)
def _inline_lengths() -> tuple[int, ...]:
    return tuple(
        sorted(
            {
                len(text)
                for text, role in _role_of().items()
                if role in _INLINE_ROLES | _START_ONLY_ROLES
            },
            reverse=True,
        )
    )


def label_role(text: str) -> str | None:
    """The block a line that is only a label opens (``Palavras-chave:`` → ``keywords``)."""
    if len(text) > 120:
        return None
    return _role_of().get(fold(text))


def inline_labels(text: str) -> list[tuple[int, int, str]]:
    """``(start, end, role)`` of each label followed by a colon inside a line, left to right.

    A label counts at the start of the line, glued to what precedes it (a digit, a closing
    bracket: ``…8670366palavras-chave:``), after a lower-case letter when it starts upper-case
    (``…sleepKeywords:``), or after a space when it is capitalised as a label is.
    """
    found: list[tuple[int, int, str]] = []
    roles = _role_of()
    for colon in (m.start() for m in re.finditer(r"[:：]", text)):
        for length in _inline_lengths():
            start = colon - length
            if start < 0 or (found and start < found[-1][1]):
                continue
            candidate = text[start:colon]
            role = roles.get(fold(candidate))
            if candidate[0].isspace() or not (
                role in _INLINE_ROLES or (role in _START_ONLY_ROLES and start == 0)
            ):
                continue
            before = text[start - 1] if start else ""
            if (
                not before
                or not (before.isalpha() or before.isspace())
                or (before.islower() and candidate[0].isupper())
                or (before.isspace() and candidate[0].isupper())
            ):
                found.append((start, colon + 1, role))
                break
    return found


def label_prefix(text: str, role: str) -> str | None:
    """The rest of a line that starts with a ``role`` label and no colon ("Yayımlanıb 12 mart
    2021": the az ``semicolon`` pattern prints none), folded; None when it does not."""
    if len(text) > 120:
        return None
    folded = fold(text)
    for label in LABELS.get(role, ()):
        if folded.startswith(label + " "):
            return folded[len(label) + 1 :]
    return None


def is_whole_line_only(role: str) -> bool:
    return role in _WHOLE_LINE_ONLY


@lru_cache(maxsize=1)
def issue_identification() -> re.Pattern[str]:
    """OJS's issue identification in any locale: ``Vol. 8 No. 2 (2021)``, ``v. 12 n. 3 (2020)``,
    ``Том 8 № 2 (2021)``, ``Vol. 8 Núm. 2 (2021)``; volume or number may be missing."""
    volume = "|".join(re.escape(w.rstrip(".:")) for w in ISSUE_VOLUME_WORDS)
    number = "|".join(re.escape(w.rstrip(".:")) for w in ISSUE_NUMBER_WORDS)
    extra_volume = r"Volume|Т\.|Cild|Cilt"
    extra_number = r"Number|Issue|Вып\.|Выпуск|Say|Nº|N°"
    return re.compile(
        rf"(?:(?<![\w])(?:{volume}|{extra_volume})[.:]?\s*(?P<volume>\d{{1,4}})\s*[,.]?\s*)?"
        rf"(?:(?<![\w])(?:{number}|{extra_number})[.:]?\s*(?P<number>\d{{1,4}}(?:[-/]\d{{1,3}})?)\s*)?"
        r"\((?P<year>(?:1[6-9]|20)\d{2})\)",
        re.IGNORECASE,
    )


def label_language(text: str) -> str | None:
    """The UI language a label's words belong to alone (``Annotatsiya`` → ``uz``), if any."""
    return LABEL_LANGUAGE.get(fold(text)) if len(text) <= 120 else None


def language_of(text: str, ui_language: str | None = None) -> str | None:
    """The language of a title, abstract or keyword list, with the page's UI language as a hint.

    Letters decide first (Cyrillic, ə, ł ...; Uzbek's oʻ/gʻ). The main detector knows a fixed
    set of languages and guesses a neighbour for others: Latin text it does not call English is
    also put to a wider detector (Indonesian, Malay, Vietnamese, Croatian, Czech, Romanian,
    Hungarian, Catalan), whose confident answer wins; Indonesian and Malay, which it confuses,
    follow the UI when the UI is one of them. Text in a language neither knows (Uzbek without
    oʻ, Kazakh in Latin ...) takes the UI's language when the UI is such a language and the
    text is not English.
    """
    if script_of(text) == "Latin" and _UZBEK_LATIN.search(text):
        return "uz"
    if script_of(text) == "Cyrillic" and _uzbek_cyrillic(text.lower(), ui_language):
        return "uz"
    detected = classify_language(text)
    if script_of(text) == "Latin" and orthography_language(text) is None:
        wider = detect_wider_language(text)
        if wider is not None and not (detected == "en" and _english(text)):
            return ui_language if wider in _MALAY_PAIR and ui_language in _MALAY_PAIR else wider
    if not ui_language or ui_language == detected or ui_language in _DETECTABLE:
        return detected
    if script_of(text) != "Latin" or orthography_language(text) is not None:
        return detected
    return detected if _english(text) else ui_language


def _english(text: str) -> bool:
    """Most of the words are common English words."""
    words = [w.casefold() for w in re.findall(r"[^\W\d_]+", text[:1000])]
    english = zipf_frequencies(set(words), "en") if words else {}
    return bool(words) and sum(1 for w in words if english.get(w, 0.0) >= 3.0) >= 0.6 * len(words)


def _uzbek_cyrillic(lowered: str, ui_language: str | None) -> bool:
    """Uzbek Cyrillic: ў or ҳ with қ/ғ, and none of the letters only Kazakh writes; қ/ғ alone
    (shared with Kazakh) count when the UI is Uzbek."""
    if any(ch in _KAZAKH_ONLY for ch in lowered):
        return False
    shared = any(ch in "қғ" for ch in lowered)
    own = any(ch in "ўҳ" for ch in lowered)
    return (own and (shared or "ҳ" in lowered)) or (shared and ui_language == "uz")


# Uzbek Latin writes oʻ and gʻ (with ʻ, ‘, ’ or ' on keyboards) inside words: "oʻquv",
# "bogʻliq", "ko'p". Kazakh writes ә ң ө ұ ү һ і, which Uzbek Cyrillic does not.
_UZBEK_LATIN = re.compile(r"(?:^|[a-z])[og][ʻ‘’'][a-z]|\b[OG][ʻ‘][a-z]")
_KAZAKH_ONLY = frozenset("әңөұүһі")
_MALAY_PAIR = frozenset({"id", "ms"})


def view_of_title(text: str) -> str | None:
    """The article title in a galley viewer's page title (``View of <title>``), else None."""
    for prefix in VIEW_OF_PREFIXES:
        if text.startswith(prefix + " "):
            return text[len(prefix) :].strip(" «»\"“”")
    return None
