"""OAI-PMH 2.0 at ``/oai`` (GET query or POST form): parse the verb and arguments, call the
service, render the XML. Protocol errors are ``<error code=...>`` answers with HTTP 200, as the
protocol defines them; only the transport (a body that is not a form) is an HTTP error.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qsl

from fastapi import APIRouter, Request, Response
from lxml import etree
from sqlmodel import Session
from starlette.concurrency import run_in_threadpool

from app.api.deps import SessionDep, cursor_codec
from app.api.query_parameters import ANY_QUERY_PARAMETER
from app.config import get_settings
from app.errors import PROBLEM_MEDIA_TYPE, ProblemError
from app.exporters.oai_dc import OAI_DC_NS, article_to_oai_dc
from app.exporters.xml_building import xml_safe
from app.public_urls import absolute_url, public_host
from app.schemas import ArticlePublic
from app.services import oai as oai_service
from app.services.oai import RecordHeader, RecordPage, RecordQuery, SetFilter

router = APIRouter(tags=["oai-pmh"])

OAI_NS = "http://www.openarchives.org/OAI/2.0/"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"
OAI_SCHEMA = "http://www.openarchives.org/OAI/2.0/OAI-PMH.xsd"
OAI_DC_SCHEMA = "http://www.openarchives.org/OAI/2.0/oai_dc.xsd"
MEDIA_TYPE = "text/xml; charset=utf-8"
METADATA_PREFIX = "oai_dc"
# Shown as adminEmail when the deployment sets no DEPOSITOR_EMAIL: a reserved, undeliverable
# domain (RFC 2606), valid for the schema, that tells operators what to configure.
PLACEHOLDER_ADMIN_EMAIL = "oai-admin@example.invalid"
DEFAULT_REPOSITORY_NAME = "Journal Metadata API"
GRANULARITY = "YYYY-MM-DDThh:mm:ssZ"

ARGUMENTS: dict[str, tuple[set[str], set[str]]] = {
    # verb: (required, optional); resumptionToken is exclusive where it is allowed.
    "Identify": (set(), set()),
    "ListMetadataFormats": (set(), {"identifier"}),
    "ListSets": (set(), {"resumptionToken"}),
    "GetRecord": ({"identifier", "metadataPrefix"}, set()),
    "ListIdentifiers": ({"metadataPrefix"}, {"from", "until", "set", "resumptionToken"}),
    "ListRecords": ({"metadataPrefix"}, {"from", "until", "set", "resumptionToken"}),
}
_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_SECONDS = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")
_SET_SPEC = re.compile(r"^journal:(\d{1,10})(?::issue:(\d{1,10}))?$")
_PREFIX = re.compile(r"^[A-Za-z0-9\-_.!~*'()]+$")
_IDENTIFIER = re.compile(r"^oai:(?P<host>[^:]+):article/(?P<id>\d{1,10})$")


class OaiError(Exception):
    """A protocol error: answered as ``<error code=...>`` with HTTP 200."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def _datestamp(moment: datetime) -> str:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _parse_date(name: str, value: str) -> tuple[datetime, timedelta]:
    """A ``from``/``until`` value and its granularity (one day or one second)."""
    try:
        if _DAY.match(value):
            return datetime.strptime(value, "%Y-%m-%d").replace(tzinfo=UTC), timedelta(days=1)
        if _SECONDS.match(value):
            moment = datetime.strptime(value, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
            return moment, timedelta(seconds=1)
    except ValueError:
        pass
    raise OaiError("badArgument", f"'{name}' must be YYYY-MM-DD or YYYY-MM-DDThh:mm:ssZ (UTC).")


def _record_query(arguments: dict[str, str]) -> RecordQuery:
    since = until = None
    if "from" in arguments:
        since = _parse_date("from", arguments["from"])
    if "until" in arguments:
        until = _parse_date("until", arguments["until"])
    if since and until:
        if since[1] != until[1]:
            raise OaiError("badArgument", "'from' and 'until' must have the same granularity.")
        if since[0] > until[0]:
            raise OaiError("badArgument", "'from' is later than 'until'.")
    before = None
    if until is not None:
        # 'until' is inclusive: the whole day, or the whole second (datestamps drop fractions).
        try:
            before = until[0] + until[1]
        except OverflowError:
            before = None
    set_filter = None
    if "set" in arguments:
        match = _SET_SPEC.match(arguments["set"])
        if match is None:
            raise OaiError(
                "badArgument",
                "'set' must be journal:<id> or journal:<id>:issue:<id> (see ListSets).",
            )
        issue = match.group(2)
        set_filter = SetFilter(int(match.group(1)), int(issue) if issue else None)
    return RecordQuery(since=since[0] if since else None, before=before, set_filter=set_filter)


def _identifier(host: str, article_id: int) -> str:
    return f"oai:{host}:article/{article_id}"


def _article_id(identifier: str, host: str) -> int:
    match = _IDENTIFIER.match(identifier)
    if match is None or match.group("host") != host:
        raise OaiError("idDoesNotExist", f"No record with identifier {identifier!r}.")
    return int(match.group("id"))


def _checked_prefix(arguments: dict[str, str]) -> None:
    if not _PREFIX.match(arguments["metadataPrefix"]):
        raise OaiError("badArgument", "'metadataPrefix' is not a metadata prefix.")
    if arguments["metadataPrefix"] != METADATA_PREFIX:
        raise OaiError(
            "cannotDisseminateFormat",
            f"Metadata format {arguments['metadataPrefix']!r} is not supported; use oai_dc.",
        )


class _Token:
    """Resumption tokens: signed keysets (``app.pagination.CursorCodec``) carrying the position
    and the list's arguments, bound to the verb: a token cannot be altered or reused elsewhere."""

    @staticmethod
    def encode(verb: str, after: int, returned: int, arguments: dict[str, str]) -> str:
        key = [
            after,
            returned,
            *(arguments.get(n, "") for n in ("metadataPrefix", "from", "until", "set")),
        ]
        return cursor_codec().encode(key, f"oai:{verb}")

    @staticmethod
    def decode(verb: str, token: str) -> tuple[int, int, dict[str, str]]:
        try:
            key = cursor_codec().decode(token, f"oai:{verb}")
        except ProblemError:
            raise OaiError("badResumptionToken", "The resumption token is invalid.") from None
        if (
            len(key) != 6
            or not all(isinstance(k, int) and not isinstance(k, bool) for k in key[:2])
            or not all(isinstance(k, str) for k in key[2:])
        ):
            raise OaiError("badResumptionToken", "The resumption token is invalid.")
        names = ("metadataPrefix", "from", "until", "set")
        arguments = {n: v for n, v in zip(names, key[2:], strict=True) if v}
        return key[0], key[1], arguments


def _checked_arguments(verb: str, arguments: dict[str, str]) -> None:
    required, optional = ARGUMENTS[verb]
    illegal = sorted(set(arguments) - required - optional)
    if illegal:
        raise OaiError("badArgument", f"Illegal argument(s) for {verb}: {', '.join(illegal)}.")
    if "resumptionToken" in arguments:
        if len(arguments) > 1:
            raise OaiError("badArgument", "resumptionToken is an exclusive argument.")
        return
    missing = sorted(required - set(arguments))
    if missing:
        raise OaiError("badArgument", f"Missing argument(s) for {verb}: {', '.join(missing)}.")


def _verb_and_arguments(items: Sequence[tuple[str, str]]) -> tuple[str, dict[str, str]]:
    if any(xml_safe(name) != name or xml_safe(value) != value for name, value in items):
        # Echoed into the response's <request> element, which XML cannot hold.
        raise OaiError("badArgument", "Arguments must not contain control characters.")
    verbs = [value for name, value in items if name == "verb"]
    if len(verbs) != 1:
        raise OaiError("badVerb", "The verb argument is missing or repeated.")
    verb = verbs[0]
    if verb not in ARGUMENTS:
        raise OaiError("badVerb", f"Illegal OAI verb: {verb!r}.")
    arguments: dict[str, str] = {}
    for name, value in items:
        if name == "verb":
            continue
        if name in arguments:
            raise OaiError("badArgument", f"The argument {name!r} is repeated.")
        arguments[name] = value
    return verb, arguments


# ----------------------------------------------------------------------------- rendering


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
    _e(header, "identifier", _identifier(host, article_id))
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
        token = _Token.encode(verb, page.next_after, returned + len(page.headers), arguments)
    _e(parent, "resumptionToken", token, **attributes)


# ------------------------------------------------------------------------------ verbs


class _Harvest:
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
            article_id = _article_id(arguments["identifier"], self.host)
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
        article_id = _article_id(arguments["identifier"], self.host)
        _checked_prefix(arguments)
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
            after, returned, arguments = _Token.decode(verb, arguments["resumptionToken"])
        query = _record_query(arguments)
        _checked_prefix(arguments)
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
            verb, arguments = _verb_and_arguments(items)
            _checked_arguments(verb, arguments)
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


def _base_url() -> str:
    return absolute_url("/oai")


async def _arguments(request: Request) -> list[tuple[str, str]]:
    if request.method == "GET":
        return list(request.query_params.multi_items())
    content_type = request.headers.get("content-type", "")
    if not content_type.startswith("application/x-www-form-urlencoded"):
        raise ProblemError(
            415,
            "OAI-PMH POST requests carry application/x-www-form-urlencoded arguments.",
            title="Unsupported Media Type",
        )
    # Parsed here, as the query string is: no multipart parser needed for a urlencoded form.
    body = (await request.body()).decode("utf-8", errors="replace")
    return parse_qsl(body, keep_blank_values=True)


_ARGUMENT_DOCS: dict[str, tuple[str, str]] = {
    "verb": (
        "Identify, ListMetadataFormats, ListSets, GetRecord, ListIdentifiers or ListRecords.",
        "ListRecords",
    ),
    "identifier": (
        "A record identifier, oai:<host>:article/<id> (host: PUBLIC_BASE_URL's).",
        "oai:example.org:article/1",
    ),
    "metadataPrefix": ("The metadata format: oai_dc.", "oai_dc"),
    "from": ("Lower bound of datestamps, YYYY-MM-DD or YYYY-MM-DDThh:mm:ssZ (UTC).", "2021-01-01"),
    "until": ("Upper bound of datestamps, inclusive, same granularity as from.", "2021-12-31"),
    "set": ("journal:<id>, or journal:<id>:issue:<id> (see ListSets).", "journal:1"),
    "resumptionToken": ("Token from the previous page of a list; exclusive.", "eyJ...signature"),
}
_QUERY_PARAMETERS = [
    {
        "name": name,
        "in": "query",
        "required": False,
        "description": doc,
        "schema": {"type": "string"},
        "example": example,
    }
    for name, (doc, example) in _ARGUMENT_DOCS.items()
]
_FORM_BODY = {
    "required": True,
    "content": {
        "application/x-www-form-urlencoded": {
            "schema": {
                "type": "object",
                "properties": {
                    name: {"type": "string", "description": doc}
                    for name, (doc, _example) in _ARGUMENT_DOCS.items()
                },
            },
            "example": {
                "verb": "GetRecord",
                "identifier": "oai:example.org:article/1",
                "metadataPrefix": "oai_dc",
            },
        }
    },
}
_XML_RESPONSE: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "An OAI-PMH response; protocol errors are <error code=...> elements "
        "inside it, with HTTP 200, as the protocol defines.",
        "content": {
            "text/xml": {
                "schema": {"type": "string"},
                "example": '<OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/">...</OAI-PMH>',
            }
        },
    },
    # A NUL anywhere in the URL is refused before any route (app/api/guards.py).
    422: {
        "description": "The URL holds a NUL character (%00).",
        "content": {PROBLEM_MEDIA_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}},
    },
}
_NOT_A_FORM: dict[int | str, dict[str, Any]] = {
    415: {
        "description": "The body is not application/x-www-form-urlencoded.",
        "content": {PROBLEM_MEDIA_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}},
    }
}


