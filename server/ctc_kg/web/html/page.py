"""What every page needs to know about the request it answers, supplied by the web layer."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlencode

from ctc_kg.web.i18n import Translator


def _identity(iri: str) -> str:
    return iri


@dataclass(frozen=True)
class Alternate:
    """The same description in another format: `<link rel="alternate">` and a visible link."""

    media_type: str
    label: str
    href: str


@dataclass(frozen=True)
class PageContext:
    """The request-specific parts of a page.

    `link` maps a canonical IRI to the href a browser should follow (the server's IRI
    rewriting supplies it, so links stay on this server); `public_iri` maps it to the IRI
    shown and embedded (the public URL with --public-url); `static` maps an asset name to
    its URL; `lang_url` gives this very page in another language (a link for this
    server), `public_lang_url` the same as an absolute URL under the public base (for
    `<link rel="alternate" hreflang>`, which search engines read only when absolute).
    """

    lang: str
    base_iri: str
    link: Callable[[str], str]
    static: Callable[[str], str]
    lang_url: Callable[[str], str]
    public_iri: Callable[[str], str] = _identity
    alternates: tuple[Alternate, ...] = ()
    public_lang_url: Callable[[str], str] | None = None

    def alternate_lang_url(self, code: str) -> str:
        """This page in language `code`, absolute when the public base is known."""
        if self.public_lang_url is not None:
            return self.public_lang_url(code)
        return self.lang_url(code)

    @property
    def t(self) -> Translator:
        return Translator(self.lang)

    def editor(self, query: str, title: str | None = None) -> str:
        """A link that opens `query` in the SPARQL editor.

        The query travels in the fragment (YASGUI reads it like a query string), so
        following the link loads the editor page and never runs the query on the way.
        """
        params = {"query": query}
        if title:
            params["tabTitle"] = title
        return self.path("sparql") + "#" + urlencode(params)

    def path(self, relative: str) -> str:
        """The href of the resource `base_iri + relative` (e.g. "sparql", "ontology")."""
        return self.link(self.base_iri + relative)
