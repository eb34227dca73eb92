"""gzip for every text answer (HTML, CSS, JS, JSON, RDF, SPARQL results), as WSGI layers.

Two layers around the response cache (`web.response_cache`), so a compressed answer is
compressed once and then served from memory:

- `AcceptEncoding` (outside the cache) reduces the request's `Accept-Encoding` to what
  this server distinguishes: `gzip` or nothing. The cache keys an answer by the headers
  its `Vary` names; with the header reduced, every browser shares one stored gzip answer
  instead of one per way of spelling `Accept-Encoding`.
- `Compressor` (inside the cache, right around Flask) gzips an answer whose media type
  is text (`COMPRESSIBLE`) when the client accepts gzip, and adds
  `Vary: Accept-Encoding` to every such answer, compressed or not.

A compressed answer is its own representation (RFC 9110, 8.8.3): its ETag is the
uncompressed one with `-gzip` inside the quotes (`"abc"` -> `"abc-gzip"`). On a
conditional request from a client that accepts gzip, `If-None-Match` is given to the app
with the suffix removed, so the app's own 304 logic validates both variants; a 304 for
a tag the client sent with the suffix carries the suffixed ETag back. A client that does
not accept gzip keeps the tags it sent, so a `-gzip` tag never validates its plain copy.

What is left alone: answers that already have a `Content-Encoding` (the prebuilt `.gz`
dumps), binary types, bodies under `MIN_BYTES`, partial content (206) and every request
with a `Range` header (a range counts bytes of the uncompressed representation, so it
gets that representation). HEAD is answered as the GET would be (same ETag, length and
encoding), without a body. The gzip stream has no time or name in it, so the same
answer always compresses to the same bytes and its strong ETag stays true.
"""

from __future__ import annotations

import gzip
from collections.abc import Callable, Iterable
from typing import Any

from ctc_kg import formats

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]
Headers = list[tuple[str, str]]

GZIP = "gzip"
SUFFIX = "-gzip"
MIN_BYTES = 256  # below this, gzip's header and trailer eat the gain
LEVEL = 6
COMPRESSIBLE_PREFIXES = ("text/",)
# Statuses whose body is not a whole representation (or is empty): never compressed.
_WHOLE_BODY_EXCEPT = ("1", "204", "206", "304")
# Every format of the table (its text compresses well), and the other textual types served.
COMPRESSIBLE = frozenset(
    {
        *(fmt.media_type for fmt in formats.FORMATS),
        "application/javascript",
        "application/json",
        formats.SPARQL_QUERY,
        "application/xhtml+xml",
        "application/xml",
        "image/svg+xml",
    }
)


def accepts_gzip(header: str | None) -> bool:
    """True when `Accept-Encoding` allows gzip (named, or `*`, with a quality above 0)."""
    if not header:
        return False
    qualities: dict[str, float] = {}
    for item in header.split(","):
        coding, _, params = item.strip().partition(";")
        quality = 1.0
        name, _, value = params.strip().partition("=")
        if name.strip().lower() == "q":
            try:
                quality = float(value)
            except ValueError:
                quality = 0.0
            if not 0.0 <= quality <= 1.0:  # NaN and out-of-range qualities count as 0
                quality = 0.0
        qualities.setdefault(coding.strip().lower(), quality)
    for coding in (GZIP, "x-gzip", "*"):
        if coding in qualities:
            return qualities[coding] > 0
    return False


def compressible(content_type: str | None) -> bool:
    media_type = (content_type or "").split(";", 1)[0].strip().lower()
    return media_type.startswith(COMPRESSIBLE_PREFIXES) or media_type in COMPRESSIBLE


class AcceptEncoding:
    """The outer layer: `Accept-Encoding` becomes `gzip` or is removed (see the module)."""

    def __init__(self, app: WSGIApp) -> None:
        self.app = app

    def __call__(
        self, environ: dict[str, Any], start_response: Callable[..., Any]
    ) -> Iterable[bytes]:
        if accepts_gzip(environ.get("HTTP_ACCEPT_ENCODING")):
            environ["HTTP_ACCEPT_ENCODING"] = GZIP
        else:
            environ.pop("HTTP_ACCEPT_ENCODING", None)
        return self.app(environ, start_response)


