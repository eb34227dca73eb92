"""The Virtuoso tests. The server fixtures (`virtuoso`, `virtuoso_endpoint`,
`remote_store`, `repository_settings`, `repository_quads`) live in tests/backends.py,
shared with the other folders; the names below are re-exported for this folder's tests.

Every test in this folder is marked `virtuoso` (pytest -m virtuoso / -m "not virtuoso").
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.backends import BASE, REPOSITORY, SCRIPT, VirtuosoServer, free_port

__all__ = ["BASE", "REPOSITORY", "SCRIPT", "VirtuosoServer", "free_port"]

HERE = Path(__file__).resolve().parent


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if Path(str(item.fspath)).resolve().is_relative_to(HERE):
            item.add_marker(pytest.mark.virtuoso)
