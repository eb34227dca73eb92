"""The web tests' world: a small dataset built once per session, a store over it, and
apps (canonical, behind a public URL, behind a trusted proxy) wired to both.

The world is parametrized over the backends: `embedded` (pyoxigraph in worker processes)
and `virtuoso` (the remote backend over a real Virtuoso, marked `virtuoso`), so every test
of the HTTP contract runs over both and must get the same answers. A test about one
backend's own machinery says so with `embedded_only` and why.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
import pytest
from ctc_kg.config import Settings, load_settings
from ctc_kg.content.build import build
from ctc_kg.content.load import ContentFiles, load_content
from ctc_kg.content.names import prefixes
from ctc_kg.content.serialize import nquads
from ctc_kg.store.base import Store
from ctc_kg.store.embedded import EmbeddedStore
from ctc_kg.web.app import create_app
from flask import Flask
from flask.testing import FlaskClient

from tests.backends import VirtuosoServers

TESTS = Path(__file__).resolve().parents[1]
MINIMAL = TESTS / "data" / "minimal"
WORLD = TESTS / "data" / "server" / "world.trig"
PROTOCOL_DATA = TESTS / "protocol" / "data.trig"
BASE = "https://w3id.org/ctc-kg/"
PUBLIC = "http://localhost:8080/kg/"


BACKENDS = [
    pytest.param("embedded", id="embedded"),
    pytest.param("virtuoso", id="virtuoso", marks=pytest.mark.virtuoso),
]
# Runs a test over the embedded world only; each use says why in a comment.
embedded_only = pytest.mark.parametrize("world", ["embedded"], indirect=True)


@dataclass(frozen=True)
class World:
    dist: Path
    store: Store
    backend: str  # "embedded" or "virtuoso"
    health_backend: str  # what /health names it


def content_files() -> ContentFiles:
    return ContentFiles(
        ontology=(MINIMAL / "ontology" / "ctc-kg.ttl",),
        shapes=(MINIMAL / "shapes" / "ctc-kg-shapes.ttl",),
        data=(WORLD, PROTOCOL_DATA, *sorted((MINIMAL / "data").glob("*.trig"))),
    )


@dataclass(frozen=True)
class Built:
    dist: Path
    nquads: bytes


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    """The world's content, validated into a build once; every backend serves it."""
    folder = tmp_path_factory.mktemp("web-world")
    content = load_content(content_files())
    build(content, folder / "dist")
    return Built(folder / "dist", nquads(content.dataset))


@pytest.fixture(scope="session")
def embedded_world(built: Built, tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    store = EmbeddedStore.create(
        built.nquads,
        tmp_path_factory.mktemp("web-store") / "store",
        prefixes=prefixes(BASE),
        workers=2,
        timeout=20.0,
    )
    yield World(built.dist, store, "embedded", "embedded")
    store.close()


@pytest.fixture(scope="session")
def virtuoso_world(built: Built, virtuoso_servers: VirtuosoServers) -> Iterator[World]:
    """The same world loaded into its own Virtuoso (its graph names are the repository's
    too, so it cannot share the repository's instance)."""
    server = virtuoso_servers.get("web-world")
    server.load(list(ox.parse(built.nquads, format=ox.RdfFormat.N_QUADS)))
    store = server.store(timeout=20.0)
    yield World(built.dist, store, "virtuoso", "sparql")
    store.close()


@pytest.fixture(scope="session", params=BACKENDS)
def world(request: pytest.FixtureRequest) -> World:
    world: World = request.getfixturevalue(f"{request.param}_world")
    return world


def web_settings(**options: object) -> Settings:
    return load_settings({"root": MINIMAL, **options}, environ={})


@pytest.fixture(scope="session")
def app(world: World) -> Flask:
    return create_app(web_settings(), world.store, dist=world.dist)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture(scope="session")
def public_app(world: World) -> Flask:
    return create_app(web_settings(public_url=PUBLIC), world.store, dist=world.dist)


@pytest.fixture
def public_client(public_app: Flask) -> FlaskClient:
    return public_app.test_client()


@pytest.fixture(scope="session")
def proxied_app(world: World) -> Flask:
    return create_app(web_settings(trust_forwarded_headers=True), world.store, dist=world.dist)