class Compressor:
    """The inner layer: gzips text answers for clients that accept it (see the module)."""

    def __init__(self, app: WSGIApp, *, min_bytes: int = MIN_BYTES) -> None:
        self.app = app
        self.min_bytes = min_bytes

    def __call__(
        self, environ: dict[str, Any], start_response: Callable[..., Any]
    ) -> Iterable[bytes]:
        if "HTTP_RANGE" in environ:
            return self.app(environ, start_response)
        wanted = accepts_gzip(environ.get("HTTP_ACCEPT_ENCODING"))
        sent_tags = _strip_suffixes(environ) if wanted else frozenset()
        head = environ.get("REQUEST_METHOD") == "HEAD"
        if head:  # the GET's headers, computed from the GET's body
            environ = {**environ, "REQUEST_METHOD": "GET"}
        captured: list[tuple[str, Headers, Any]] = []

        def capture(status: str, headers: Headers, exc_info: Any = None) -> Callable[..., Any]:
            captured.append((status, list(headers), exc_info))
            return _no_write

        body = self.app(environ, capture)
        if not captured:  # an app that starts the response only when iterated
            body = [_drain(body)]
        status, headers, exc_info = captured[-1]
        if status.startswith("304"):  # Vary as the 200 would say (RFC 9110, 15.4.5)
            headers = _with_vary(_validated(headers, sent_tags))
        elif self._eligible(status, headers):
            headers = _with_vary(headers)
            if wanted:
                headers, body = _compressed(headers, _drain(body))
        if exc_info is not None:
            start_response(status, headers, exc_info)
        else:
            start_response(status, headers)
        if head:
            _close(body)
            return []
        return body

    def _eligible(self, status: str, headers: Headers) -> bool:
        """A whole text body, not yet encoded, not known to be under `min_bytes`: one that
        has a gzip variant (decided from the headers: other bodies are passed on as they
        come, never read into memory here)."""
        if status.startswith(_WHOLE_BODY_EXCEPT):
            return False
        names = {name.lower(): value for name, value in headers}
        if "content-encoding" in names or not compressible(names.get("content-type")):
            return False
        length = names.get("content-length", "")
        return not length.isdigit() or int(length) >= self.min_bytes


def _compressed(headers: Headers, content: bytes) -> tuple[Headers, list[bytes]]:
    packed = gzip.compress(content, compresslevel=LEVEL, mtime=0)
    kept = [
        (name, value)
        for name, value in headers
        if name.lower() not in ("content-length", "etag", "accept-ranges")
    ]
    kept.append(("Content-Encoding", GZIP))
    kept.append(("Content-Length", str(len(packed))))
    etag = next((value for name, value in headers if name.lower() == "etag"), None)
    if etag is not None:
        kept.append(("ETag", suffixed(etag)))
    return kept, [packed]


def _drain(body: Iterable[bytes]) -> bytes:
    """The whole body (one bytes object: no copy when the app gave one), the app's
    iterable closed as WSGI requires."""
    try:
        return b"".join(body)
    finally:
        _close(body)


def _close(body: Iterable[bytes]) -> None:
    close = getattr(body, "close", None)
    if close is not None:
        close()


def suffixed(etag: str) -> str:
    """The compressed variant's ETag: `"abc"` -> `"abc-gzip"`, `W/"abc"` -> `W/"abc-gzip"`."""
    if etag.endswith('"'):
        return etag[:-1] + SUFFIX + '"'
    return etag + SUFFIX


def _strip_suffixes(environ: dict[str, Any]) -> frozenset[str]:
    """Removes `-gzip` from the tags of `If-None-Match`, so the app validates them; returns
    the tags (as the app will see them) that the client sent with the suffix."""
    header = environ.get("HTTP_IF_NONE_MATCH")
    if not header:
        return frozenset()
    tags = [tag.strip() for tag in header.split(",") if tag.strip()]
    marked = SUFFIX + '"'
    plain = [tag.removesuffix(marked) + '"' if tag.endswith(marked) else tag for tag in tags]
    if plain == tags:
        return frozenset()
    environ["HTTP_IF_NONE_MATCH"] = ", ".join(plain)
    return frozenset(_opaque(new) for new, old in zip(plain, tags, strict=True) if new != old)


def _validated(headers: Headers, sent_tags: frozenset[str]) -> Headers:
    """A 304 for a tag the client sent with `-gzip` names that variant."""
    etag = next((value for name, value in headers if name.lower() == "etag"), None)
    if etag is None or _opaque(etag) not in sent_tags:
        return headers
    kept = [(name, value) for name, value in headers if name.lower() != "etag"]
    return [*kept, ("ETag", suffixed(etag))]


def _opaque(tag: str) -> str:
    """A tag without its weakness marker (If-None-Match compares weakly)."""
    return tag[2:] if tag.startswith("W/") else tag


def _with_vary(headers: Headers) -> Headers:
    """`Accept-Encoding` added to the answer's `Vary` (one field, as Flask writes it)."""
    fields = [
        field.strip().lower()
        for name, value in headers
        if name.lower() == "vary"
        for field in value.split(",")
    ]
    if "accept-encoding" in fields or "*" in fields:
        return headers
    if not fields:
        return [*headers, ("Vary", "Accept-Encoding")]
    return [
        (name, value + ", Accept-Encoding" if name.lower() == "vary" else value)
        for name, value in headers
    ]


def _no_write(data: bytes) -> None:  # pragma: no cover - Flask never uses write()
    raise RuntimeError("the compression layer does not support the WSGI write() callable")
