"""Build ``app/ingest/ojs_page/label_table.json`` from PKP's ``labels.json`` (OJS 3.3, 3.4, main).

Usage: ``python scripts/build_ojs_labels.py [data/ojs/labels.json.gz]`` (a copy of PKP's file, with
its provenance in ``data/ojs/README.md``; plain ``.json`` works too)

The loader recognises the blocks of an OJS article page (abstract, keywords, references, how to
cite, downloads, published, issue, section ...) by the labels OJS prints over them, in whatever UI
language the journal uses. Those labels are PKP's translations; this script keeps only the keys the
article page prints, folds them (case, trailing colon, spaces) and writes them, with their
provenance, as a data file beside the loader (``label_table.py`` reads it once), so that the
running service never reads the shared folder.
"""

from __future__ import annotations

import gzip
import json
import re
import sys
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUTPUT = ROOT / "app" / "ingest" / "ojs_page" / "label_table.json"
SOURCE = ROOT / "data" / "ojs" / "labels.json.gz"

# role -> translation keys whose text labels that block (in order of priority on conflicts)
ROLES: dict[str, tuple[str, ...]] = {
    "abstract": ("article.abstract",),
    "keywords": ("article.subject", "common.keywords"),
    "references": ("submission.citations",),
    "authors": ("article.authors",),
    "doi": ("doi.readerDisplayName", "plugins.pubIds.doi.readerDisplayName"),
    "how_to_cite": ("submission.howToCite",),
    "citation_formats": (
        "submission.howToCite.citationFormats",
        "submission.howToCite.downloadCitation",
    ),
    "downloads": (
        "submission.downloads",
        "plugins.themes.default.displayStats.downloads",
        "plugins.themes.default.displayStats.noStats",
        "submission.additionalFiles",
    ),
    "download": ("common.download",),
    "published": ("submissions.published",),
    "issue": ("issue.issue",),
    "section": ("section.section",),
    "category": ("category.category",),
    "license": ("submission.license",),
    "most_read": ("plugins.generic.recommendByAuthor.heading",),
    "author_bios": ("submission.authorBiographies", "submission.authorBiography"),
    "details": ("article.details",),
    "versions": ("submission.versions",),
    "data_availability": ("submission.dataAvailability",),
    "funding": ("submission.funders", "submission.fundingStatement"),
    "interface": (
        # the site menu and skip links of every OJS page (pkp-lib components/header.tpl)
        "navigation.skip.main", "navigation.skip.nav", "navigation.skip.footer",
        "navigation.current", "navigation.archives", "navigation.about", "navigation.search",
        "common.homepageNavigationLabel", "about.aboutContext", "about.submissions",
        "about.editorialTeam", "about.privacyStatement", "about.contact",
        "announcement.announcements", "archive.archives", "journal.currentIssue",
        "journal.viewAllIssues", "user.login", "user.register", "common.search",
    ),
}  # fmt: skip
# Labels whose words name the page's UI language (one language only, e.g. "Annotatsiya" → uz).
LANGUAGE_ROLES = ("abstract", "keywords", "references", "how_to_cite", "published", "authors")
# Parts of the issue identification ("Vol. 8 No. 2 (2021)", "v. 12 n. 3 (2020)", "Том 8 № 2").
ISSUE_PARTS = {"volume": "issue.vol", "number": "issue.no"}
# Title of the galley viewer pages ("View of {$title}"): a PDF/HTML viewer, not a landing page.
VIEW_OF = "article.pageTitle"


def fold(text: str) -> str:
    """The form the loader compares: NFKC, case-folded, one space, no trailing colon."""
    text = unicodedata.normalize("NFKC", text)
    text = re.sub(r"\s+", " ", text).strip().rstrip(":：").strip()
    return text.casefold()


def main(source: Path, output: Path = OUTPUT) -> None:
    raw = source.read_bytes()
    data = json.loads(gzip.decompress(raw) if source.suffix == ".gz" else raw)
    labels = data["labels"]
    locales = {locale for translations in labels.values() for locale in translations}
    table: dict[str, dict[str, None]] = {role: {} for role in ROLES}
    claimed: dict[str, str] = {}
    for role, keys in ROLES.items():
        for key in keys:
            for texts in labels.get(key, {}).values():
                for text in texts:
                    if "{$" in text or "<" in text:
                        continue
                    folded = fold(text)
                    # a word that already labels a block of higher priority keeps that meaning
                    if not folded or claimed.setdefault(folded, role) != role:
                        continue
                    table[role][folded] = None
    issue_parts = {
        part: sorted(
            {
                text.strip()
                for texts in labels[key].values()
                for text in texts
                if text.strip() and "{$" not in text
            },
            key=lambda t: (-len(t), t),
        )
        for part, key in ISSUE_PARTS.items()
    }
    view_of = sorted(
        {
            text.split("{$title}")[0].strip()
            for texts in labels[VIEW_OF].values()
            for text in texts
            if "{$title}" in text and text.split("{$title}")[0].strip()
        }
    )
    sources = [
        f"{release}: {commit}"
        for release, commits in data["sources"].items()
        for commit in commits.values()
    ]
    by_text: dict[str, set[str]] = {}
    for role in LANGUAGE_ROLES:
        for key in ROLES[role]:
            for locale, texts in labels.get(key, {}).items():
                language = re.split(r"[_@-]", locale)[0].lower()
                for text in texts:
                    if "{$" not in text and fold(text):
                        by_text.setdefault(fold(text), set()).add(language)
    document = {
        "provenance": {
            "generated_by": "scripts/build_ojs_labels.py (do not edit)",
            "from": "PKP's translations (pkp/ojs, pkp/pkp-lib), GPL-3.0",
            "locale_codes": len(locales),
            "commits": sources,
            "folding": "as the script's fold: NFKC, case-folded, no trailing colon",
        },
        "labels": {role: sorted(texts) for role, texts in table.items()},
        "issue_words": issue_parts,
        # label -> the one UI language that prints it (shared labels are absent)
        "label_language": {
            text: next(iter(found)) for text, found in sorted(by_text.items()) if len(found) == 1
        },
        "view_of_prefixes": view_of,
    }
    output.write_text(json.dumps(document, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {output} ({sum(map(len, table.values()))} labels, {len(locales)} locales)")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else SOURCE)
