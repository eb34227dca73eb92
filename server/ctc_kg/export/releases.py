"""The releases in the static site: what `ctc-kg serve` answers under /release/ and
/timemap/, as files (web.memento).

Written: the release list and each release's description (negotiated like every other
resource: `release/index.*`, `release/V.*`), each memento (`release/V/<path>.*`, one file
per RDF format), each release's frozen files (`release/V/dump/NAME`) and each resource's
TimeMap (`timemap/<path>`, served as application/link-format by the generated nginx and
Apache configurations). Not offered by static files: the TimeGate (datetime negotiation on
`Accept-Datetime`: a web server's configuration cannot compare HTTP-dates) and the
`/release/latest` redirect; a client reads the TimeMap and follows its mementos instead.
"""

from __future__ import annotations

from collections.abc import Callable

import pyoxigraph as ox

from ctc_kg import formats, iris
from ctc_kg.content.releases import FILE_TYPES
from ctc_kg.export.layout import Negotiable
from ctc_kg.web.memento import releases
from ctc_kg.web.site import Site

TIMEMAPS = "timemap/"

Negotiate = Callable[[str], "tuple[Negotiable, dict[str, bytes]] | None"]
Get = Callable[[str, str], "tuple[int, str, bytes]"]


def release_paths(state: Site) -> list[str]:
    """Paths (after the base) of every IRI under the base any release mentions."""
    base = state.settings.base_iri
    found: set[str] = set()
    for release in releases(state):
        for quad in ox.parse(release.nquads(), format=formats.NQUADS.rdf_format):
            for term in (quad.subject, quad.predicate, quad.object, quad.graph_name):
                path = (
                    iris.document_path(term.value, base) if isinstance(term, ox.NamedNode) else None
                )
                if path is not None:
                    found.add(path)
    found.discard("")
    return sorted(found)


def capture_releases(
    state: Site, negotiable: Negotiate, get: Get
) -> tuple[dict[str, bytes], list[Negotiable]]:
    """Files and negotiated URLs of the releases, from the app (`negotiable`, `get`)."""
    files: dict[str, bytes] = {}
    negotiables: list[Negotiable] = []
    known = releases(state)
    if not known:
        return files, negotiables
    paths = release_paths(state)
    targets = ["release/", *(f"release/{r.version}" for r in known)]
    targets += [f"release/{r.version}/{path}" for r in known for path in paths]
    for target in targets:
        found = negotiable(target)
        if found is not None:
            negotiables.append(found[0])
            files.update(found[1])
    for release in known:
        for name in FILE_TYPES:
            status, _, body = get(f"release/{release.version}/dump/{name}", "*/*")
            if status == 200:
                files[f"release/{release.version}/dump/{name}"] = body
    for path in paths:
        status, _, body = get(TIMEMAPS + path, "application/link-format")
        if status == 200:
            files[TIMEMAPS + path] = body
    return files, negotiables
