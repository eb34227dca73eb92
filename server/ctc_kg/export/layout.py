"""Where each representation of a resource lives in the site folder.

A resource whose IRI is `B + p` has one file per representation beside `p`:
`p.ttl`, `p.jsonld`, `p.nt`, `p.rdf`, `p.trig`, `p.nq`, `p.html` (the page in the
default language) and `p.<lang>.html` for each other language. `B` itself (the landing
page and the dataset description) uses the stem `index`. The web server configurations
(nginx.py, apache.py) map an extension-less request onto these names.
"""

from __future__ import annotations

from dataclasses import dataclass

from ctc_kg import formats
from ctc_kg.formats import Format
from ctc_kg.web.i18n import DEFAULT_LANGUAGE, LANGUAGES

__all__ = ["DEFAULT_LANGUAGE", "LANGUAGES", "Negotiable", "stem_of", "variant_file"]

INDEX = "index"


def stem_of(path: str) -> str:
    """The file stem of the resource at `path` (relative to the base, no leading slash)."""
    if path == "" or path.endswith("/"):
        return path + INDEX
    return path


def variant_file(stem: str, fmt: Format, lang: str = DEFAULT_LANGUAGE) -> str:
    """The file holding `fmt` (and, for HTML, the page in `lang`)."""
    if fmt is formats.HTML and lang != DEFAULT_LANGUAGE:
        return f"{stem}.{lang}.{fmt.name}"
    return f"{stem}.{fmt.name}"


@dataclass(frozen=True)
class Negotiable:
    """A URL served under content negotiation: its path and the formats it offers, in the
    server's order of preference (the first is the default)."""

    path: str  # relative to the public base, "" for the landing page
    offered: tuple[Format, ...]

    @property
    def stem(self) -> str:
        return stem_of(self.path)

    @property
    def languages(self) -> tuple[str, ...]:
        return LANGUAGES if formats.HTML in self.offered else ()

    def files(self) -> tuple[tuple[str, Format, str], ...]:
        """(file name, format, language) of every representation."""
        found: list[tuple[str, Format, str]] = []
        for fmt in self.offered:
            languages = self.languages if fmt is formats.HTML else (DEFAULT_LANGUAGE,)
            for lang in languages:
                found.append((variant_file(self.stem, fmt, lang), fmt, lang))
        return tuple(found)


@dataclass(frozen=True)
class Deployment:
    """Where the site is published: its public base URL (ends with `/`), and the live
    SPARQL endpoint `/sparql` should send clients to (None: the static site has none)."""

    public_base: str
    sparql_endpoint: str | None = None

    @property
    def origin(self) -> str:
        """`scheme://host[:port]` of the public base."""
        scheme, _, rest = self.public_base.partition("://")
        return f"{scheme}://{rest.split('/', 1)[0]}"

    @property
    def prefix(self) -> str:
        """The public base's path, with leading and trailing `/` (`/` at the root)."""
        return self.public_base[len(self.origin) :] or "/"


DEPLOY_FOLDER = ".deploy"  # server configuration and error pages, never served as such
NOT_FOUND_PAGE = f"{DEPLOY_FOLDER}/404.html"
NOT_ACCEPTABLE_PAGE = f"{DEPLOY_FOLDER}/406.txt"
