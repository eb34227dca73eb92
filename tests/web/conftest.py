"""The web tests' world: a small dataset built once per session, an embedded store over
it, and apps (canonical, behind a public URL, behind a trusted proxy) wired to both."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from ctc_kg.config import Settings, load_settings
from ctc_kg.content.build import build
from ctc_kg.content.load import ContentFiles, load_content
from ctc_kg.content.names import prefixes
from ctc_kg.content.serialize import nquads
from ctc_kg.store.embedded import EmbeddedStore
from ctc_kg.web.app import create_app
from flask import Flask
from flask.testing import FlaskClient

TESTS = Path(__file__).resolve().parents[1]
MINIMAL = TESTS / "data" / "minimal"
WORLD = TESTS / "data" / "server" / "world.trig"
PROTOCOL_DATA = TESTS / "protocol" / "data.trig"
BASE = "https://w3id.org/ctc-kg/"
PUBLIC = "http://localhost:8080/kg/"


@dataclass(frozen=True)
class World:
    dist: Path
    store: EmbeddedStore


def content_files() -> ContentFiles:
    return ContentFiles(
        ontology=(MINIMAL / "ontology" / "ctc-kg.ttl",),
        shapes=(MINIMAL / "shapes" / "ctc-kg-shapes.ttl",),
        data=(WORLD, PROTOCOL_DATA, *sorted((MINIMAL / "data").glob("*.trig"))),
    )


@pytest.fixture(scope="session")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    folder = tmp_path_factory.mktemp("web-world")
    content = load_content(content_files())
    build(content, folder / "dist")
    store = EmbeddedStore.create(
        nquads(content.dataset),
        folder / "store",
        prefixes=prefixes(BASE),
        workers=2,
        timeout=20.0,
    )
    yield World(folder / "dist", store)
    store.close()


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
