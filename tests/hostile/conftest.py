"""The hardening tests' own world: the web tests' small dataset, built once, served by an
embedded store (these tests are about the embedded backend's limits and the HTTP layer)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from ctc_kg.content.build import build
from ctc_kg.content.load import load_content
from ctc_kg.content.names import prefixes
from ctc_kg.content.serialize import nquads
from ctc_kg.store.embedded import EmbeddedStore
from ctc_kg.web.app import create_app
from flask.testing import FlaskClient

from tests.web.conftest import BASE, content_files, web_settings


@dataclass(frozen=True)
class HostileWorld:
    dist: Path
    store: EmbeddedStore


@pytest.fixture(scope="session")
def hostile_world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[HostileWorld]:
    folder = tmp_path_factory.mktemp("hostile-world")
    content = load_content(content_files())
    build(content, folder / "dist")
    store = EmbeddedStore.create(
        nquads(content.dataset),
        folder / "store",
        prefixes=prefixes(BASE),
        workers=2,
        timeout=20.0,
    )
    yield HostileWorld(folder / "dist", store)
    store.close()


@pytest.fixture(scope="session")
def hostile_client(hostile_world: HostileWorld) -> FlaskClient:
    app = create_app(web_settings(), hostile_world.store, dist=hostile_world.dist)
    return app.test_client()


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """The load test's numbers in the summary, whatever the capture mode."""
    for report in terminalreporter.stats.get("passed", []) + terminalreporter.stats.get(
        "failed", []
    ):
        for name, value in getattr(report, "user_properties", []):
            if name == "load_test" and report.when == "call":
                latency = value["latency_ms"]
                terminalreporter.write_line(
                    f"load test: {value['requests']} requests, {value['rps']} req/s, "
                    f"p50 {latency['p50']} ms, p99 {latency['p99']} ms, "
                    f"errors {value['errors']}, bad answers {len(value['bad_answers'])}"
                )
