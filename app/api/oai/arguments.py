"""OAI-PMH request arguments: the verb and its arguments checked against the protocol, dates,
sets, identifiers and resumption tokens read, each failure an :class:`OaiError` (answered as
``<error code=...>`` with HTTP 200, as the protocol defines).

Apart from the responses (:mod:`app.api.oai.harvest`), because reading a request is the protocol's
rules only: no database and no XML.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from app.api.deps import cursor_codec
from app.errors import ProblemError
from app.exporters.xml_building import xml_safe
from app.services.oai import RecordQuery, SetFilter

METADATA_PREFIX = "oai_dc"

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


def record_query(arguments: dict[str, str]) -> RecordQuery:
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


def oai_identifier(host: str, article_id: int) -> str:
    return f"oai:{host}:article/{article_id}"


def article_id_of(identifier: str, host: str) -> int:
    match = _IDENTIFIER.match(identifier)
    if match is None or match.group("host") != host:
        raise OaiError("idDoesNotExist", f"No record with identifier {identifier!r}.")
    return int(match.group("id"))


def checked_prefix(arguments: dict[str, str]) -> None:
    if not _PREFIX.match(arguments["metadataPrefix"]):
        raise OaiError("badArgument", "'metadataPrefix' is not a metadata prefix.")
    if arguments["metadataPrefix"] != METADATA_PREFIX:
        raise OaiError(
            "cannotDisseminateFormat",
            f"Metadata format {arguments['metadataPrefix']!r} is not supported; use oai_dc.",
        )


class ResumptionToken:
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


def checked_arguments(verb: str, arguments: dict[str, str]) -> None:
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


def verb_and_arguments(items: Sequence[tuple[str, str]]) -> tuple[str, dict[str, str]]:
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

