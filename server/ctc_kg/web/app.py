"""create_app(settings, store, dist): wires the store, the blueprints and the one error handler.

No work happens at import time, and none in `create_app` either: the content is loaded,
validated and built, and the store opened, by whoever calls it (ctc_kg.runtime: `serve`,
`build --site`, and `prepared_app` for tests), which also removes what it prepared.
`close_app` stops the store's workers.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from flask import Flask, Response, request
from werkzeug.exceptions import HTTPException, NotFound, RequestURITooLarge

from ctc_kg import formats
from ctc_kg.config import Settings
from ctc_kg.errors import (
    CtcKgError,
    MethodNotAllowedError,
    NotAcceptableError,
    ServiceBusyError,
)
from ctc_kg.formats import PLAIN_TEXT
from ctc_kg.store.base import Store
from ctc_kg.web import (
    compression,
    conneg,
    dumps,
    fragments,
    http,
    i18n,
    memento,
    pages,
    resources,
    sparql,
)
from ctc_kg.web.response_cache import Negotiated, ResponseCache, in_one_piece
from ctc_kg.web.site import Site, site


def create_app(settings: Settings, store: Store, dist: Path) -> Flask:
    """The app answering from `store`, with the dumps and checksums of the build in `dist`."""
    app = Flask(__name__)
    app.config["MAX_CONTENT_LENGTH"] = settings.max_request_bytes
    app.json.sort_keys = False  # type: ignore[attr-defined]
    site = Site(settings=settings, store=store, dist=dist)
    app.extensions["ctc_kg"] = site

    app.register_blueprint(sparql.bp)
    app.register_blueprint(dumps.bp)
    app.register_blueprint(fragments.bp)
    app.register_blueprint(memento.bp)
    app.register_blueprint(resources.bp)
    app.register_blueprint(pages.bp)
    app.register_error_handler(CtcKgError, _error)
    app.register_error_handler(HTTPException, _error)
    app.before_request(_request_target_checks)
    app.before_request(_preflight)
    app.after_request(_cors)
    # Answers are kept per data version (a remote store is reloaded in place by
    # `ctc-kg load` while the server runs): a new version empties the cache. They are
    # keyed on what the app takes from Accept and Accept-Language (conneg, i18n), so a
    # representation is made once per version however clients ask for it; and on the
    # query parameters an answer reads when it says which (web.http.reads_parameters),
    # so a link's tracking parameters (`?utm_source=`) share the answer without them.
    # Compression sits inside the cache (an answer is gzipped once, then kept), and the
    # Accept-Encoding it keys on is reduced outside it (web.compression). Answers of
    # known, bounded length leave Flask in one piece (response_cache.in_one_piece).
    app.wsgi_app = compression.AcceptEncoding(  # type: ignore[method-assign]
        ResponseCache(
            compression.Compressor(in_one_piece(app.wsgi_app)),
            max_bytes=settings.response_cache_bytes,
            version=lambda environ: _version_tag(site, environ),
            reduced={"HTTP_ACCEPT_LANGUAGE": i18n.header_language},
            negotiated=Negotiated("HTTP_ACCEPT", conneg.recording_offers, conneg.accept_key),
            parameters=http.recording_parameters,
        )
    )
    return app


def _version_tag(state: Site, environ: dict[str, Any]) -> str | None:
    """The request's data version for the response cache; None (the cache stands aside)
    when the store cannot say: the app then answers, with the error it deserves."""
    try:
        return state.data_version(environ).tag
    except CtcKgError:
        return None


def close_app(app: Flask) -> None:
    """Stop the store's workers (what the store and the build were prepared from is the
    caller's to remove)."""
    site: Site = app.extensions["ctc_kg"]
    site.close()


def _request_target_checks() -> None:
    """414 for a request line longer than `max_url_bytes` (enforced here, so every
    deployment and WSGI server agrees); 404 for a path with a control character."""
    limit = site().settings.max_url_bytes
    current = http.current_request()
    path = current.path
    target = len(path.encode("utf-8")) + len(current.query_string) + 1
    if limit > 0 and target > limit:
        raise RequestURITooLarge(
            f"The request line is longer than this server accepts ({limit} bytes). "
            "Send a long query with POST (application/sparql-query) instead."
        )
    if _CONTROL.search(path):
        # No IRI holds a control character; and Werkzeug's router would answer a path
        # ending in a newline with a redirect to itself, for ever.
        raise NotFound("No resource has a control character in its path.")


_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def _preflight() -> Response | None:
    if request.method == "OPTIONS":
        return Response(status=204)
    return None


def _cors(response: Response) -> Response:
    # Headers a route did not set (read once: Werkzeug's setdefault raises and catches a
    # KeyError per missing header, on every response).
    present = {name.lower() for name, _ in response.headers.items()}
    for name, value in _ALWAYS:
        if name.lower() not in present:
            response.headers.add(name, value)
    return response


# Every body is what its Content-Type says: a plain-text or JSON error that repeats the
# words of a request is never sniffed into a page.
_ALWAYS = (*http.CORS_HEADERS.items(), ("X-Content-Type-Options", "nosniff"))


_JSON_TYPES = frozenset({"application/json", formats.RESULTS_JSON.media_type})
_HTML_TYPES = frozenset({formats.HTML.media_type, *formats.HTML.aliases})


def _explicit(ranges: list[conneg.MediaRange], media_types: frozenset[str]) -> float:
    """The quality a client gives one of `media_types` by naming it (wildcards ignored)."""
    named = [r.q for r in ranges if f"{r.type}/{r.subtype}" in media_types]
    return max(named, default=0.0)


def _error(error: Exception) -> Response:
    """The one place an exception becomes an HTTP answer: JSON, HTML or plain text,
    whichever the client prefers, with the message; 405 with Allow, 406 with the list."""
    headers: dict[str, str] = {}
    if isinstance(error, CtcKgError):
        status, message = error.status, str(error)
        if isinstance(error, MethodNotAllowedError):
            headers["Allow"] = "GET, POST, OPTIONS"
        if isinstance(error, ServiceBusyError):
            headers["Retry-After"] = str(error.retry_after)
    elif isinstance(error, HTTPException):
        status = error.code or 500
        message = error.description or error.name
        headers.update({k: v for k, v in error.get_headers() if k.lower() == "allow"})
    else:  # pragma: no cover - registered only for the two types above
        raise error
    available = error.available if isinstance(error, NotAcceptableError) else ()
    ranges = conneg.parse_accept(request.headers.get("Accept"))
    json_q = _explicit(ranges, _JSON_TYPES)
    html_q = _explicit(ranges, _HTML_TYPES)
    if json_q > 0 and json_q >= html_q:
        payload: dict[str, object] = {"status": status, "error": message}
        if available:
            payload["available"] = list(available)
        body = json.dumps(payload, ensure_ascii=False).replace("<", "\\u003c").encode("utf-8")
        content_type = "application/json"
    elif html_q > 0:
        body = pages.error(status, message)
        content_type = formats.HTML.content_type
    else:
        body = (message + "\n").encode("utf-8")
        content_type = PLAIN_TEXT
    response = Response(body, status=status, headers=headers)
    response.headers["Content-Type"] = content_type
    response.headers["Cache-Control"] = "no-store"
    http.add_vary(response.headers, "Accept")
    return response
