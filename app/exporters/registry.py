"""Format registry and content negotiation: one place that maps names and media types to renderers.

Routes call :func:`negotiate` with the request's ``Accept`` header and ``?format=`` value and get
back an exporter (plus media-type parameters such as ``style``/``locale``), so adding a format is
one module that calls :func:`register`, never a route edit.
"""

from __future__ import annotations

from collections.abc import Callable, Generator, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from app.schemas import ArticlePublic, ReferencePublic

Kind = Literal["article", "references", "reference"]
KINDS: tuple[Kind, ...] = ("article", "references", "reference")

# A renderer gets the resource, the article's references (for kind "article"; empty otherwise) and
# the negotiated media-type parameters, and returns the body.
Renderer = Callable[..., bytes]
# A streamer renders a long list piece by piece (``params=`` as for a renderer), so that a server
# can stop between pieces when the client has gone.
Streamer = Callable[..., Iterator[bytes]]


class NotAcceptable(Exception):
    """No registered format satisfies the request; carries what is available (for a 406 problem)
    and, for an unknown parameter, ``extensions`` naming what exists (styles, locales)."""

    def __init__(
        self,
        detail: str,
        available: list[dict[str, str]],
        extensions: Mapping[str, Any] | None = None,
    ) -> None:
        super().__init__(detail)
        self.detail = detail
        self.available = available
        self.extensions = dict(extensions or {})


class UnknownParameter(ValueError):
    """A media-type parameter (``style``, ``locale``) names nothing that exists; ``extensions``
    say what does, and travel into the 406 problem."""

    def __init__(self, detail: str, **extensions: Any) -> None:
        super().__init__(detail)
        self.extensions = extensions


@dataclass(frozen=True)
class Exporter:
    """One output format: ``?format=`` name, media type, file extension and renderers per kind."""

    name: str
    media_type: str
    extension: str
    renderers: Mapping[Kind, Renderer]
    aliases: tuple[str, ...] = ()
    accept_types: tuple[str, ...] = ()
    default_params: Mapping[str, str] = field(default_factory=dict)
    charset: str | None = "utf-8"
    description: str = ""
    # False: reachable by ?format= only (an HTML fragment must not answer Accept: text/html).
    negotiable: bool = True
    # Server preference when Accept ties (lower first): JSON is the default, HTML wins text/*.
    preference: int = 100
    # Negotiated parameters echoed in Content-Type (text/x-bibliography; style=apa; locale=en-US).
    type_params: tuple[str, ...] = ()
    # Rejects unsupported media-type parameters (an unknown citation style) before rendering.
    check_params: Callable[[Mapping[str, str]], None] | None = None
    # Says whether this article can be rendered at all (a Crossref deposit needs a DOI), so
    # pages and Signposting offer only formats that will work.
    renders_article: Callable[[ArticlePublic], bool] | None = None
    # Kinds this format can also render piece by piece (see ``Streamer``).
    streamers: Mapping[Kind, Streamer] = field(default_factory=dict)

    def can_render(self, article: ArticlePublic) -> bool:
        return self.renders_article is None or self.renders_article(article)

    def supports(self, kind: Kind) -> bool:
        return kind in self.renderers

    def render(
        self,
        kind: Kind,
        data: ArticlePublic | ReferencePublic | Sequence[ReferencePublic],
        *,
        references: Sequence[ReferencePublic] = (),
        params: Mapping[str, str] | None = None,
    ) -> bytes:
        """Render ``data`` of the given kind; ``references`` enrich an article's output."""
        renderer = self.renderers.get(kind)
        if renderer is None:
            raise NotAcceptable(
                f"Format {self.name!r} cannot render {kind!r}.", available_formats(kind)
            )
        merged = {**self.default_params, **(params or {})}
        if kind == "article":
            return renderer(data, references=references, params=merged)
        return renderer(data, params=merged)

    def stream(
        self,
        kind: Kind,
        data: Sequence[ReferencePublic],
        *,
        params: Mapping[str, str] | None = None,
    ) -> Generator[bytes, None, None]:
        """The body of ``render`` in pieces: the streamer's, else the whole body as one piece."""
        merged = {**self.default_params, **(params or {})}
        streamer = self.streamers.get(kind)
        if streamer is not None:
            yield from streamer(data, params=merged)
        else:
            yield self.render(kind, data, params=params)

    def content_type(self, params: Mapping[str, str] | None = None) -> str:
        """The Content-Type header value: media type, negotiated parameters and charset."""
        parts = [self.media_type]
        for key, value in (params or {}).items():
            if key in self.type_params:
                parts.append(f"{key}={value}")
        if self.charset and not self.media_type.endswith(("+json", "/json", "+xml", "/xml")):
            parts.append(f"charset={self.charset}")
        return "; ".join(parts)

    def all_media_types(self) -> tuple[str, ...]:
        return (self.media_type, *self.accept_types)


