"""A cache of validated, built versions, so a start or reload of content that was already
validated reuses its build and its store instead of loading, validating, building and
writing them again (docs/operations.md, "Start-up and the version cache").

- The key is a SHA-256 over everything that decides the output: ctc-kg's version and its
  own source files, the versions of Python, zlib, rdflib, pySHACL, pyLD and pyoxigraph,
  the base IRI, whether a store is written, and every content file's relative path and
  bytes (`content_files`: ontology/, shapes/, data/).
- An entry is the folder `<cache_dir>/<key>/` holding `dist/`, `store/` (embedded store
  only) and `stamp.json`. It is made complete in a temporary folder beside it, the stamp
  written last, then renamed into place: rename is atomic, so a reader sees no entry or a
  complete one. A folder without its stamp is not an entry; it is removed and rebuilt.
  When two processes build the same key at once, the first rename wins and the other
  discards its copy.
- A process serving an entry holds a shared `flock` on its stamp (`Lease`), taken before
  the entry is used and kept until `Lease.release` (serve.py releases a retired version
  only once its old workers are gone; forked workers share the lock while they live).
  `prune` keeps the `keep` most recently used entries and removes older ones only when it
  gets an exclusive lock, so it never removes a version something still serves.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import hashlib
import json
import os
import platform
import re
import secrets
import shutil
import tempfile
import time
import zlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import ctc_kg

STAMP = "stamp.json"
KEEP = 3  # entries kept: the most recently used
LEFTOVER_SECONDS = 24 * 3600  # an abandoned temporary folder older than this is removed
_KEY = re.compile(r"^[0-9a-f]{64}$")
_LIBRARIES = ("rdflib", "pyshacl", "pyshacl-turbo", "PyLD", "pyoxigraph")


class Lease:
    """A shared lock on a cache entry: while it is held, `prune` leaves the entry alone."""

    def __init__(self, descriptor: int) -> None:
        self._descriptor: int | None = descriptor

    def release(self) -> None:
        if self._descriptor is not None:
            os.close(self._descriptor)
            self._descriptor = None

    @property
    def held(self) -> bool:
        return self._descriptor is not None


@dataclass(frozen=True)
class Entry:
    folder: Path
    triples: int | None  # quads in the store; None when no store was written
    lease: Lease


def cache_key(base_iri: str, root: Path, files: Iterable[Path], *, with_store: bool) -> str:
    """SHA-256 (hex) over everything that decides what a prepared version holds."""
    digest = hashlib.sha256()

    def part(label: str, data: bytes) -> None:
        digest.update(f"{label}\0{len(data)}\0".encode())
        digest.update(data)

    part("ctc-kg", ctc_kg.__version__.encode())
    for path in _package_sources():
        part("source " + path.relative_to(_PACKAGE).as_posix(), path.read_bytes())
    part("python", platform.python_version().encode())
    part("zlib", zlib.ZLIB_RUNTIME_VERSION.encode())
    for library in _LIBRARIES:
        part(library, _version_of(library).encode())
    part("base", base_iri.encode())
    part("store", b"embedded" if with_store else b"none")
    for path in files:
        part("file " + path.relative_to(root).as_posix(), path.read_bytes())
    return digest.hexdigest()


def lookup(cache_dir: Path, key: str) -> Entry | None:
    """The complete entry for `key`, leased (and marked as just used); None when there is
    none (no folder, or a folder without its stamp)."""
    stamp = cache_dir / key / STAMP
    try:
        descriptor = os.open(stamp, os.O_RDONLY)
    except OSError:
        return None
    try:
        fcntl.flock(descriptor, fcntl.LOCK_SH)  # waits only while `prune` removes it
        if not _same_file(descriptor, stamp):
            raise FileNotFoundError(stamp)  # removed while we waited
        with os.fdopen(os.dup(descriptor), "rb") as handle:
            recorded = json.loads(handle.read())
        if recorded.get("key") != key:
            raise ValueError(f"{stamp}: written for another key")
        os.utime(stamp)  # most recently used
    except (OSError, ValueError):
        os.close(descriptor)
        return None
    return Entry(stamp.parent, recorded.get("triples"), Lease(descriptor))


def publish(cache_dir: Path, key: str, fill: Callable[[Path], int | None]) -> Entry:
    """Build an entry with `fill(folder)` (returns the store's triples, or None) and put it
    in place; returns it leased. If another process put a complete entry for the same key
    in place first, that one is returned and this copy discarded."""
    cache_dir.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f"{key}.tmp-", dir=cache_dir))
    try:
        triples = fill(staging)
        stamp = staging / STAMP
        data = json.dumps({"key": key, "triples": triples, "created": time.time()})
        with stamp.open("w", encoding="utf-8") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        descriptor = os.open(stamp, os.O_RDONLY)
        fcntl.flock(descriptor, fcntl.LOCK_SH)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    target = cache_dir / key
    for _ in range(3):
        try:
            os.rename(staging, target)
        except OSError as error:
            if error.errno not in (errno.ENOTEMPTY, errno.EEXIST):
                os.close(descriptor)
                shutil.rmtree(staging, ignore_errors=True)
                raise
        else:
            return Entry(target, triples, Lease(descriptor))
        existing = lookup(cache_dir, key)
        if existing is not None:  # another process was first: ours is not needed
            os.close(descriptor)
            shutil.rmtree(staging, ignore_errors=True)
            return existing
        _discard(target)  # a folder without its stamp is not an entry
    os.close(descriptor)
    shutil.rmtree(staging, ignore_errors=True)
    raise OSError(f"could not put the cache entry {target} in place")


def prune(cache_dir: Path, keep: int = KEEP) -> list[Path]:
    """Remove all but the `keep` most recently used entries (never one that is leased),
    folders without a stamp, and temporary folders abandoned long ago; returns what was
    removed."""
    removed: list[Path] = []
    try:
        folders = [p for p in cache_dir.iterdir() if p.is_dir()]
    except OSError:
        return removed
    stamped: list[tuple[float, Path]] = []
    now = time.time()
    for folder in folders:
        if _KEY.match(folder.name):
            try:
                stamped.append((os.stat(folder / STAMP).st_mtime, folder))
            except OSError:  # no stamp: not an entry (lookup ignores it)
                if _discard(folder):
                    removed.append(folder)
        elif (
            _KEY.match(folder.name[:64])
            and _older_than(folder, now, LEFTOVER_SECONDS)
            and _discard(folder)
        ):
            removed.append(folder)
    stamped.sort(reverse=True)
    for _, folder in stamped[keep:]:
        if _evict(folder):
            removed.append(folder)
    return removed


def _evict(folder: Path) -> bool:
    stamp = folder / STAMP
    try:
        descriptor = os.open(stamp, os.O_RDONLY)
    except OSError:
        return False
    try:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False  # leased: a server still serves it
        return _same_file(descriptor, stamp) and _discard(folder)
    finally:
        os.close(descriptor)


def _discard(folder: Path) -> bool:
    """Rename the folder aside (atomic: nobody sees it half removed), then remove it."""
    aside = folder.with_name(f"{folder.name}.removed-{secrets.token_hex(4)}")
    try:
        os.rename(folder, aside)
    except OSError:
        return False
    shutil.rmtree(aside, ignore_errors=True)
    return True


def _same_file(descriptor: int, path: Path) -> bool:
    try:
        here = os.stat(path)
    except OSError:
        return False
    opened = os.fstat(descriptor)
    return (here.st_dev, here.st_ino) == (opened.st_dev, opened.st_ino)


def _older_than(folder: Path, now: float, seconds: float) -> bool:
    with contextlib.suppress(OSError):
        return now - folder.stat().st_mtime > seconds
    return False


_PACKAGE = Path(ctc_kg.__file__).resolve().parent


def _package_sources() -> list[Path]:
    return sorted(p for p in _PACKAGE.rglob("*.py") if "__pycache__" not in p.parts)


def _version_of(distribution: str) -> str:
    try:
        return version(distribution)
    except PackageNotFoundError:
        return "unknown"
