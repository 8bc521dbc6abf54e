"""Shapes of single lines: ISSN, galley links, running PDF footers, references, titles, prose.

General shapes only: nothing here knows one journal. Labels (which words open which block) live in
``labels``; these are the values OJS and PDFs print.
"""

from __future__ import annotations

import re

from app.ingest.text import normalize_spaces

LOCALE_KEY = re.compile(r"##[A-Za-z][\w.\-]*##")
# The OJS key printed where the site logo's alt text (the journal title) should be.
LOGO_KEY = re.compile(r"pageHeaderLogo|logo\.alt|altText", re.IGNORECASE)

_ISSN_VALUE = r"(?P<issn>\d{4}\s?[-‐–]\s?\d{3}[\dXx])"
ISSN_LINE = re.compile(
    r"(?:(?P<before>print|printed|online|electronic|e|p|web)[\s\-]*)?ISSN"
    r"(?:\s*\((?P<inside>print|online|electronic|e|p|impresso|impreso|en línea|online)\))?"
    r"(?:\s*[-–(]?\s*(?P<after>print|online|electronic|impresso|impreso|eletrônico|electrónico)\)?)?"
    r"\s*[:：]?\s*" + _ISSN_VALUE + r"(?:\s*\(?(?P<trail>print|online|electronic)\)?)?",
    re.IGNORECASE,
)
ONLINE_MEDIA = {"online", "electronic", "e", "web", "en línea", "eletrônico", "electrónico"}
PRINT_MEDIA = {"print", "printed", "p", "impresso", "impreso"}

_GALLEY_FORMATS = (
    r"PDF|HTML|XML|EPUB|JATS XML|Full[ -]?text|Полный текст|Повний текст|Tam mətn|"
    r"Texto completo|Texte intégral|Volltext|Teks lengkap|Tam metin"
)
GALLEY_LINE = re.compile(
    rf"^(?P<label>{_GALLEY_FORMATS})"
    r"(?:\s*\((?P<language>[^()]{2,40}(?:\([^()]{2,30}\))?)\))?$",
    re.IGNORECASE,
)

# Language names printed in galley labels, in their own language, in English and in Russian.
_LANGUAGE_NAMES: dict[str, str] = {
    "english": "en", "английский": "en", "ingilis": "en", "ingiliscə": "en",
    "i̇ngilis": "en", "ingilizce": "en", "i̇ngilizce": "en", "englisch": "en", "inglês": "en",
    "inglés": "en", "anglais": "en", "inggris": "en", "англійська": "en", "ingliz": "en",
    "russian": "ru", "русский": "ru", "rus": "ru", "rusca": "ru", "rusça": "ru",
    "russisch": "ru", "rus dili": "ru", "русская": "ru", "російська": "ru", "rus tili": "ru",
    "azerbaijani": "az", "azerbaijan": "az", "azərbaycan": "az", "azərbaycanca": "az",
    "azərbaycan dili": "az", "азербайджанский": "az", "azerice": "az", "azerbaycanca": "az",
    "turkish": "tr", "türkçe": "tr", "турецкий": "tr", "türk": "tr", "türk dili": "tr",
    "ukrainian": "uk", "українська": "uk", "украинский": "uk",
    "kazakh": "kk", "қазақ": "kk", "қазақша": "kk", "казахский": "kk", "қазақ тілі": "kk",
    "german": "de", "deutsch": "de", "немецкий": "de",
    "french": "fr", "français": "fr", "francais": "fr", "французский": "fr",
    "spanish": "es", "español": "es", "espanol": "es", "испанский": "es", "espanhol": "es",
    "italian": "it", "italiano": "it", "итальянский": "it",
    "portuguese": "pt", "português": "pt", "portugues": "pt", "portugués": "pt",
    "dutch": "nl", "nederlands": "nl", "polish": "pl", "polski": "pl", "польский": "pl",
    "indonesian": "id", "bahasa indonesia": "id", "indonesia": "id",
    "uzbek": "uz", "o'zbek": "uz", "o‘zbek": "uz", "oʻzbek": "uz", "ўзбек": "uz",
    "узбекский": "uz", "o'zbekcha": "uz", "czech": "cs", "čeština": "cs",
    "romanian": "ro", "română": "ro", "croatian": "hr", "hrvatski": "hr",
    "serbian": "sr", "srpski": "sr", "српски": "sr", "slovenian": "sl", "slovenščina": "sl",
}  # fmt: skip