@dataclass(frozen=True)
class Negotiated:
    """The outcome of negotiation: which exporter and with which media-type parameters."""

    exporter: Exporter
    params: dict[str, str] = field(default_factory=dict)

    @property
    def content_type(self) -> str:
        return self.exporter.content_type(self.params)

    def render(
        self,
        kind: Kind,
        data: ArticlePublic | ReferencePublic | Sequence[ReferencePublic],
        *,
        references: Sequence[ReferencePublic] = (),
    ) -> bytes:
        return self.exporter.render(kind, data, references=references, params=self.params)

    def stream(
        self, kind: Kind, data: Sequence[ReferencePublic]
    ) -> Generator[bytes, None, None]:
        return self.exporter.stream(kind, data, params=self.params)


_REGISTRY: dict[str, Exporter] = {}
DEFAULT_FORMAT = "json"


def register(exporter: Exporter) -> Exporter:
    """Add a format (see ``Exporter.preference`` for how ties between formats are broken)."""
    if exporter.name in _REGISTRY:
        raise ValueError(f"format {exporter.name!r} registered twice")
    _REGISTRY[exporter.name] = exporter
    return exporter


def exporters(kind: Kind | None = None) -> list[Exporter]:
    """Registered exporters in preference order, optionally only those that render ``kind``."""
    found = [e for e in _REGISTRY.values() if kind is None or e.supports(kind)]
    return sorted(found, key=lambda e: e.preference)


def available_formats(kind: Kind | None = None) -> list[dict[str, str]]:
    """What a 406 problem lists: name and media type of every format for ``kind``."""
    return [{"format": e.name, "media_type": e.media_type} for e in exporters(kind)]


def get_exporter(name: str, kind: Kind | None = None) -> Exporter:
    """Look a format up by ``?format=`` name or alias (case-insensitive)."""
    wanted = name.strip().lower()
    for exporter in exporters(kind):
        if wanted == exporter.name or wanted in exporter.aliases:
            return exporter
    raise NotAcceptable(
        f"Unknown format {name!r}" + (f" for {kind}" if kind else "") + ".",
        available_formats(kind),
    )


@dataclass(frozen=True)
class MediaRange:
    """One element of an Accept header."""

    type: str
    subtype: str
    params: dict[str, str]
    q: float

    @property
    def specificity(self) -> int:
        if self.type == "*":
            return 0
        if self.subtype == "*":
            return 1
        return 2

    def matches(self, media_type: str) -> bool:
        type_, _, subtype = media_type.partition("/")
        return (self.type in ("*", type_)) and (self.subtype in ("*", subtype))


def _split_outside_quotes(text: str, sep: str) -> list[str]:
    parts: list[str] = []
    current: list[str] = []
    quoted = False
    for char in text:
        if char == '"':
            quoted = not quoted
        if char == sep and not quoted:
            parts.append("".join(current))
            current = []
        else:
            current.append(char)
    parts.append("".join(current))
    return parts