async def _respond(request: Request, session: Session) -> Response:
    items = await _arguments(request)
    harvest = _Harvest(session, _base_url())
    # The queries are synchronous: run them off the event loop, like a sync route.
    body = await run_in_threadpool(harvest.respond, items)
    return Response(body, media_type=MEDIA_TYPE)


@router.get(
    "/oai",
    summary="OAI-PMH 2.0 repository (oai_dc)",
    response_class=Response,
    responses=_XML_RESPONSE,
    # The protocol answers illegal arguments itself (badArgument), not with a 400 problem.
    openapi_extra={"parameters": _QUERY_PARAMETERS, ANY_QUERY_PARAMETER: True},
)
async def oai_pmh(request: Request, session: SessionDep) -> Response:
    """Harvest article metadata with OAI-PMH 2.0: every verb, `oai_dc` records, sets per
    journal and issue, and resumption tokens (100 records a page)."""
    return await _respond(request, session)


@router.post(
    "/oai",
    summary="OAI-PMH 2.0 repository, arguments in a form body",
    response_class=Response,
    responses={**_XML_RESPONSE, **_NOT_A_FORM},
    openapi_extra={"requestBody": _FORM_BODY},
)
async def oai_pmh_form(request: Request, session: SessionDep) -> Response:
    """The same protocol with the arguments in an `application/x-www-form-urlencoded` body,
    for requests too long for a URL."""
    return await _respond(request, session)
