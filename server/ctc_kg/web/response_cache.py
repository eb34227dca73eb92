"""An in-memory HTTP cache of complete responses, in front of the Flask app (WSGI).

A GET that was answered once is answered the same way as long as the data version stays
the same (`version`, asked once per request: the embedded store's never changes while a
worker runs; a remote store's changes when `ctc-kg load` reloads it, web.site). The
answers are kept for one version: a request that sees another one empties the cache,
and an answer made under a version that is no longer current is not kept. Flask's
request handling costs more than the answer itself once a description is computed; this
cache answers a repeated GET before Flask, the way a shared cache (RFC 9111) in front of
the server would, and inside it so every deployment gets it.

What it stores: 200 answers to GET with an `ETag`, a `Content-Length` of at most
`max_entry_bytes`, no `Set-Cookie`, and no `no-store` or `private` in `Cache-Control`.
The key is the request's path, its query string, the `Host` and
`X-Forwarded-*` headers (they can change the public IRIs in an answer), and the values
of the request headers the answer's `Vary` names (the answer decides: conneg sets
`Vary: Accept`, pages add `Accept-Language`), each value reduced to what the answer takes
from it when web.app says how: for Accept, the format it chooses in each negotiation the
answer made (`negotiated`: web.conneg records them), for Accept-Language the language it
chooses (`reduced`); so two ways of asking for the same representation share one stored
answer.
Of the query string, only the parameters an answer declares it reads count when it says
which (`parameters`: web.http.reads_parameters), as decoded pairs by name: so the links
that add tracking parameters (`?utm_source=N`) to a resource share one stored answer,
while `?format=`, `?_profile=` or `?lang=` keep their own; an answer that does not say
depends on the whole query string.
A HEAD is answered with the headers of the stored GET (RFC 9110, 9.3.2); when there is
none, the GET is made and kept, and its body left unsent (as nginx's cache does), so link
checkers do not make a representation again. Requests it never answers, passing them to
the app: other methods, conditional or range requests (the app computes 304s and knows
`Last-Modified`), requests with `Authorization`, requests whose data version cannot be
known (`version` gives None). A `Cookie` does not count: the app reads none (a browser
sends the cookies of the site's domain, set by something else) and an answer that sets
one is never stored. The total size is bounded (`max_bytes`); the least recently used
answers go first.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Collection, Hashable, Iterable, Mapping, Sequence
from contextlib import AbstractContextManager, ExitStack
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]
Headers = list[tuple[str, str]]

# Request headers that make a GET one the cache passes through.
_BYPASS = (
    "HTTP_IF_NONE_MATCH",
    "HTTP_IF_MODIFIED_SINCE",
    "HTTP_IF_MATCH",
    "HTTP_IF_UNMODIFIED_SINCE",
    "HTTP_IF_RANGE",
    "HTTP_RANGE",
    "HTTP_AUTHORIZATION",
)
# Request headers that are always part of the key: they can change the public IRIs.
_ALWAYS = (
    "HTTP_HOST",
    "HTTP_X_FORWARDED_PROTO",
    "HTTP_X_FORWARDED_HOST",
    "HTTP_X_FORWARDED_PREFIX",
)


@dataclass(frozen=True)
class _Entry:
    status: str
    headers: Headers
    body: bytes


# For one request target (path and the headers that are always in the key): the shapes of
# its stored answers - the `Vary` of an answer (the WSGI names of the request headers it
# varies on: a page varies on Accept-Language too, other formats on Accept only), the
# negotiations it made (`Negotiated`) and the query parameters it declared it reads (None:
# the whole query string) - with how many answers of each shape are stored.
_Shape = tuple[tuple[str, ...], tuple[int, ...], tuple[str, ...] | None]
# A stored answer's key: its target, its shape, and its request's values for that shape.
_Key = tuple[tuple[str, ...], _Shape, tuple[Hashable, ...]]
#: For a WSGI header name: what of its value an answer depends on (web.app).
Reductions = Mapping[str, Callable[[str | None], Hashable]]


@dataclass(frozen=True)
class Negotiated:
    """A request header an answer depends on only through the negotiations the app makes
    while it answers (web.app: Accept, through web.conneg). `recording` notes them while
    the app answers; `key` is what a value of the header chooses in them."""

    header: str  # its WSGI name
    recording: Callable[[], AbstractContextManager[Mapping[int, None]]]
    key: Callable[[str | None, tuple[int, ...]], Hashable]


#: Notes the query parameters the app declares its answer reads, while it answers
#: (web.http.recording_parameters): no declaration, the whole query string counts.
ParameterRecording = Callable[[], AbstractContextManager[Sequence[Collection[str]]]]


class ResponseCache:
    """WSGI middleware: answers repeated GETs from memory (see the module's docstring)."""

    def __init__(
        self,
        app: WSGIApp,
        *,
        max_bytes: int,
        max_entry_bytes: int = 1 << 20,
        version: Callable[[dict[str, Any]], str | None] = lambda environ: "",
        reduced: Reductions | None = None,
        negotiated: Negotiated | None = None,
        parameters: ParameterRecording | None = None,
    ) -> None:
        self.app = app
        self.version = version
        self.reduced: Reductions = reduced or {}
        self.negotiated = negotiated
        self.parameters = parameters
        self._current: str | None = None  # the data version of the stored answers
        self.max_bytes = max_bytes
        self.max_entry_bytes = min(max_entry_bytes, max_bytes)
        self._lock = threading.Lock()
        self._shapes: dict[tuple[str, ...], dict[_Shape, int]] = {}
        self._entries: OrderedDict[_Key, tuple[_Entry, int]] = OrderedDict()
        self._bytes = 0
        self.hits = 0

    @property
    def stored_bytes(self) -> int:
        """What the stored answers take (bodies, headers and a fixed overhead each)."""
        return self._bytes

    def __call__(
        self, environ: dict[str, Any], start_response: Callable[..., Any]
    ) -> Iterable[bytes]:
        if self.max_bytes <= 0 or not _cacheable_request(environ):
            return self.app(environ, start_response)
        version = self.version(environ)
        if version is None:
            return self.app(environ, start_response)
        self._follow(version)
        target = _target(environ)
        found = self._lookup(target, environ)
        if found is not None:
            start_response(found.status, list(found.headers))
            return [found.body] if environ["REQUEST_METHOD"] == "GET" else []
        if environ["REQUEST_METHOD"] == "HEAD":
            as_get = {**environ, "REQUEST_METHOD": "GET"}
            _close(self._fill(target, as_get, start_response, version))
            return []
        return self._fill(target, environ, start_response, version)

    def _follow(self, version: str) -> None:
        """Empty the cache when the data version is no longer the one its answers have."""
        with self._lock:
            if version != self._current:
                self._shapes.clear()
                self._entries.clear()
                self._bytes = 0
                self._current = version

    def _lookup(self, target: tuple[str, ...], environ: dict[str, Any]) -> _Entry | None:
        with self._lock:
            shapes = list(self._shapes.get(target, ()))
        if not shapes:
            return None
        # Reduced outside the lock: a header not seen before is parsed here.
        keys = [(target, shape, self._values(environ, shape)) for shape in shapes]
        with self._lock:
            for key in keys:
                found = self._entries.get(key)
                if found is not None:
                    self._entries.move_to_end(key)
                    self.hits += 1
                    return found[0]
            return None

    def _fill(
        self,
        target: tuple[str, ...],
        environ: dict[str, Any],
        start_response: Callable[..., Any],
        version: str,
    ) -> Iterable[bytes]:
        captured: list[tuple[str, Headers]] = []

        def capture(status: str, headers: Headers, exc_info: Any = None) -> Any:
            captured.append((status, headers))
            if exc_info is not None:
                return start_response(status, headers, exc_info)
            return start_response(status, headers)

        offers: tuple[int, ...] = ()
        names: tuple[str, ...] | None = None
        with ExitStack() as recordings:
            recorded = (
                None
                if self.negotiated is None
                else recordings.enter_context(self.negotiated.recording())
            )
            declared = (
                None if self.parameters is None else recordings.enter_context(self.parameters())
            )
            body = self.app(environ, capture)
            if recorded is not None:
                offers = tuple(recorded)
            if declared:
                names = tuple(sorted(set().union(*declared)))
        if not captured or not self._storable(*captured[-1]):
            return body
        content = _read_all(body)
        status, headers = captured[-1]
        if len(content) == _content_length(headers):
            entry = _Entry(status, list(headers), content)
            self._store(target, environ, entry, version, (offers, names))
        return [content]

    def _storable(self, status: str, headers: Headers) -> bool:
        if not status.startswith("200"):
            return False
        names = {name.lower(): value for name, value in headers}
        if "etag" not in names or "set-cookie" in names:
            return False
        control = names.get("cache-control", "").lower()
        if "no-store" in control or "private" in control:
            return False
        length = _content_length(headers)
        return length is not None and length <= self.max_entry_bytes

    def _store(
        self,
        target: tuple[str, ...],
        environ: dict[str, Any],
        entry: _Entry,
        version: str,
        made: tuple[tuple[int, ...], tuple[str, ...] | None],
    ) -> None:
        vary = _vary(entry.headers)
        if vary is None:  # Vary: * - every request is different
            return
        size = len(entry.body) + sum(len(n) + len(v) for n, v in entry.headers) + 256
        shape = (vary, *made)
        key = (target, shape, self._values(environ, shape))
        with self._lock:
            if version != self._current:  # made under a version another request replaced
                return
            if key in self._entries:
                return
            self._entries[key] = (entry, size)
            shapes = self._shapes.setdefault(target, {})
            shapes[shape] = shapes.get(shape, 0) + 1
            self._bytes += size
            while self._bytes > self.max_bytes and self._entries:
                (old_target, old_shape, _), (_, dropped) = self._entries.popitem(last=False)
                self._bytes -= dropped
                left = self._shapes[old_target]
                left[old_shape] -= 1
                if not left[old_shape]:
                    del left[old_shape]
                    if not left:
                        del self._shapes[old_target]

    def _values(self, environ: dict[str, Any], shape: _Shape) -> tuple[Hashable, ...]:
        """The key of a request for answers of `shape`: each header `Vary` names, reduced
        to what such an answer takes from it (`negotiated`, `reduced`), else its value (None
        for an absent one: not the same as empty)."""
        names, offers, parameters = shape
        negotiated = self.negotiated
        query = environ.get("QUERY_STRING", "")
        return (
            query if parameters is None else _parameters_of(query, parameters),
            *(
                negotiated.key(environ.get(name), offers)
                if negotiated is not None and name == negotiated.header
                else self.reduced[name](environ.get(name))
                if name in self.reduced
                else environ.get(name)
                for name in names
            ),
        )


def _cacheable_request(environ: dict[str, Any]) -> bool:
    if environ.get("REQUEST_METHOD") not in ("GET", "HEAD"):
        return False
    return not any(name in environ for name in _BYPASS)


def _target(environ: dict[str, Any]) -> tuple[str, ...]:
    """What is always in the key (the query string is in it through the answer's shape)."""
    return (
        environ.get("SCRIPT_NAME", ""),
        environ.get("PATH_INFO", ""),
        *(environ.get(name, "") for name in _ALWAYS),
    )


def _parameters_of(query: str, names: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
    """The pairs of `query` whose name is one of `names`, decoded as Werkzeug reads
    `request.args` (UTF-8, `+` a space; bytes that are not UTF-8 kept apart, not replaced)
    and ordered by name - the values of one name keep their order: the app reads the first."""
    text = query.encode("latin-1").decode("utf-8", "surrogateescape")
    pairs = parse_qsl(text, keep_blank_values=True, errors="surrogateescape")
    return tuple(sorted(((k, v) for k, v in pairs if k in names), key=lambda pair: pair[0]))


def _vary(headers: Headers) -> tuple[str, ...] | None:
    """The WSGI names of the request headers `Vary` lists (None for `Vary: *`)."""
    names: list[str] = []
    for name, value in headers:
        if name.lower() != "vary":
            continue
        for item in value.split(","):
            field = item.strip()
            if field == "*":
                return None
            if field:
                names.append("HTTP_" + field.upper().replace("-", "_"))
    return tuple(sorted(set(names)))


def _read_all(body: Iterable[bytes]) -> bytes:
    """A WSGI body's bytes, closing it as the WSGI specification asks."""
    try:
        return b"".join(body)
    finally:
        close = getattr(body, "close", None)
        if close is not None:
            close()


def _close(body: Iterable[bytes]) -> None:
    """Close a WSGI body without reading it (the WSGI specification asks for the close)."""
    close = getattr(body, "close", None)
    if close is not None:
        close()


def _content_length(headers: Headers) -> int | None:
    for name, value in headers:
        if name.lower() == "content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


ONE_PIECE_MAX_BYTES = 1 << 20


def in_one_piece(app: WSGIApp, max_bytes: int = ONE_PIECE_MAX_BYTES) -> WSGIApp:
    """WSGI middleware: an answer of known length up to `max_bytes` goes back to the server
    as a one-item list instead of Flask's iterator.

    granian sends a list in one call; an iterator it drives from Rust, taking the GIL back
    for every chunk and for its end. Under load, with the request threads competing for the
    GIL, that hand-over was the largest single cost of a SPARQL answer in a worker (issue
    16; docs/performance.md). Dumps and other large or unsized bodies are still streamed."""

    def one_piece(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        lengths: list[int | None] = []

        def capture(status: str, headers: Headers, exc_info: Any = None) -> Any:
            lengths.append(_content_length(headers))
            if exc_info is not None:
                return start_response(status, headers, exc_info)
            return start_response(status, headers)

        body = app(environ, capture)
        if isinstance(body, list) or not lengths or lengths[-1] is None:
            return body
        if lengths[-1] > max_bytes:
            return body
        content = _read_all(body)
        return [content]

    return one_piece