def parse_accept(accept: str) -> list[MediaRange]:
    """Parse an Accept header (RFC 9110 §12.5.1); malformed elements are skipped, not fatal."""
    ranges: list[MediaRange] = []
    for element in _split_outside_quotes(accept, ","):
        pieces = _split_outside_quotes(element, ";")
        media = pieces[0].strip().lower()
        type_, slash, subtype = media.partition("/")
        if not slash or not type_ or not subtype or (type_ == "*" and subtype != "*"):
            continue
        params: dict[str, str] = {}
        q = 1.0
        for piece in pieces[1:]:
            key, eq, value = piece.strip().partition("=")
            if not eq:
                continue
            key = key.strip().lower()
            value = value.strip().strip('"')
            if key == "q":
                try:
                    q = min(max(float(value), 0.0), 1.0)
                except ValueError:
                    q = 0.0
                continue
            params[key] = value
        ranges.append(MediaRange(type_, subtype, params, q))
    return ranges


# Parameters a media range may carry to the renderer (as doi.org: text/x-bibliography; style=apa),
# with the longest value each may have: the same caps as ?style= and ?locale= (an uncapped style
# became a file name too long for the style lookup, a 500).
_RENDER_PARAMS = {"style": 80, "locale": 20}


def negotiate(
    accept: str | None,
    format: str | None,
    kind: Kind,
    *,
    style: str | None = None,
    locale: str | None = None,
) -> Negotiated:
    """Choose the exporter for a request: ``?format=`` wins, else the best Accept match, else JSON.

    For each exporter the most specific matching media range gives its q (``application/json;q=0``
    excludes JSON even under ``*/*``); the highest q wins, then the more specific range, then the
    exporter's ``preference``. Raises :class:`NotAcceptable` listing the formats for ``kind``.
    """
    explicit = {k: v for k, v in (("style", style), ("locale", locale)) if v}
    if format:
        exporter = get_exporter(format, kind)
        return _checked(exporter, {**exporter.default_params, **explicit}, kind)

    candidates = exporters(kind)
    if not candidates:
        raise NotAcceptable(f"No format can render {kind}.", [])
    ranges = parse_accept(accept) if accept and accept.strip() else []
    if not ranges:
        default = next((e for e in candidates if e.name == DEFAULT_FORMAT), candidates[0])
        return _checked(default, {**default.default_params, **explicit}, kind)

    best: tuple[float, int, int, int] | None = None
    chosen: tuple[Exporter, MediaRange] | None = None
    for order, exporter in enumerate(candidates):
        if not exporter.negotiable:
            continue
        match: MediaRange | None = None
        for media_type in exporter.all_media_types():
            for media_range in ranges:
                if media_range.matches(media_type) and (
                    match is None or media_range.specificity > match.specificity
                ):
                    match = media_range
        if match is None or match.q <= 0:
            continue
        score = (match.q, match.specificity, -exporter.preference, -order)
        if best is None or score > best:
            best, chosen = score, (exporter, match)
    if chosen is None:
        raise NotAcceptable(
            f"None of the media types in Accept: {accept} is available for {kind}.",
            available_formats(kind),
        )
    exporter, media_range = chosen
    params = dict(exporter.default_params)
    if media_range.specificity == 2:
        for key, value in media_range.params.items():
            if key not in _RENDER_PARAMS:
                continue
            if len(value) > _RENDER_PARAMS[key]:
                raise NotAcceptable(
                    f"The {key} parameter in Accept is longer than {_RENDER_PARAMS[key]} "
                    "characters.",
                    available_formats(kind),
                )
            params[key] = value
    params.update(explicit)
    return _checked(exporter, params, kind)


def _checked(exporter: Exporter, params: dict[str, str], kind: Kind) -> Negotiated:
    """Validate parameters now, so a bad ``style`` is a 406 before any rendering starts."""
    if exporter.check_params is not None:
        try:
            exporter.check_params(params)
        except ValueError as exc:
            extensions = exc.extensions if isinstance(exc, UnknownParameter) else None
            raise NotAcceptable(str(exc), available_formats(kind), extensions) from exc
    return Negotiated(exporter, params)


def renderer_params(params: Mapping[str, Any] | None, key: str, default: str) -> str:
    """Read one media-type parameter with a default (renderers share this)."""
    value = (params or {}).get(key)
    return str(value) if value else default
