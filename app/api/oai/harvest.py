"""OAI-PMH responses: each verb answered from the OAI service as the protocol's XML envelope,
with ``oai_dc`` records, headers (deleted ones included) and resumption tokens.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from lxml import etree
from sqlmodel import Session

from app.api.oai.arguments import (
    METADATA_PREFIX,
    OaiError,
    ResumptionToken,
    article_id_of,
    checked_arguments,
    checked_prefix,
    oai_identifier,
    record_query,
    verb_and_arguments,
)
from app.config import get_settings
from app.exporters.oai_dc import OAI_DC_NS, article_to_oai_dc
from app.public_urls import public_host
from app.schemas import ArticlePublic
from app.services import oai as oai_service
from app.services.oai import RecordHeader, RecordPage

OAI_NS = "http://www.openarchives.org/OAI/2.0/"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"
OAI_SCHEMA = "http://www.openarchives.org/OAI/2.0/OAI-PMH.xsd"
OAI_DC_SCHEMA = "http://www.openarchives.org/OAI/2.0/oai_dc.xsd"
# Shown as adminEmail when the deployment sets no DEPOSITOR_EMAIL: a reserved, undeliverable
# domain (RFC 2606), valid for the schema, that tells operators what to configure.
PLACEHOLDER_ADMIN_EMAIL = "oai-admin@example.invalid"
DEFAULT_REPOSITORY_NAME = "Journal Metadata API"
GRANULARITY = "YYYY-MM-DDThh:mm:ssZ"


def _datestamp(moment: datetime) -> str:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _e(parent: etree._Element, name: str, text: str | None = None, **attrib: str) -> Any:
    element = etree.SubElement(parent, f"{{{OAI_NS}}}{name}", attrib)
    if text is not None:
        element.text = text
    return element


def _envelope(base_url: str, verb: str | None, arguments: dict[str, str]) -> etree._Element:
    root = etree.Element(
        f"{{{OAI_NS}}}OAI-PMH",
        {f"{{{XSI_NS}}}schemaLocation": f"{OAI_NS} {OAI_SCHEMA}"},
        nsmap={None: OAI_NS, "xsi": XSI_NS},
    )
    _e(root, "responseDate", _datestamp(datetime.now(UTC)))
    attributes = {"verb": verb, **arguments} if verb else {}
    _e(root, "request", base_url, **attributes)
    return root


def _header(
    parent: etree._Element,
    host: str,
    article_id: int,
    updated_at: datetime,
    specs: Sequence[str],
    *,
    deleted: bool = False,
) -> None:
    header = _e(parent, "header", **({"status": "deleted"} if deleted else {}))
    _e(header, "identifier", oai_identifier(host, article_id))
    _e(header, "datestamp", _datestamp(updated_at))
    for spec in specs:
        _e(header, "setSpec", spec)


def _article_header(parent: etree._Element, host: str, article: ArticlePublic) -> None:
    issue_id = article.issue.id if article.issue else None
    specs = oai_service.set_specs(article.journal.id, issue_id)
    _header(parent, host, article.id, article.updated_at, specs)


def _record(parent: etree._Element, host: str, article: ArticlePublic) -> None:
    record = _e(parent, "record")
    _article_header(record, host, article)
    _e(record, "metadata").append(article_to_oai_dc(article))


def _header_of(parent: etree._Element, host: str, h: RecordHeader) -> None:
    specs = oai_service.set_specs(h.journal_id, h.issue_id) if h.journal_id else []
    _header(parent, host, h.article_id, h.updated_at, specs, deleted=h.deleted)


def _deleted_record(parent: etree._Element, host: str, h: RecordHeader) -> None:
    """A deleted record: its header says so, and it has no metadata."""
    _header_of(_e(parent, "record"), host, h)


def _resumption(
    parent: etree._Element,
    verb: str,
    page: RecordPage,
    returned: int,
    resumed: bool,
    arguments: dict[str, str],
) -> None:
    """A token while more remain; an empty element closes a list that was resumed."""
    if page.next_after is None and not resumed:
        return
    attributes = {"cursor": str(returned)}
    if page.complete_size is not None:
        attributes["completeListSize"] = str(page.complete_size)
    token = None
    if page.next_after is not None:
        position = returned + len(page.headers)
        token = ResumptionToken.encode(verb, page.next_after, position, arguments)
    _e(parent, "resumptionToken", token, **attributes)


# ------------------------------------------------------------------------------ verbs


class Harvest:
    """One request's answer: :meth:`respond` checks the arguments and runs the verb."""

    def __init__(self, session: Session, base_url: str) -> None:
        self.session = session
        self.host = public_host()
        self.base_url = base_url

    def identify(self, body: etree._Element) -> None:
        facts = oai_service.repository_facts(session=self.session)
        settings = get_settings()
        name = (
            getattr(settings, "repository_name", None)
            or oai_service.repository_name(facts)
            or DEFAULT_REPOSITORY_NAME
        )
        _e(body, "repositoryName", name)
        _e(body, "baseURL", self.base_url)
        _e(body, "protocolVersion", "2.0")
        _e(body, "adminEmail", settings.depositor_email or PLACEHOLDER_ADMIN_EMAIL)
        _e(body, "earliestDatestamp", _datestamp(facts.earliest or datetime.now(UTC)))
        # Deleted articles leave tombstones that are never purged.
        _e(body, "deletedRecord", "persistent")
        _e(body, "granularity", GRANULARITY)

    def list_metadata_formats(self, body: etree._Element, arguments: dict[str, str]) -> None:
        if "identifier" in arguments:
            article_id = article_id_of(arguments["identifier"], self.host)
            if not oai_service.record_exists(session=self.session, article_id=article_id):
                raise OaiError("idDoesNotExist", f"No record {arguments['identifier']!r}.")
        form = _e(body, "metadataFormat")
        _e(form, "metadataPrefix", METADATA_PREFIX)
        _e(form, "schema", OAI_DC_SCHEMA)
        _e(form, "metadataNamespace", OAI_DC_NS)

    def list_sets(self, body: etree._Element, arguments: dict[str, str]) -> None:
        if "resumptionToken" in arguments:
            # Sets come in one response, so no token of ours can be valid here.
            raise OaiError("badResumptionToken", "ListSets issues no resumption tokens.")
        found_sets = oai_service.list_sets(session=self.session)
        if not found_sets:
            # No journal yet: an empty <ListSets> is not schema-valid; the protocol's answer for
            # a repository without sets is noSetHierarchy.
            raise OaiError("noSetHierarchy", "The repository holds no journal yet, so no sets.")
        for found in found_sets:
            item = _e(body, "set")
            _e(item, "setSpec", found.spec)
            _e(item, "setName", found.name)

    def get_record(self, body: etree._Element, arguments: dict[str, str]) -> None:
        article_id = article_id_of(arguments["identifier"], self.host)
        checked_prefix(arguments)
        article = oai_service.get_record(session=self.session, article_id=article_id)
        if article is not None:
            _record(body, self.host, article)
            return
        deleted = oai_service.deleted_header(session=self.session, article_id=article_id)
        if deleted is None:
            raise OaiError("idDoesNotExist", f"No record {arguments['identifier']!r}.")
        _deleted_record(body, self.host, deleted)

    def list(self, verb: str, body: etree._Element, arguments: dict[str, str]) -> None:
        after, returned, resumed = None, 0, "resumptionToken" in arguments
        if resumed:
            after, returned, arguments = ResumptionToken.decode(verb, arguments["resumptionToken"])
        query = record_query(arguments)
        checked_prefix(arguments)
        with_articles = verb == "ListRecords"
        page = oai_service.list_records(
            session=self.session,
            query=query,
            after=after,
            with_articles=with_articles,
            deleted=True,
        )
        if not page.headers:
            if resumed:
                raise OaiError("badResumptionToken", "The list changed; harvest it again.")
            raise OaiError("noRecordsMatch", "No record matches these arguments.")
        if with_articles:
            articles = {article.id: article for article in page.articles}
            for h in page.headers:
                article = articles.get(h.article_id)
                if article is None:
                    # Deleted (a tombstone, or between the page's two statements).
                    _deleted_record(body, self.host, dataclasses.replace(h, deleted=True))
                else:
                    _record(body, self.host, article)
        else:
            for h in page.headers:
                _header_of(body, self.host, h)
        _resumption(body, verb, page, returned, resumed, arguments)

    def respond(self, items: Sequence[tuple[str, str]]) -> bytes:
        verb: str | None = None
        arguments: dict[str, str] = {}
        try:
            verb, arguments = verb_and_arguments(items)
            checked_arguments(verb, arguments)
            root = _envelope(self.base_url, verb, arguments)
            body = _e(root, verb)
            if verb == "Identify":
                self.identify(body)
            elif verb == "ListMetadataFormats":
                self.list_metadata_formats(body, arguments)
            elif verb == "ListSets":
                self.list_sets(body, arguments)
            elif verb == "GetRecord":
                self.get_record(body, arguments)
            else:
                self.list(verb, body, arguments)
        except OaiError as error:
            # badVerb/badArgument echo only the base URL (the request itself was not valid).
            echoed = error.code not in {"badVerb", "badArgument"}
            root = _envelope(self.base_url, verb if echoed else None, arguments if echoed else {})
            _e(root, "error", error.message, code=error.code)
        return etree.tostring(root, xml_declaration=True, encoding="UTF-8")
