"""The version of the data a store answers from: what every cache and every validator
(ETag, Last-Modified) of an answer computed from the store is keyed on.

The store that answers owns it (`Store.version()`): the embedded store serves one build,
and its version is that build's checksum file; a remote store is reloaded in place by
`ctc-kg load`, and its version is the load recorded in its manifest (store.manifest),
read again while the server runs (store.remote).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from ctc_kg.formats import CHECKSUMS, DATA_DUMP, NQUADS, file_name

TAG_LENGTH = 16


@dataclass(frozen=True)
class DataVersion:
    """`tag`: a short opaque id, different for different data; `modified`: when this
    version was made (Last-Modified), None when the store does not say."""

    tag: str
    modified: datetime | None = None


def tag_of(*parts: str) -> str:
    """A version tag from what identifies the data (unit separator between the parts)."""
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()[:TAG_LENGTH]


def _build_version_source(dist: Path) -> Path:
    sums = dist / CHECKSUMS
    return sums if sums.exists() else dist / file_name(DATA_DUMP, NQUADS)


def build_version(dist: Path) -> DataVersion:
    """The version of a build folder: the checksum of its checksum file (which covers
    every dump), made when that file was written."""
    source = _build_version_source(dist)
    tag = hashlib.sha256(source.read_bytes()).hexdigest()[:TAG_LENGTH]
    return DataVersion(tag, datetime.fromtimestamp(int(source.stat().st_mtime), UTC))


def combined(build: DataVersion, data: DataVersion) -> DataVersion:
    """The version of an answer made from a build (pages, the dataset's description) and
    a store's data: the build's own when the store serves that build, else both."""
    if build.tag == data.tag:
        return build
    moments = [m for m in (build.modified, data.modified) if m is not None]
    return DataVersion(tag_of(build.tag, data.tag), max(moments, default=None))
