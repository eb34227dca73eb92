"""Shared fixtures. Each fixture owns its world; nothing changes the environment globally."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
from ctc_kg.config import Settings, load_settings, replace

from tests.live import listening

# The store backends (embedded, Virtuoso) and their fixtures, for every test folder.
pytest_plugins = ["tests.backends"]

REPOSITORY = Path(__file__).resolve().parents[1]
TEST_DATA = Path(__file__).resolve().parent / "data"
MINIMAL_ROOT = TEST_DATA / "minimal"


@pytest.fixture
def settings() -> Settings:
    """Settings over the real repository (ontology/, shapes/, data/), no config or env."""
    return load_settings({"root": REPOSITORY}, environ={})


@pytest.fixture
def tmp_settings(settings: Settings, tmp_path: Path) -> Settings:
    """The real repository, with the build output folder in tmp_path."""
    return replace(settings, out=tmp_path / "dist")


@pytest.fixture
def minimal_settings(tmp_path: Path) -> Settings:
    """The small self-contained root tests/data/minimal/, output in tmp_path."""
    return load_settings({"root": MINIMAL_ROOT, "out": tmp_path / "dist"}, environ={})


@pytest.fixture
def listener() -> Iterator[tuple[int, list[socket.socket]]]:
    """A socket on 127.0.0.1 that records every connection made to it: (port, connections)."""
    with listening() as found:
        yield found
