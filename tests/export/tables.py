"""The requests both the live server and the static site must answer alike."""

from __future__ import annotations

BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8"

# Accept headers: exact types, aliases, q-values, wildcards, exclusions, ties, malformed.
ACCEPT_HEADERS: tuple[str | None, ...] = (
    None,
    "",
    "*/*",
    "text/html",
    "text/turtle",
    "application/ld+json",
    "application/n-triples",
    "application/rdf+xml",
    "application/trig",
    "application/n-quads",
    BROWSER,
    "text/html;q=0.1, text/turtle",
    "text/turtle;q=0.5, application/ld+json;q=0.9",
    "text/*",
    "text/*;q=0.9, text/turtle;q=0.2",
    "application/*",
    "application/*;q=0.8, text/html;q=0.1",
    "*/*;q=0.1, application/n-triples",
    "text/turtle;q=0",
    "text/html;q=0, */*",
    "image/png",
    "image/*, text/plain",
    "text/turtle;q=0, application/ld+json;q=0, */*;q=0",
    "application/xml",
    "text/xml;q=0.5, text/html;q=0.4",
    "application/rdf+xml;q=0.2, application/xml;q=0.9, text/turtle;q=0.5",
    "application/xhtml+xml",
    "text/turtle, application/rdf+xml;q=0.9, application/n-triples;q=0.8, */*;q=0.1",
    "TEXT/TURTLE",
    "text/turtle ; q=0.5 , application/n-quads ; q=0.6",
    "text/turtle;q=0.500, application/trig;q=0.5",
    "application/trig;q=0.5, text/turtle;q=0.5",
    "application/trig;q=0.51, text/turtle;q=0.509",
    "text/turtle;q=abc, application/ld+json;q=0.3",
    "text/html;level=1",
    "garbage",
    ",,text/turtle",
    "application/n-quads;q=1.0, text/turtle;q=.9",
    "text/turtle, */*",
)

# Query strings: the ?format= override (names, media types, aliases, unknown), ?lang=.
QUERIES: tuple[str, ...] = (
    "format=ttl",
    "format=jsonld",
    "format=TTL",
    "format=turtle",
    "format=text%2Fturtle",
    "format=application/n-triples",
    "format=rdf",
    "format=nq",
    "format=html",
    "format=bogus",
    "_mediatype=application%2Fld%2Bjson",
    "lang=fr",
    "lang=fr-CA",
    "lang=de",
    "format=html&lang=fr",
)

# Accept-Language headers for the pages.
LANGUAGE_HEADERS: tuple[str, ...] = (
    "fr",
    "fr-CA",
    "en",
    "de, fr;q=0.5",
    "en;q=0.3, fr;q=0.7",
    "fr;q=0.5, en;q=0.5",
    "*",
    "de",
)
