"""GROBID's citation corpus (TEI) → the tagger's training format, and a held-out gold set.

    .venv/bin/python scripts/grobid_citations.py ../shared/data/grobid-citations

writes ``data/grobid/train.xml`` (AnyStyle's ``<dataset><sequence><label>text</label>…`` format, one
label per whitespace token, what :mod:`app.ingest.reference_model` trains on) and
``tests/fixtures/grobid_heldout.json`` (``{"raw", "gold"}`` records for the shared scorer).

Deterministic: files are read in sorted order and the split depends only on names. References are
grouped by source document (one file, or for the big mixed files a run of 40 consecutive
references, or a KISTI journal code), and a group is held out when the first byte of the SHA-1 of
its key is below 52 (about a fifth): whole reference lists are held out, so their styles are unseen.

Labels (GROBID → AnyStyle): ``author``; ``editor``; ``date``; ``title level="a"`` → title;
``level="j"`` → journal; ``level="m"`` → container-title when the reference also has an article
title, else title; ``level="s"`` → collection-title; ``biblScope`` volume/issue → volume (AnyStyle
keeps both in one segment), page → pages; ``publisher``; ``pubPlace`` → location; a collaboration
``orgName`` → author, another ``orgName`` → publisher; ``note type="report"`` → genre, other notes
→ note; ``idno`` DOI → doi, ISBN → isbn, others (arXiv, report numbers) → note; ``ptr`` → url.
Text between elements is punctuation: a token of it goes with the next label when it opens one
(``(``, ``pp.``, ``In``, ``vol.``), else with the previous one; before the first element it is a
citation number.

Gold fields follow the rules of ``data/anystyle/README.md`` (the development set): a key is left
out when its value is not in an unambiguous form, and set to ``null`` when the labels show the
reference has no such field (GROBID labels every field of a reference).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import sys
import unicodedata
from pathlib import Path
from typing import Any
from xml.etree import ElementTree
from xml.sax.saxutils import escape

ROOT = Path(__file__).resolve().parents[1]
TRAIN_OUT = ROOT / "data" / "grobid" / "train.xml"
HELDOUT_OUT = ROOT / "tests" / "fixtures" / "grobid_heldout.json"
BLOCK = 40  # references per group in the big files that mix many documents
BIG_FILE = 150
HELD_OUT_BELOW = 52  # of 256: about a fifth of the groups
XML_ID = "{http://www.w3.org/XML/1998/namespace}id"

_OPENERS = re.compile(
    r"^(?:[(\[{«“\"‘]+|(?:pp?|vol|no|nr|n°|in|v|iss|issue|pages?|s|bd|t|heft|h)\.?:?)$",
    re.IGNORECASE,
)
_NUMBER = re.compile(r"^[\[(]?\s*\d{1,4}\s*[\])]?[.:]?$")


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1].lower()


def _label(el: ElementTree.Element, has_article_title: bool) -> str | None:
    """AnyStyle label of one GROBID element (None: not a field, e.g. a line break)."""
    tag = _local(el.tag)
    attrs = {_local(k): (v or "").lower() for k, v in el.attrib.items()}
    kind = attrs.get("type") or attrs.get("unit") or attrs.get("level") or ""
    if tag in ("author", "authors"):
        return "author"
    if tag == "editor":
        return "editor"
    if tag == "date":
        return "date"
    if tag == "title":
        level = attrs.get("level") or attrs.get("leve") or attrs.get("type") or ""
        if level == "a":
            return "title"
        if level == "j":
            return "journal"
        if level == "s":
            return "collection-title"
        return "container-title" if has_article_title else "title"
    if tag in ("biblscope", "volumes", "page"):
        if tag == "page" or kind in ("pp", "page", "pages"):
            return "pages"
        return "volume"  # volume, issue, chapter
    if tag in ("publisher", "publishe"):
        return "publisher"
    if tag == "pubplace":
        return "location"
    if tag == "orgname":
        return "author" if kind == "collaboration" else "publisher"
    if tag == "note":
        return "genre" if kind == "report" else "note"
    if tag == "idno":
        return {"doi": "doi", "isbn": "isbn"}.get(kind, "note")
    if tag == "ptr":
        return "url"
    return None


def _spans(bibl: ElementTree.Element) -> list[tuple[str, str | None]]:
    """(text, label) pieces of one reference in order; label None for text between elements."""
    has_article_title = any(
        _local(e.tag) == "title" and e.get("level") == "a" for e in bibl.iter()
    )
    out: list[tuple[str, str | None]] = [(bibl.text or "", None)]
    for el in bibl:
        label = _label(el, has_article_title)
        text = "".join(el.itertext())
        out.append((text, label))
        out.append((el.tail or "", None))
    return out


def _vote(chars: list[tuple[str, str | None]]) -> tuple[str, str | None]:
    """A token and the label of most of its characters (letters and digits count double); a
    token holding a volume and pages ("9:23–48,") is a volume, as AnyStyle labels it."""
    votes: dict[str, int] = {}
    for c, lab in chars:
        if lab is not None:
            votes[lab] = votes.get(lab, 0) + (2 if c.isalnum() else 1)
    if "volume" in votes and "pages" in votes:
        return "".join(c for c, _ in chars), "volume"
    return "".join(c for c, _ in chars), (max(votes, key=votes.__getitem__) if votes else None)


def _tokens(spans: list[tuple[str, str | None]]) -> list[tuple[str, str]]:
    """Whitespace tokens with one label each (the label of most of their letters and digits)."""
    chars: list[tuple[str, str | None]] = []
    for text, label in spans:
        chars.extend((ch, label) for ch in text)
    tokens: list[tuple[str, str | None]] = []
    word: list[tuple[str, str | None]] = []
    vancouver = False  # inside a "2000;7:234-245." block, split after its ";" (and ":")
    for ch, label in [*chars, (" ", None)]:
        # A Vancouver block is one token of three labels: split it as the parser does before
        # tagging (references._cut_vancouver), "2000;" "7:" "234-245.". Other tokens of mixed
        # labels stay whole, as at tagging time.
        if word and label is not None and not ch.isspace() and word[-1][0] in ";:":
            before = next((lab for _, lab in reversed(word) if lab is not None), None)
            if before not in (None, label) and (
                (word[-1][0] == ";" and before == "date") or (word[-1][0] == ":" and vancouver)
            ):
                vancouver = True
                tokens.append(_vote(word))
                word = []
        if ch.isdigit() and word and word[-1][0] == ")":  # "(2014)024908": as tokenize() splits
            tokens.append(_vote(word))
            word = []
        if ch.isspace():
            vancouver = False
            if word:
                tokens.append(_vote(word))
                word = []
        else:
            word.append((ch, label))
    labelled = [i for i, (_, lab) in enumerate(tokens) if lab]
    if not labelled:
        return []
    out: list[tuple[str, str]] = []
    for i, (text, lab) in enumerate(tokens):
        if lab is None:
            nxt = next((tokens[j][1] for j in labelled if j > i), None)
            prev = next((tokens[j][1] for j in reversed(labelled) if j < i), None)
            if prev is None:
                lab = "citation-number" if _NUMBER.match(text) or not any(
                    c.isalpha() for c in text
                ) else nxt
            elif nxt is not None and _OPENERS.match(text):
                lab = nxt
            else:
                lab = prev
        out.append((text, lab or "note"))
    return out


def _clean(text: str) -> str:
    return " ".join(text.split())


def _year(text: str) -> int | None:
    match = re.search(r"(?<!\d)(1[5-9]\d\d|20\d\d)(?!\d)", text)
    return int(match.group(1)) if match else None


_QUOTES = (("“", "”"), ('"', '"'), ("«", "»"), ("‘", "’"), ("``", "''"), ("„", "“"))


def _gold_title(text: str) -> str | None:
    text = _clean(text).rstrip(".,;: ")
    for left, right in _QUOTES:
        if text.startswith(left) and text.endswith(right) and len(text) > 2:
            inner = text[len(left) : len(text) - len(right)]
            if left in inner or right in inner:
                return None
            text = inner.rstrip(".,").strip()
            break
    if any(q in text for pair in _QUOTES for q in pair[:1]) and not text.endswith("?"):
        if text[:1] in "“\"«‘„":  # an opening quote left without its pair: unclear
            return None
    return text or None


def _gold_container(text: str) -> str | None:
    text = _clean(text)
    text = re.sub(r"^(?:(?:In|in)\s*:?\s+)+", "", text).strip(" .,;:")
    text = text.strip("\"“”«»„‘’").strip(" .,;:")
    return text or None


_VOL_LABEL = re.compile(r"^(?:vol(?:ume)?\.?|v\.|bd\.|t\.|no\.?|nr\.?|n°|issue|heft|h\.|№)\s*",
                        re.IGNORECASE)
_SIMPLE_NUMBER = re.compile(r"^(?:[A-Z]?\d+[A-Za-z]?|[IVXLCDM]+)$")
_PAGE_LABEL = re.compile(r"^(?:pages?|pp?\.?|s\.|с\.)\s*", re.IGNORECASE)
_PAGE = r"[A-Za-z]{0,2}\d+[A-Za-z]?"


def _gold_number(text: str) -> str | None:
    text = _VOL_LABEL.sub("", _clean(text).strip(" .,;:()[]"))
    return text if _SIMPLE_NUMBER.match(text) else None


def _gold_pages(text: str) -> tuple[str, str | None] | None:
    text = _PAGE_LABEL.sub("", _clean(text).strip(" .,;:()[]")).strip(" .,;:")
    match = re.fullmatch(rf"({_PAGE})(?:\s*[-‐‑‒–—―−]+\s*({_PAGE}))?", text)
    return (match.group(1), match.group(2)) if match else None


# Author lists in forms whose family names are certain (as in the development set's rules).
_INITIALS = r"(?:[A-Z][a-z]?\.\s?-?\s?)+"
_FAMILY = r"(?:(?:van|von|de|der|den|da|di|la|le|du|del|della|dos|ter|ten)\s+)*[^\W\d_][\w'’-]*"
_INITIAL_FIRST = re.compile(rf"^(?:{_INITIALS})\s*(?P<family>{_FAMILY})$")
_FAMILY_FIRST = re.compile(rf"^(?P<family>{_FAMILY}),?\s+(?:{_INITIALS}|[A-Z]{{1,3}})$")
_LOOSE_INITIALS = r"(?:[A-Z][a-z]?\.?\s?-?\s?)+"  # "R." "R" "AB" "J.-P."
_SEPARATORS = re.compile(r"\s*(?:,\s*(?:and|&|et)\s+|\s+(?:and|&|et|und)\s+|;\s*|,\s*)\s*")
_ET_AL = re.compile(r"[,;]?\s*\bet\s*al\b\.?\s*$", re.IGNORECASE)


def _gold_authors(text: str) -> tuple[list[str], bool] | None:
    """Family names of an ``I. Family, I. Family and I. Family`` or ``Family, I., Family, I.`` or
    ``Family IJ, Family K`` list; None for any other form."""
    text = _clean(text).strip(" .,;:")
    et_al = False
    match = _ET_AL.search(text)
    if match:
        et_al, text = True, text[: match.start()].strip(" ,;")
    if not text or re.search(r"[\d()\[\]]|\b(?:eds?|Jr|Sr)\b\.?", text):
        return None
    parts = [p for p in _SEPARATORS.split(text) if p]
    if all(_INITIAL_FIRST.match(p) for p in parts):
        return [_INITIAL_FIRST.match(p).group("family") for p in parts], et_al  # type: ignore[union-attr]
    if all(_FAMILY_FIRST.match(p) for p in parts) and all(" " in p for p in parts):
        return [_FAMILY_FIRST.match(p).group("family") for p in parts], et_al  # type: ignore[union-attr]
    # "Family, I., Family, I. and Family, I.": families and initials alternate
    if len(parts) % 2 == 0 and all(
        re.fullmatch(_FAMILY, parts[i]) and re.fullmatch(_LOOSE_INITIALS, parts[i + 1])
        for i in range(0, len(parts), 2)
    ):
        return [parts[i] for i in range(0, len(parts), 2)], et_al
    return None


def gold_of(bibl: ElementTree.Element, raw: str) -> dict[str, Any]:
    """The scorer's gold fields of one reference, by the development set's rules."""
    by_label: dict[str, list[str]] = {}
    has_article_title = any(
        _local(e.tag) == "title" and e.get("level") == "a" for e in bibl.iter()
    )
    for el in bibl:
        label = _label(el, has_article_title)
        if label:
            kind = (el.get("unit") or el.get("type") or "").lower()
            if label == "volume" and kind == "issue":
                label = "issue"
            by_label.setdefault(label, []).append("".join(el.itertext()))
    gold: dict[str, Any] = {}
    authors = by_label.get("author", [])
    if len(authors) == 1:
        parsed = _gold_authors(authors[0])
        if parsed:
            gold["authors"], gold["et_al"] = parsed
    dates = by_label.get("date", [])
    years = {y for y in map(_year, dates) if y}
    if not dates:
        gold["year"] = None
    elif len(years) == 1:
        gold["year"] = years.pop()
    titles = by_label.get("title", [])
    if not titles:
        gold["title"] = None
    elif len(titles) == 1 and _gold_title(titles[0]):
        gold["title"] = _gold_title(titles[0])
    containers = by_label.get("journal", []) + by_label.get("container-title", [])
    if not containers and not by_label.get("collection-title"):
        gold["container_title"] = None
    elif len(containers) == 1 and _gold_container(containers[0]):
        gold["container_title"] = _gold_container(containers[0])
    for field in ("volume", "issue"):
        values = by_label.get(field, [])
        if not values:
            gold[field] = None
        elif len(values) == 1 and _gold_number(values[0]):
            gold[field] = _gold_number(values[0])
    pages = by_label.get("pages", [])
    if not pages:
        gold["page_first"] = gold["page_last"] = None
    elif len(pages) == 1 and _gold_pages(pages[0]):
        gold["page_first"], gold["page_last"] = _gold_pages(pages[0])  # type: ignore[misc]
    dois = by_label.get("doi", [])
    if len(dois) == 1:
        match = re.search(r"10\.\d{4,9}/\S+", dois[0])
        if match:
            gold["doi"] = match.group(0).rstrip(".,;:").lower()
    elif not dois and "10." not in raw and "doi" not in raw.lower():
        gold["doi"] = None
    return gold


def _groups(path: Path, bibls: list[ElementTree.Element]) -> list[str]:
    """Group key of each reference: its document, as far as the file tells."""
    keys = []
    for i, bibl in enumerate(bibls):
        xml_id = bibl.get(XML_ID) or ""
        journal = re.match(r"_?([A-Za-z]+\d*)_\d{4}_", xml_id)
        if journal:
            keys.append(f"{path.name}#{journal.group(1)}")
        elif len(bibls) > BIG_FILE:
            keys.append(f"{path.name}#{i // BLOCK}")
        else:
            keys.append(path.name)
    return keys


def held_out(key: str) -> bool:
    return hashlib.sha1(key.encode()).digest()[0] < HELD_OUT_BELOW


def convert(corpus: Path) -> tuple[list[list[tuple[str, str]]], list[dict[str, Any]]]:
    """(training sequences, held-out gold records) of every TEI file under ``corpus``."""
    train: list[list[tuple[str, str]]] = []
    heldout: list[dict[str, Any]] = []
    for path in sorted(corpus.glob("*.xml")):
        root = ElementTree.parse(path).getroot()
        bibls = [el for el in root.iter() if _local(el.tag) == "bibl"]
        for bibl, key in zip(bibls, _groups(path, bibls), strict=True):
            spans = _spans(bibl)
            pairs = _tokens(spans)
            if not pairs:
                continue
            # as printed, spaces collapsed (the tokens split Vancouver blocks, the raw text not)
            raw = unicodedata.normalize("NFC", " ".join("".join(t for t, _ in spans).split()))
            if held_out(key):
                heldout.append({"raw": raw, "source": key, "gold": gold_of(bibl, raw)})
            else:
                train.append(pairs)
    return train, heldout


def write_dataset(sequences: list[list[tuple[str, str]]], path: Path) -> None:
    """AnyStyle's parser XML: one ``<sequence>`` per reference, one element per label run."""
    lines = ['<?xml version="1.0" encoding="UTF-8"?>', "<dataset>"]
    for pairs in sequences:
        segments: list[tuple[str, list[str]]] = []
        for token, label in pairs:
            if segments and segments[-1][0] == label:
                segments[-1][1].append(token)
            else:
                segments.append((label, [token]))
        body = "".join(f"<{lab}>{escape(' '.join(toks))}</{lab}>" for lab, toks in segments)
        lines.append(f"<sequence>{body}</sequence>")
    lines.append("</dataset>")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("source", type=Path, help="the grobid-citations directory (holds corpus/)")
    args = parser.parse_args(argv)
    train, heldout = convert(args.source / "corpus")
    write_dataset(train, TRAIN_OUT)
    HELDOUT_OUT.write_text(json.dumps(heldout, ensure_ascii=False, indent=1) + "\n", "utf-8")
    print(f"{len(train)} training sequences → {TRAIN_OUT.relative_to(ROOT)}; "
          f"{len(heldout)} held-out references → {HELDOUT_OUT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
