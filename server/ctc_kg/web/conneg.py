"""Content negotiation: the Accept parser over the table of formats (the only place).

Rules (RFC 9110 §12.5.1): each offered type takes the quality of the most specific
range that matches it (`type/subtype` over `type/*` over `*/*`); `q=0` excludes; ties go
to the order in which the route offers its formats, so `*/*` (curl) gets the route's
default. Malformed entries are ignored; a header with no usable entry counts as absent.
`?format=` (a short name or a media type) or `_mediatype=` overrides the header, for
links. When nothing fits, NotAcceptableError lists what is available: never a silent
fallback. Profiles (Accept-Profile, `_profile=`) are negotiated here too, below.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, TypeVar

from ctc_kg import formats
from ctc_kg.content import profiles
from ctc_kg.errors import NotAcceptableError
from ctc_kg.formats import Format

# What each kind of route offers, in order of preference (the first is the default).
# (The formats themselves are ctc_kg.formats' table.)
RESOURCE_FORMATS = (formats.HTML, *formats.GRAPH_FORMATS)


@dataclass(frozen=True)
class MediaRange:
    type: str
    subtype: str
    q: float

    @property
    def specificity(self) -> int:
        if self.type == "*":
            return 0
        return 1 if self.subtype == "*" else 2

    def matches(self, media_type: str) -> bool:
        kind, _, sub = media_type.partition("/")
        if self.type == "*":
            return True
        return self.type == kind and self.subtype in ("*", sub)


def parse_accept(header: str | None) -> list[MediaRange]:
    """The well-formed media ranges of an Accept header (malformed entries are dropped)."""
    ranges: list[MediaRange] = []
    for entry in (header or "").split(","):
        parts = [p.strip() for p in entry.split(";")]
        kind, slash, sub = parts[0].lower().partition("/")
        if not slash or not _is_token(kind) or not _is_token(sub) or (kind == "*" != sub):
            continue
        q = 1.0
        valid = True
        for parameter in parts[1:]:
            name, equals, value = parameter.partition("=")
            if name.strip().lower() == "q":
                try:
                    q = float(value.strip())
                except ValueError:
                    valid = False
                if not equals or not 0.0 <= q <= 1.0:
                    valid = False
        if valid:
            ranges.append(MediaRange(kind, sub, q))
    return ranges


def _is_token(text: str) -> bool:
    return bool(text) and all(c.isalnum() or c in "!#$%&'*+-.^_`|~" for c in text)


def quality(ranges: Sequence[MediaRange], fmt: Format) -> float:
    """The quality the client gives `fmt`. Wildcards match its own media type only; an
    alias (`application/xml` for RDF/XML) counts only when named, so `text/*` does not
    select RDF/XML through `text/xml`, nor `application/*` HTML through XHTML."""
    best = 0.0
    for media_type in (fmt.media_type, *fmt.aliases):
        matching = [
            r
            for r in ranges
            if r.matches(media_type) and (media_type == fmt.media_type or r.specificity == 2)
        ]
        if not matching:
            continue
        top = max(r.specificity for r in matching)
        best = max(best, max(r.q for r in matching if r.specificity == top))
    return best


# Answers of `choose` for the Accept headers seen lately (clients send the same few; a
# parse costs more than the rest: docs/performance.md), by value (formats, header, override).
_CHOSEN: dict[tuple[tuple[Format, ...], str | None, str | None], Format | None] = {}
_CHOSEN_ENTRIES = 1024
_CHOSEN_LENGTH = 1024
T = TypeVar("T")
#: Offered: the formats a route negotiates among; Offers: those an answer negotiated, by
#: number in this process (`_OFFERED`: a few tuples, fixed by the routes).
Offered = tuple[Format, ...]
Offers = dict[int, None]
_OFFERS: ContextVar[Offers | None] = ContextVar("ctc_kg_offers", default=None)
_OFFERED: dict[Offered, int] = {}
_OFFERED_BY_NUMBER: list[Offered] = []
_KEYS: dict[tuple[str | None, tuple[int, ...]], tuple[int, ...]] = {}


def choose(
    accept: str | None, offered: Sequence[Format], *, override: str | None = None
) -> Format | None:
    """The offered format the client prefers, or None when it accepts none of them."""
    offers = tuple(offered)
    recording = _OFFERS.get()
    if recording is not None:
        recording[_number_of(offers)] = None
    key = (offers, accept, override)
    try:
        return _CHOSEN[key]
    except KeyError:
        pass
    fmt = _choose(accept, offers, override)
    return _remember(_CHOSEN, key, fmt, len(accept or "") + len(override or ""))


def _remember(memo: dict[Any, Any], key: Any, value: T, length: int) -> T:
    """`value`, kept in `memo` under `key` unless its header is long; cleared when full."""
    if length <= _CHOSEN_LENGTH:
        if len(memo) >= _CHOSEN_ENTRIES:
            memo.clear()
        memo[key] = value
    return value


@contextmanager
def recording_offers() -> Iterator[Offers]:
    """Note every tuple of formats `choose` is offered inside the block: all an answer
    made there takes from the Accept header is what it chooses from them (routes read
    Accept only through `choose`), so web.response_cache keys the answer on `accept_key`
    over them, and `text/turtle` and `text/turtle;q=1, */*;q=0.1` share one."""
    offers: Offers = {}
    token = _OFFERS.set(offers)
    try:
        yield offers
    finally:
        _OFFERS.reset(token)


def accept_key(accept: str | None, offers: tuple[int, ...]) -> tuple[int, ...]:
    """The index of the format `accept` chooses (-1: none) in each of `offers` (numbered
    by `recording_offers`); remembered, as the response cache asks on every hit."""
    key = (accept, offers)
    found = _KEYS.get(key)
    if found is not None:
        return found
    chosen = [(f, choose(accept, f)) for f in map(_OFFERED_BY_NUMBER.__getitem__, offers)]
    made = tuple(-1 if fmt is None else offered.index(fmt) for offered, fmt in chosen)
    return _remember(_KEYS, key, made, len(accept or ""))


def _number_of(offers: Offered) -> int:
    with _NUMBERING:  # only while an answer is made (the cache's misses)
        number = _OFFERED.setdefault(offers, len(_OFFERED_BY_NUMBER))
        if number == len(_OFFERED_BY_NUMBER):
            _OFFERED_BY_NUMBER.append(offers)
    return number


_NUMBERING = threading.Lock()


def _choose(accept: str | None, offered: Sequence[Format], override: str | None) -> Format | None:
    if override:
        wanted = override.strip().lower()
        for fmt in offered:
            if wanted == fmt.name or wanted in fmt.names or fmt.accepts(wanted):
                return fmt
        return None
    index = _best(parse_accept(accept), offered)
    return offered[index] if index >= 0 else None


def _best(ranges: Sequence[MediaRange], offered: Sequence[Format]) -> int:
    """The index in `offered` of the format `ranges` prefer (the first when there are no
    ranges), -1 when they accept none."""
    if not ranges:
        return 0
    scored = [(quality(ranges, fmt), -index) for index, fmt in enumerate(offered)]
    q, negated = max(scored)
    return -negated if q > 0 else -1


def negotiate(
    accept: str | None, offered: Sequence[Format], *, override: str | None = None
) -> Format:
    """Like `choose`, but raises NotAcceptableError (406) listing what is available."""
    fmt = choose(accept, offered, override=override)
    if fmt is None:
        raise not_acceptable(offered)
    return fmt


def not_acceptable(offered: Iterable[Format]) -> NotAcceptableError:
    available = tuple(dict.fromkeys(f.media_type for f in offered))
    return NotAcceptableError(
        "None of the requested media types can be produced here. Available: "
        + ", ".join(available)
        + " (or add ?format= with one of: "
        + ", ".join(dict.fromkeys(f.name for f in offered))
        + ").",
        available,
    )


#: The query parameters that name a format (`override_of`), the first one set wins.
OVERRIDE_PARAMETERS = ("format", "_mediatype")


def override_of(args: Mapping[str, str]) -> str | None:
    """The `?format=` or `_mediatype=` value of a request, if any."""
    return next((args[name] for name in OVERRIDE_PARAMETERS if args.get(name)), None)


# -- profiles (W3C Content Negotiation by Profile) ----------------------------------------
#
# A client names profiles in `Accept-Profile` (IRIs in angle brackets, or tokens, each with
# an optional q; `*` any) or in `?_profile=` (a token or an IRI; `alt` lists them). The
# highest q wins, ties go to the route's order (the default profile first); no header
# means the default. Nothing acceptable raises NotAcceptableError (406) with the list.
# Each profile offers its own formats: only the full one keeps named graphs and the HTML
# page.

PROFILE_FORMATS: dict[str, tuple[Format, ...]] = {
    profile.token: tuple(
        next(f for f in RESOURCE_FORMATS if f.media_type == media_type)
        for media_type in profile.media_types
    )
    for profile in profiles.PROFILES
}
#: The query parameter of the recommendation's QSA realization.
PROFILE_PARAMETER = "_profile"


@dataclass(frozen=True)
class ProfileRange:
    value: str  # a profile IRI (without brackets), a token, or "*"
    q: float


_PROFILE_ENTRY = re.compile(r"\s*(<[^<>]*>|[^\s,;<>]+)\s*((?:;[^,;]*)*)\s*(?:,|$)")


def parse_accept_profile(header: str | None) -> list[ProfileRange]:
    """The well-formed entries of an Accept-Profile header (malformed ones are dropped)."""
    ranges: list[ProfileRange] = []
    for match in _PROFILE_ENTRY.finditer(header or ""):
        value, parameters = match.group(1), match.group(2)
        if not value:
            continue
        q = 1.0
        for parameter in parameters.split(";")[1:]:
            name, _, number = parameter.partition("=")
            if name.strip().lower() == "q":
                try:
                    q = float(number.strip())
                except ValueError:
                    q = -1.0
        if 0.0 <= q <= 1.0:
            ranges.append(ProfileRange(value.strip("<>"), q))
    return ranges


def negotiate_profile(
    accept_profile: str | None,
    override: str | None,
    base_iris: Sequence[str],
    offered: Sequence[profiles.Profile] = profiles.PROFILES,
) -> profiles.Profile:
    """The profile to serve (see above); `base_iris`: the bases whose profile IRIs count
    (the canonical one and the public one)."""
    if override:
        wanted = override.strip().strip("<>")
        for profile in offered:
            if _names(profile, wanted, base_iris):
                return profile
        raise not_acceptable_profile(offered, base_iris[-1])
    ranges = parse_accept_profile(accept_profile)
    if not ranges:
        return offered[0]
    best: tuple[float, int, profiles.Profile] | None = None
    for index, profile in enumerate(offered):
        matching = [r.q for r in ranges if r.value == "*" or _names(profile, r.value, base_iris)]
        named = [r.q for r in ranges if r.value != "*" and _names(profile, r.value, base_iris)]
        q = max(named) if named else max(matching, default=0.0)
        if q > 0 and (best is None or (q, -index) > (best[0], best[1])):
            best = (q, -index, profile)
    if best is None:
        raise not_acceptable_profile(offered, base_iris[-1])
    return best[2]


def _names(profile: profiles.Profile, value: str, base_iris: Sequence[str]) -> bool:
    return value == profile.token or any(value == profile.iri(base) for base in base_iris)


def not_acceptable_profile(
    offered: Iterable[profiles.Profile], base_iri: str
) -> NotAcceptableError:
    available = tuple(f"<{p.iri(base_iri)}>" for p in offered)
    return NotAcceptableError(
        "None of the requested profiles can be produced here. Available: "
        + ", ".join(available)
        + f" (or add ?{PROFILE_PARAMETER}= with one of: "
        + ", ".join(p.token for p in offered)
        + f"; ?{PROFILE_PARAMETER}={profiles.ALTERNATES} lists them).",
        available,
    )


def profile_override(args: Mapping[str, str]) -> str | None:
    """The `?_profile=` value of a request, if any."""
    return args.get(PROFILE_PARAMETER) or None


def wants_alternates(args: Mapping[str, str]) -> bool:
    """A list-profiles request (`?_profile=alt`)."""
    return (args.get(PROFILE_PARAMETER) or "").strip() == profiles.ALTERNATES