YEAR = r"(?:1[6-9]\d{2}|20\d{2})"
HAS_YEAR = re.compile(rf"(?<!\d){YEAR}(?!\d)")
DOI = re.compile(r"\b10\.\d{4,9}/\S+", re.IGNORECASE)
INITIALS = re.compile(r"(?<!\w)[A-ZА-ЯЁ]\.\s?[A-ZА-ЯЁ]?\.?")
# How references start: "Liu M.,", "Абламуниц В.Г.", "Pei CZ,", "Pandey, Manoj", "Wang WJ (2014)",
# "Meenakshi Singh, Jyoti Rajak" — a family name then initials, or a name and a comma.
AUTHOR_START = re.compile(
    r"^(?:[A-ZА-ЯЁ][\w'’\-]+(?:\s+[A-ZА-ЯЁ][\w'’\-]+)?"
    r"(?:,?\s+(?:[A-ZА-ЯЁ]\.\s?-?){1,3}|\s+[A-ZА-ЯЁ]{1,3}[,.\s(]|,\s*[A-ZА-ЯЁ&]))"
)
LIST_MARKER = re.compile(r"^\s*(?:\[(?P<bracket>\d{1,3})\]|(?P<dot>\d{1,3})[.)])\s+")
SENTENCE_BREAK = re.compile(r"[.!?]\s+[A-ZА-ЯЁ]")

# Running header/footer of the PDF: a journal-title-like text (no digits, no initials, no "//")
# and the issue numbers, e.g. "Journal 08 №02/2021 27", "27 Journal 08 №02/2021",
# "Journal. 2021. Vol. 8, No. 2. P. 27".
_TITLE_PART = r"(?P<title>[^\d/]{8,}?)"
_FOOTERS = (
    re.compile(
        rf"^(?:(?P<page0>\d{{1,4}})\s+)?{_TITLE_PART}[\s,.]+(?P<volume>\d{{1,3}})\s*"
        rf"(?:№|No\.?|N|#)\s*(?P<number>\d{{1,3}})\s*[/(,]\s*(?P<year>{YEAR})\)?"
        r"(?:[\s,.]+(?:p\.|с\.|s\.)?\s*(?P<page>\d{1,4}))?$",
        re.IGNORECASE,
    ),
    re.compile(
        rf"^(?:(?P<page0>\d{{1,4}})\s+)?{_TITLE_PART}[,.]\s*(?P<year>{YEAR})[,.]\s*"
        r"(?:Vol\.?|Volume|Т\.|Том|Cild)\s*(?P<volume>\d{1,3})[,.]?\s*"
        r"(?:No\.?|№|Issue|Вып\.|Выпуск|Say)\s*(?P<number>\d{1,3})"
        r"(?:[,.]\s*(?:P\.|С\.|S\.|pp?\.)?\s*(?P<page>\d{1,4}(?:\s*[-–]\s*\d{1,4})?))?\.?$",
        re.IGNORECASE,
    ),
    # ABNT/APA-like: "Revista X, v. 12, n. 2, p. 45-60, 2023", "Journal, Vol. 8, No. 2, 2022"
    re.compile(
        rf"^{_TITLE_PART}[,.]\s*(?:v\.|vol\.?|volume)\s*(?P<volume>\d{{1,3}})[,.]?\s*"
        r"(?:n\.|no\.?|núm\.?|nº|n\.º|№|issue)\s*(?P<number>\d{1,3})"
        r"(?:[,.]\s*(?:p\.|pp\.)\s*(?P<page>\d{1,4}(?:\s*[-–]\s*\d{1,4})?))?"
        rf"[,.]\s*(?:[^\W\d_]{{3,9}}\.?(?:\s*[-/]\s*[^\W\d_]{{3,9}}\.?)?\s+)?(?P<year>{YEAR})\.?$",
        re.IGNORECASE,
    ),
)
ORCID = re.compile(r"(?:https?://orcid\.org/)?(?P<id>\d{4}-\d{4}-\d{4}-\d{3}[\dX])", re.IGNORECASE)
URL_DOI = re.compile(
    r"^(?:DOI:?\s*)?(?:https?://(?:dx\.)?doi\.org/)?(10\.\d{4,9}/\S+)$", re.IGNORECASE
)
ISO_DATE = re.compile(r"(?<!\d)(?P<date>\d{4}-\d{2}-\d{2})(?!\d)")


