"""HTTP details every read response shares: caching validators, CORS, negotiated headers."""

from __future__ import annotations

import hashlib
from collections.abc import Collection, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime
from typing import cast
from urllib.parse import urlencode

from flask import Request, Response, g, request
from werkzeug.datastructures import Headers
from werkzeug.http import parse_list_header, quote_header_value
from werkzeug.local import LocalProxy

from ctc_kg import formats
from ctc_kg.content import profiles
from ctc_kg.content.profiles import Profile
from ctc_kg.formats import Format
from ctc_kg.web import conneg
from ctc_kg.web.i18n import choose_language

CACHE_CONTROL = "public, max-age=300"
#: Says an answer was cut at a limit (`true; limit=N`): query results at
#: `max_result_rows`, a description at its incoming links (store.description).
TRUNCATED_HEADER = "X-CTC-KG-Truncated"
CORS_HEADERS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Allow-Methods": "GET, POST, OPTIONS",
    "Access-Control-Allow-Headers": "Content-Type, Accept, Accept-Profile",
    "Access-Control-Expose-Headers": (
        "ETag, Link, Content-Length, Content-Encoding, Vary, Retry-After, X-CTC-KG-Truncated, "
        "Content-Profile"
    ),
    "Access-Control-Max-Age": "86400",
}


#: The query parameters a resource's answer reads (web.resources): its format
#: (`conneg.override_of`), its profile, and a page's language (web.i18n, web.pages).
RESOURCE_PARAMETERS = (*conneg.OVERRIDE_PARAMETERS, conneg.PROFILE_PARAMETER, "lang")

# The declarations of the answer being made while the response cache records them.
_DECLARED: ContextVar[list[Collection[str]] | None] = ContextVar(
    "ctc_kg_query_parameters", default=None
)


def reads_parameters(names: Collection[str]) -> None:
    """Declare that this request's answer takes nothing from its query string but the
    parameters `names` (a route's whole answer: every read of `request.args` it makes,
    errors aside). The response cache then keys the answer on those parameters only, so a
    link's tracking parameters (`?utm_source=`) share the answer without them; a page's
    language links keep only them (web.pages). A route that declares nothing depends on
    its whole query string."""
    g.setdefault("query_parameters", set()).update(names)
    recording = _DECLARED.get()
    if recording is not None:
        recording.append(names)


def parameters_read() -> frozenset[str] | None:
    """The query parameters this request's answer declared it reads; None if it did not
    say (it may depend on any)."""
    found: set[str] | None = g.get("query_parameters")
    return None if found is None else frozenset(found)


@contextmanager
def recording_parameters() -> Iterator[list[Collection[str]]]:
    """Note every `reads_parameters` declaration made inside the block (for
    web.response_cache: no declaration, the answer depends on the whole query string)."""
    declared: list[Collection[str]] = []
    token = _DECLARED.set(declared)
    try:
        yield declared
    finally:
        _DECLARED.reset(token)


def etag_for(*parts: str) -> str:
    """A strong validator from what determines a representation (dataset version first)."""
    digest = hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()
    return f'"{digest[:32]}"'


def current_request() -> Request:
    """This request's object itself: code that reads it several times saves a look-up
    through Flask's context-local proxy per read (most of a µs each, issue 16)."""
    return cast("LocalProxy[Request]", request)._get_current_object()


def variant(request: Request, fmt: Format) -> str:
    """What a representation's ETag and cache key depend on beyond the resource: its
    format and, for a page, its language (a French page must never be cached as, or
    validate against, the English one)."""
    if fmt is formats.HTML:
        lang = choose_language(request.args.get("lang"), request.headers.get("Accept-Language"))
        return f"{fmt.name}.{lang}"
    return fmt.name


def vary(response: Response, fmt: Format, *, profiled: bool = False) -> Response:
    """`Vary: Accept` (and `Accept-Profile` where profiles are negotiated), and
    `Accept-Language` too for a page (also on a 304)."""
    headers = response.headers
    add_vary(headers, "Accept")
    if profiled:
        add_vary(headers, "Accept-Profile")
    if fmt is formats.HTML:
        add_vary(headers, "Accept-Language")
    return response


def add_vary(headers: Headers, name: str) -> None:
    """Add `name` to the response's `Vary`, as Werkzeug's `response.vary.add(name)` does
    (tests/web/test_vary.py), without parsing the header into a set and writing it back
    when there is none yet (6 of every query's 7 µs of headers). Every route adds to
    `Vary` through here."""
    current = headers.get("Vary")
    if not current:
        headers["Vary"] = name
        return
    names = parse_list_header(current)
    if name.lower() not in {item.lower() for item in names}:
        headers["Vary"] = ", ".join(quote_header_value(item) for item in (*names, name))


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


def profiled(
    response: Response,
    profile: Profile,
    fmt: Format,
    url: str,
    base_iri: str,
    *,
    links: bool,
) -> Response:
    """The headers of a representation in a profile (Content Negotiation by Profile, HTTP
    realization): `Content-Profile` and `Vary: Accept-Profile` always; when `links` (the
    client negotiated a profile), a `Link` header with the profile (`rel="profile"`), this
    representation (`rel="self"`) and every other one (`rel="alternate"`, its `type` and
    `profile`), reachable by `_profile` and `_mediatype`. A client that asks for no profile
    keeps the `Link` header of the formats alone, which the static export serves too."""
    response.headers["Content-Profile"] = f"<{profile.iri(base_iri)}>"
    vary(response, fmt, profiled=True)
    if links:
        response.headers["Link"] = alternates_link(profile, fmt, url, base_iri)
    return response


def alternates_link(profile: Profile | None, fmt: Format | None, url: str, base_iri: str) -> str:
    """The Link header value listing every representation (profile x media type); the one
    served (if any) is `rel="self"` and its profile `rel="profile"`."""
    links = [] if profile is None else [f'<{profile.iri(base_iri)}>; rel="profile"']
    for other in profiles.PROFILES:
        for offered in conneg.PROFILE_FORMATS[other.token]:
            target = (
                f"{url}?{urlencode({'_profile': other.token, '_mediatype': offered.media_type})}"
            )
            relation = "self" if (other, offered) == (profile, fmt) else "alternate"
            links.append(
                f'<{target}>; rel="{relation}"; type="{offered.media_type}"; '
                f'profile="{other.iri(base_iri)}"'
            )
    return ", ".join(links)
