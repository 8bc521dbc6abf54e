"""schema.org JSON-LD (``application/ld+json``): what search engines and scholarly crawlers
read. Localized text is a list of ``{"@language", "@value"}`` objects so no language is lost."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from app.exporters import article_fields as af
from app.exporters.csl_json import reference_to_csl
from app.exporters.registry import Exporter, register
from app.schemas import ArticlePublic, ReferencePublic

MEDIA_TYPE = "application/ld+json"


def _localized(values: Mapping[str, str]) -> list[dict[str, str]]:
    return [{"@language": lang, "@value": text} for lang, text in values.items() if text]


def _doi_identifier(doi: str) -> dict[str, str]:
    return {"@type": "PropertyValue", "propertyID": "DOI", "value": doi}


def _csl_person(name: Mapping[str, Any]) -> dict[str, Any]:
    person: dict[str, Any] = {"@type": "Person"}
    if name.get("family"):
        person["familyName"] = name["family"]
    if name.get("given"):
        person["givenName"] = name["given"]
    person["name"] = " ".join(
        str(p) for p in (name.get("given"), name.get("family")) if p
    ) or str(name.get("literal") or "")
    return person


def reference_to_creative_work(reference: ReferencePublic) -> dict[str, Any]:
    """One cited work: structured fields when the parser found them, the printed text always."""
    item = reference_to_csl(reference)
    work: dict[str, Any] = {"@type": "CreativeWork", "position": reference.position}
    if item.get("title"):
        work["name"] = item["title"]
    if item.get("author"):
        work["author"] = [_csl_person(n) for n in item["author"]]
    issued = item.get("issued") or {}
    parts = issued.get("date-parts") if isinstance(issued, Mapping) else None
    if parts and parts[0]:
        work["datePublished"] = "-".join(f"{int(p):02d}" if i else str(p)
                                         for i, p in enumerate(parts[0]))
    if item.get("container-title"):
        work["isPartOf"] = {"@type": "Periodical" if item.get("type") == "article-journal"
                            else "CreativeWork", "name": item["container-title"]}
    if item.get("publisher"):
        work["publisher"] = {"@type": "Organization", "name": item["publisher"]}
    if item.get("language"):
        work["inLanguage"] = item["language"]
    doi = item.get("DOI")
    if doi:
        work["identifier"] = _doi_identifier(str(doi))
        work["sameAs"] = af.doi_url(str(doi))
    elif item.get("URL"):
        work["url"] = item["URL"]
    work["description"] = reference.raw
    return work


def _is_part_of(article: ArticlePublic) -> dict[str, Any]:
    """Issue → volume → periodical, skipping levels the page did not state."""
    journal = article.journal
    periodical: dict[str, Any] = {"@type": "Periodical"}
    names = _localized(journal.title)
    if names:
        periodical["name"] = names
    issn = [value for _, value in af.issns(journal)]
    if issn:
        periodical["issn"] = issn
    if journal.publisher:
        periodical["publisher"] = {"@type": "Organization", "name": journal.publisher}
    if journal.base_url:
        periodical["url"] = journal.base_url
    node = periodical
    issue = article.issue
    if issue and issue.volume:
        node = {"@type": "PublicationVolume", "volumeNumber": issue.volume, "isPartOf": node}
    if issue and issue.number:
        node = {"@type": "PublicationIssue", "issueNumber": issue.number, "isPartOf": node}
        if issue.year:
            node["datePublished"] = str(issue.year)
    return node


def article_to_jsonld(
    article: ArticlePublic, references: Sequence[ReferencePublic] = ()
) -> dict[str, Any]:
    """The ScholarlyArticle node, with the reference list as ``citation``."""
    doc: dict[str, Any] = {"@context": "https://schema.org", "@type": "ScholarlyArticle"}
    doi_url = af.doi_url(article.doi)
    if doi_url or article.source_url:
        doc["@id"] = doi_url or article.source_url
    if article.doi:
        doc["identifier"] = _doi_identifier(article.doi)
        doc["sameAs"] = doi_url
    if article.source_url:
        doc["url"] = article.source_url
    doc["name"] = _localized(article.title)
    lang, title = af.main_title(article)
    if title:
        doc["headline"] = {"@language": lang, "@value": title}
    if article.abstract:
        doc["abstract"] = _localized(article.abstract)
    authors = []
    for author in sorted(article.authors, key=lambda a: a.position):
        person: dict[str, Any] = {"@type": "Person", "name": af.display_name(author)}
        if author.family:
            person["familyName"] = author.family
        if author.given:
            person["givenName"] = author.given
        if author.orcid:
            person["identifier"] = af.orcid_url(author.orcid)
            person["sameAs"] = af.orcid_url(author.orcid)
        if author.affiliation:
            person["affiliation"] = {"@type": "Organization", "name": author.affiliation}
        authors.append(person)
    if authors:
        doc["author"] = authors
    if article.language:
        doc["inLanguage"] = article.language
    keywords = [
        {"@language": kw_lang, "@value": word}
        for kw_lang, words in article.keywords.items()
        for word in words
    ]
    if keywords:
        doc["keywords"] = keywords
    if article.published:
        doc["datePublished"] = article.published.isoformat()
    elif (year := af.year(article)) is not None:
        doc["datePublished"] = str(year)
    doc["dateModified"] = article.updated_at.isoformat()
    first, last = af.split_pages(article.pages)
    if first:
        doc["pageStart"] = first
    if last:
        doc["pageEnd"] = last
    if article.pages:
        doc["pagination"] = f"{first}-{last}" if last else first
    doc["isPartOf"] = _is_part_of(article)
    encodings = [
        {
            "@type": "MediaObject",
            "contentUrl": g.url,
            "encodingFormat": "application/pdf" if "pdf" in g.label.lower() else g.label,
            **({"inLanguage": g.locale} if g.locale else {}),
        }
        for g in article.galleys
        if g.url
    ]
    if encodings:
        doc["encoding"] = encodings
    if references:
        ordered = sorted(references, key=lambda r: r.position)
        doc["citation"] = [reference_to_creative_work(r) for r in ordered]
    return doc


def render_article(
    article: ArticlePublic,
    *,
    references: Sequence[ReferencePublic] = (),
    params: Mapping[str, str] | None = None,
) -> bytes:
    doc = article_to_jsonld(article, references)
    return json.dumps(doc, ensure_ascii=False, indent=2).encode("utf-8")


EXPORTER = register(
    Exporter(
        name="jsonld",
        media_type=MEDIA_TYPE,
        extension="jsonld",
        aliases=("json-ld", "schema.org", "schemaorg"),
        accept_types=("application/vnd.schemaorg.ld+json",),
        preference=30,
        renderers={"article": render_article},
        description="schema.org ScholarlyArticle as JSON-LD",
    )
)