def issn_is_valid(issn: str) -> bool:
    """ISSN check digit (ISO 3297): a misread number must not become the journal's identifier."""
    digits = issn.replace("-", "").upper()
    if not re.fullmatch(r"\d{7}[\dX]", digits):
        return False
    total = sum(int(d) * w for d, w in zip(digits[:7], range(8, 1, -1), strict=True))
    check = (11 - total % 11) % 11
    return digits[7] == ("X" if check == 10 else str(check))


def galley_locale(name: str | None) -> str | None:
    """BCP 47 tag of a language name printed in a galley label (``Русский`` → ``ru``)."""
    if not name:
        return None
    key = normalize_spaces(name).casefold().rstrip(".")
    key = re.sub(r"\s*\(.*\)$", "", key)
    return _LANGUAGE_NAMES.get(key) or _LANGUAGE_NAMES.get(key.split()[0] if key else key)


def footer_match(line: str) -> re.Match[str] | None:
    """The match when ``line`` is a running PDF header/footer (journal title + issue numbers)."""
    text = normalize_spaces(line)
    if len(text) > 200:
        return None
    for pattern in _FOOTERS:
        match = pattern.match(text)
        title = match.group("title").strip(" ,.") if match else ""
        if match and title_like_name(title) and not _ENDS_IN_VOLUME.search(title):
            if pattern is _FOOTERS[2] and _SENTENCES.search(title):
                continue  # "BRASIL. Ministério da Saúde. Guia, v. 2, n. 1, 2014": a reference
            return match
    return None


_SENTENCES = re.compile(r"\.\s+[^\W\d_]{5,}")
_ENDS_IN_VOLUME = re.compile(r"(?:\bvol|volume|т|том|cild|cilt|jild|v|bd)$", re.IGNORECASE)


def title_like_name(text: str) -> bool:
    """A journal name: words of letters, no initials, no citation separators."""
    text = text.strip(" ,.")
    words = text.split()
    if len(words) < 2 or "//" in text or INITIALS.search(text):
        return False
    letters = sum(ch.isalpha() for ch in text)
    return letters >= 0.8 * len(text.replace(" ", ""))


def is_reference_like(text: str) -> bool:
    """A bibliographic reference: a year plus an author-like start, a DOI, ``//`` or page ranges."""
    text = normalize_spaces(LIST_MARKER.sub("", text, count=1))
    if footer_match(text) or not HAS_YEAR.search(text):
        return False
    return bool(
        AUTHOR_START.match(text)
        or DOI.search(text)
        or "//" in text
        or re.search(r"\d+\s*[-–]\s*\d+", text)
    )


def is_prose(text: str) -> bool:
    """Running text (an abstract, an introduction): long, or several sentences."""
    text = normalize_spaces(text)
    if is_reference_like(text):
        return False
    return len(text) >= 200 or len(SENTENCE_BREAK.findall(text)) >= 2


def is_title_like(text: str) -> bool:
    """A line that can be an article title: mostly letters, a few words, not a sentence run."""
    text = normalize_spaces(text)
    words = text.split()
    if not 2 <= len(words) <= 40 or len(text) > 300 or text.endswith((":", ",", ";")):
        return False
    letters = sum(ch.isalpha() for ch in text)
    if letters < 0.6 * len(text.replace(" ", "")):
        return False
    if len(SENTENCE_BREAK.findall(text)) > 1 or is_reference_like(text):
        return False
    return not (DOI.search(text) or text.startswith(("http://", "https://")))
