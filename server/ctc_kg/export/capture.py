"""Capture every representation from the server's own app, so the files hold the bytes
`ctc-kg serve` answers (same code path: describe, rewrite, render, pages).

The app is wired by the caller as `ctc-kg serve` wires it (create_app over a build and a
store; runtime/static_site.py) and driven here by its test client at the public base, so IRIs,
links and script paths are those of the deployment.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient
from rdflib import URIRef
from werkzeug.exceptions import HTTPException

from ctc_kg import formats, iris
from ctc_kg.content.frames import FRAMES, FRAMES_FOLDER, RESOURCE_FRAME
from ctc_kg.content.load import Content
from ctc_kg.errors import CtcKgError
from ctc_kg.export.layout import NOT_ACCEPTABLE_PAGE, NOT_FOUND_PAGE, Negotiable
from ctc_kg.export.releases import capture_releases
from ctc_kg.formats import Format
from ctc_kg.web import conneg, published
from ctc_kg.web.site import Site

# Endpoints of the app whose URLs are negotiated descriptions, and what each offers.
NEGOTIATED_ENDPOINTS: dict[str, tuple[Format, ...]] = {
    "resources.landing": conneg.RESOURCE_FORMATS,
    "resources.resource": conneg.RESOURCE_FORMATS,
    "resources.void": formats.GRAPH_FORMATS,
    "dumps.catalog": formats.GRAPH_FORMATS,
    "memento.listing": conneg.RESOURCE_FORMATS,
    "memento.one_release": conneg.RESOURCE_FORMATS,
    "memento.memento": formats.GRAPH_FORMATS,
}
FIXED_PATHS = (".well-known/void", "catalog")
MISSING = "no-such-resource-in-ctc-kg"  # a path no IRI has: the 404 page
UNACCEPTABLE = "application/x-ctc-kg-unacceptable"


class ExportError(CtcKgError):
    """The app answered a representation the export expected with an error."""

    status = 500


@dataclass(frozen=True)
class Captured:
    files: dict[str, bytes]  # site-relative name -> bytes
    negotiables: tuple[Negotiable, ...]  # sorted by path


def candidate_paths(content: Content, base_iri: str) -> list[str]:
    """Paths (after the base) of every IRI under the base the content mentions, without
    fragments: subjects, predicates, objects and graph names."""
    found: set[str] = set()
    for quad in content.dataset.quads():
        for term in quad:
            path = iris.document_path(str(term), base_iri) if isinstance(term, URIRef) else None
            if path is not None:
                found.add(path)
    return sorted(found)


class Capturer:
    def __init__(self, app: Flask, public_base: str) -> None:
        self.app = app
        self.client: FlaskClient = app.test_client()
        self.public_base = public_base
        self.adapter = app.url_map.bind("localhost")

    def get(self, path: str, accept: str, language: str | None = None) -> tuple[int, str, bytes]:
        headers = {"Accept": accept}
        if language:
            headers["Accept-Language"] = language
        response = self.client.get("/" + path, base_url=self.public_base, headers=headers)
        try:
            return response.status_code, response.headers.get("Content-Type", ""), response.data
        finally:
            response.close()  # static files are streamed from an open file

    def endpoint(self, path: str) -> str | None:
        try:
            endpoint, _ = self.adapter.match("/" + path, method="GET")
        except HTTPException:  # no route (404), another method (405), a redirect
            return None
        return str(endpoint)

    def negotiable(self, path: str) -> tuple[Negotiable, dict[str, bytes]] | None:
        """Every representation of `path`, or None when the app has no resource there."""
        endpoint = self.endpoint(path)
        if endpoint not in NEGOTIATED_ENDPOINTS:
            return None
        item = Negotiable(path, NEGOTIATED_ENDPOINTS[endpoint])
        files: dict[str, bytes] = {}
        for name, fmt, lang in item.files():
            status, content_type, body = self.get(path, fmt.media_type, lang)
            if status == 404 and not files:
                return None
            if status != 200 or content_type != fmt.content_type:
                raise ExportError(f"/{path} as {fmt.media_type}: {status} {content_type}")
            files[name] = body
        return item, files

    def plain(self, path: str) -> bytes:
        status, _, body = self.get(path, "*/*")
        if status != 200:
            raise ExportError(f"/{path}: {status}")
        return body


def _site_state(app: Flask) -> Site:
    state: Site = app.extensions["ctc_kg"]
    return state


def capture(app: Flask, content: Content, base_iri: str, public_base: str) -> Captured:
    """Every page, description, dump, context and asset `app` answers, by path."""
    capturer = Capturer(app, public_base)
    files: dict[str, bytes] = {}
    negotiables: list[Negotiable] = []
    paths = {"", *FIXED_PATHS, *candidate_paths(content, base_iri)}
    for path in sorted(paths):
        found = capturer.negotiable(path)
        if found is not None:
            item, representations = found
            negotiables.append(item)
            files.update(representations)
    state = _site_state(app)
    released, frozen = capture_releases(state, capturer.negotiable, capturer.get)
    files.update(released)
    negotiables.extend(frozen)
    negotiables.sort(key=lambda item: item.path)
    for name in published.files(state):
        files[f"dump/{name}"] = capturer.plain(f"dump/{name}")
    files["context/v1.jsonld"] = capturer.plain("context/v1.jsonld")
    for frame in (*FRAMES, RESOURCE_FRAME):  # published beside the context
        name = f"{FRAMES_FOLDER}/{frame.name}.jsonld"
        files[name] = capturer.plain(name)
    static = Path(app.static_folder or "")
    for asset in sorted(static.rglob("*")):
        if asset.is_file():
            name = asset.relative_to(static).as_posix()
            files[f"static/{name}"] = capturer.plain(f"static/{name}")
    status, _, page = capturer.get(MISSING, formats.HTML.media_type)
    if status != 404:
        raise ExportError(f"/{MISSING}: expected 404, got {status}")
    files[NOT_FOUND_PAGE] = page
    status, _, message = capturer.get("", UNACCEPTABLE)
    if status != 406:
        raise ExportError(f"/ as {UNACCEPTABLE}: expected 406, got {status}")
    files[NOT_ACCEPTABLE_PAGE] = message
    return Captured(files, tuple(negotiables))
