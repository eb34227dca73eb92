"""HTTP details every read response shares: caching validators, CORS, negotiated headers."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from datetime import datetime
from urllib.parse import urlencode

from ctc_kg.web import conneg
from ctc_kg.web.conneg import Format
from ctc_kg.web.i18n import choose_language
from flask import Request, Response

CACHE_CONTROL = "public, max-age=300"
#: Says an answer was cut at a limit (`true; limit=N`): query results at
#: `max_result_rows`, a description at its incoming links (store.description).
TRUNCATED_HEADER = "X-CTC-KG-Truncated"
CORS_HEADERS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Allow-Methods": "GET, POST, OPTIONS",
    "Access-Control-Allow-Headers": "Content-Type, Accept",
    "Access-Control-Expose-Headers": (
        "ETag, Link, Content-Length, Content-Encoding, Vary, Retry-After, X-CTC-KG-Truncated"
    ),
    "Access-Control-Max-Age": "86400",
}


def etag_for(*parts: str) -> str:
    """A strong validator from what determines a representation (dataset version first)."""
    digest = hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()
    return f'"{digest[:32]}"'


def variant(request: Request, fmt: Format) -> str:
    """What a representation's ETag and cache key depend on beyond the resource: its
    format and, for a page, its language (a French page must never be cached as, or
    validate against, the English one)."""
    if fmt is conneg.HTML:
        lang = choose_language(request.args.get("lang"), request.headers.get("Accept-Language"))
        return f"{fmt.name}.{lang}"
    return fmt.name


def vary(response: Response, fmt: Format) -> Response:
    """`Vary: Accept`, and `Accept-Language` too for a page (also on a 304)."""
    response.vary.add("Accept")
    if fmt is conneg.HTML:
        response.vary.add("Accept-Language")
    return response


def not_modified(request: Request, etag: str, last_modified: datetime | None) -> bool:
    """True when the client's copy is current (If-None-Match wins over If-Modified-Since)."""
    if request.if_none_match:
        return request.if_none_match.contains_raw(etag) or request.if_none_match.star_tag
    since = request.if_modified_since
    return bool(since and last_modified and last_modified.replace(microsecond=0) <= since)


def validators(response: Response, etag: str, last_modified: datetime | None = None) -> Response:
    response.headers["ETag"] = etag
    response.headers["Cache-Control"] = CACHE_CONTROL
    if last_modified is not None:
        response.last_modified = last_modified
    return response


def negotiated(
    response: Response,
    fmt: Format,
    alternates: Iterable[Format] = (),
    url: str | None = None,
) -> Response:
    """Content-Type with charset, Vary: Accept and Link rel=alternate for other formats."""
    response.headers["Content-Type"] = fmt.content_type
    vary(response, fmt)
    if url is not None:
        links = [
            f"<{url}?{urlencode({'format': other.name})}>; "
            f'rel="alternate"; type="{other.media_type}"'
            for other in alternates
            if other is not fmt
        ]
        if links:
            response.headers["Link"] = ", ".join(links)
    return response


def allow(methods: Sequence[str]) -> str:
    return ", ".join(methods)
