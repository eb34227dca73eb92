"""Start-up work: validate the content, build it into a private folder, write the store.

Done once, before the WSGI server forks its workers, so every worker serves the same
build and none depends on a stale `dist/`. Invalid content raises ValidationFailedError
with the SHACL report. With a remote store (`--store sparql+...`) the content is still
validated and built (the dumps and the dataset's description are served from the build),
but no embedded store is written: the data is in the store (`ctc-kg load`).

With a cache (`cache_dir`, on unless `cache` is off; runtime/version_cache.py) the folder is a
cache entry keyed by the content and everything else that decides the output: content that
was validated and built before is served from its entry without being loaded again, and a
new version is validated while it is built into an entry, which is put in place only when
the content conforms (invalid content is never cached; runtime/validation_aside.py). One
line on stderr says which happened.

`ctc-kg serve` prepares `isolated`: the load, validation and build run in a child process.
The server's master forks its workers from itself, so content validated in its own memory
(rdflib and pySHACL graphs, several GiB at 1M quads: docs/performance.md) would stay in the
master and be inherited by every worker, at every reload.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
import time
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

from ctc_kg.config import Settings
from ctc_kg.content.build import build
from ctc_kg.content.load import Content, ContentFiles, content_files, load_content
from ctc_kg.errors import StoreUnavailableError, UnusableInputError
from ctc_kg.runtime.isolated import run_isolated
from ctc_kg.runtime.store_writer import StoreWriter, write_store_beside
from ctc_kg.runtime.validation_aside import ValidationAside
from ctc_kg.runtime.version_cache import Lease, cache_key, lookup, prune, publish
from ctc_kg.store.base import Store
from ctc_kg.store.embedded import EmbeddedStore
from ctc_kg.store.remote import endpoint_of, remote_store
from ctc_kg.store.version import build_version


@dataclass(frozen=True)
class Prepared:
    workdir: Path  # a private temporary folder, or a cache entry (`lease` is then set)
    dist: Path
    store_dir: Path | None  # None: the store is remote, no embedded store was written
    triples: int | None
    from_cache: bool = False  # True: nothing was loaded, validated or built
    lease: Lease | None = field(default=None, compare=False, repr=False)

    def open_store(self, settings: Settings, prefixes: Mapping[str, str]) -> EmbeddedStore:
        """An embedded store over the prepared directory, sized from the settings."""
        if self.store_dir is None or self.triples is None:
            raise StoreUnavailableError("No embedded store was prepared: the store is remote.")
        return EmbeddedStore(
            self.store_dir,
            triples=self.triples,
            prefixes=prefixes,
            workers=query_workers(settings),
            timeout=settings.query_timeout,
            service_allow_list=settings.service_allow_list,
            in_memory=self.triples <= settings.memory_store_max_triples,
            version=build_version(self.dist),
        )

    def cleanup(self) -> None:
        """Done with this version: a private folder is removed; a cache entry stays for
        the next start and is only released (the cache may then remove it)."""
        if self.lease is not None:
            self.lease.release()
        else:
            shutil.rmtree(self.workdir, ignore_errors=True)


def query_workers(settings: Settings) -> int:
    """Query processes per WSGI worker: one per request thread, within the global cap."""
    return max(1, min(settings.threads, settings.max_concurrent_queries))


def open_store(settings: Settings, prepared: Prepared, prefixes: Mapping[str, str]) -> Store:
    """The store the settings name: remote (`sparql+...`) or the prepared embedded one."""
    if endpoint_of(settings.store) is not None:
        return remote_store(settings, prefixes)
    return prepared.open_store(settings, prefixes)


def prepare(settings: Settings, *, isolated: bool = False) -> Prepared:
    """The version the content in `settings` makes: from the cache, or validated and built.

    `isolated`: what has to be loaded, validated and built is done in a child process (see
    the module's docstring); this process only opens the result. A cached version needs no
    child. Errors are the same either way (ValidationFailedError, UnusableInputError).
    """
    with_store = endpoint_of(settings.store) is None
    cache_dir = settings.cache_dir if settings.cache else None
    if cache_dir is None:
        if isolated:
            return run_isolated(_prepare_privately, settings, with_store)
        return _prepare_privately(settings, with_store)
    for _ in range(3):
        if isolated:
            prepared = _from_cache(settings, cache_dir, with_store)
            if prepared is None:
                run_isolated(_fill_cache, settings, cache_dir, with_store)
                prepared = _from_cache(settings, cache_dir, with_store, quiet=True)
                if prepared is not None:  # validated and built, if not here
                    prepared = replace(prepared, from_cache=False)
        else:
            prepared = _prepare_cached(settings, cache_dir, with_store)
        if prepared is not None:
            prune(cache_dir)
            return prepared
    raise UnusableInputError("the content kept changing while it was validated and built")


def prepare_built(settings: Settings, content: Content, dist: Path) -> Prepared:
    """The version of a build already written into `dist` from `content`, which was
    validated before it was built (`ctc-kg build --site`): nothing is loaded, validated or
    built again; only the embedded store is written, into a private folder (`cleanup`
    removes it and leaves `dist`)."""
    with_store = endpoint_of(settings.store) is None
    workdir = Path(tempfile.mkdtemp(prefix="ctc-kg-site-"))
    try:
        triples = write_store_beside(content, dist, workdir / "store") if with_store else None
    except BaseException:
        shutil.rmtree(workdir, ignore_errors=True)
        raise
    store_dir = workdir / "store" if with_store else None
    return Prepared(workdir, dist, store_dir, triples)


def _fill_cache(settings: Settings, cache_dir: Path, with_store: bool) -> None:
    """In the child: validate and build into a cache entry, and let go of it (the parent
    opens it from the cache, with its own lease)."""
    prepared = _prepare_cached(settings, cache_dir, with_store)
    if prepared is not None and prepared.lease is not None:
        prepared.lease.release()


def _from_cache(
    settings: Settings,
    cache_dir: Path,
    with_store: bool,
    *,
    key: str | None = None,
    quiet: bool = False,
) -> Prepared | None:
    """The version from its cache entry, or None when the content is not cached."""
    entry = lookup(cache_dir, key or _key(settings, content_files(settings), with_store))
    if entry is None:
        return None
    if not quiet:
        _say(f"from the cache, nothing validated or built ({entry.folder})")
    return _prepared(entry.folder, entry.triples, with_store, True, entry.lease)


def _prepare_cached(settings: Settings, cache_dir: Path, with_store: bool) -> Prepared | None:
    """The version from its cache entry, or validated and built into a new entry; None when
    a content file changed while it was built (the key would not describe the build)."""
    began = time.monotonic()
    files = content_files(settings)
    key = _key(settings, files, with_store)
    cached = _from_cache(settings, cache_dir, with_store, key=key)
    if cached is not None:
        return cached
    phases: dict[str, float] = {}
    content = _loaded(settings, files, phases)

    def fill(folder: Path) -> int | None:
        triples = validate_and_build(content, folder, with_store, phases)
        if _key(settings, content_files(settings), with_store) != key:
            raise _ContentChangedError
        return triples

    try:
        entry = publish(cache_dir, key, fill)
    except _ContentChangedError:
        _say("a content file changed while it was built; starting again")
        return None
    took = time.monotonic() - began
    _say(f"validated and built in {took:.1f} s ({_phases(phases)}), cached in {entry.folder}")
    return _prepared(entry.folder, entry.triples, with_store, False, entry.lease)


class _ContentChangedError(Exception):
    """A content file changed while it was validated and built: the key no longer says
    what the build holds, so it must not be cached under it."""


def _prepare_privately(settings: Settings, with_store: bool) -> Prepared:
    began = time.monotonic()
    phases: dict[str, float] = {}
    content = _loaded(settings, content_files(settings), phases)
    workdir = Path(tempfile.mkdtemp(prefix="ctc-kg-serve-"))
    try:
        triples = validate_and_build(content, workdir, with_store, phases)
    except BaseException:
        shutil.rmtree(workdir, ignore_errors=True)
        raise
    took = time.monotonic() - began
    _say(f"validated and built in {took:.1f} s ({_phases(phases)}; no cache)")
    return _prepared(workdir, triples, with_store, False, None)


def _loaded(settings: Settings, files: ContentFiles, phases: dict[str, float]) -> Content:
    began = time.monotonic()
    content = load_content(files, settings.base_iri)
    phases["load"] = time.monotonic() - began
    return content


def validate_and_build(
    content: Content, folder: Path, with_store: bool, phases: dict[str, float]
) -> int | None:
    """`build_and_store` while `content` is validated in a process of its own
    (runtime/validation_aside.py); ValidationFailedError when it does not conform, and the
    caller removes `folder`: nothing of it is published. `phases["validate"]`: the
    validation's own time (it overlaps the build's)."""
    phases.setdefault("validate", 0.0)  # reported in the order the steps begin
    checking = ValidationAside(content)
    try:
        try:
            triples = build_and_store(content, folder, with_store, phases)
        except Exception:
            checking.check()  # data that does not conform: its violations say more
            raise
        phases["validate"] = checking.check()
        return triples
    finally:
        checking.stop()


def build_and_store(
    content: Content, folder: Path, with_store: bool, phases: dict[str, float]
) -> int | None:
    """Write `dist/` (and `store/`) into folder; the store's triples, or None. `phases`
    gets the build's time and the store's: the time waited for it once the build is done
    (the start's log line and bench.phases report them).

    The store is written while the build runs (runtime/store_writer.py), from the data's
    N-Quads as soon as the build has them: its process takes the core the build leaves
    idle. If either fails, the other is ended and the error raised: the caller removes
    the folder, nothing of it is published."""
    began = time.monotonic()
    if not with_store:
        build(content, folder / "dist")
        phases["build"] = time.monotonic() - began
        return None
    folder.mkdir(parents=True, exist_ok=True)  # the store may start before the build's folder
    writer = StoreWriter(content, folder / "store")
    try:
        build(content, folder / "dist", on_data_nquads=writer.start)
        built = time.monotonic()
        phases["build"] = built - began
        triples = writer.finish()
    finally:
        writer.stop()
    phases["store"] = time.monotonic() - built
    return triples


def _phases(phases: dict[str, float]) -> str:
    """`load 1.2 s, validate 3.4 s, ...`: where a start's time went (the benchmark reads it)."""
    return ", ".join(f"{name} {seconds:.1f} s" for name, seconds in phases.items())


def _prepared(
    folder: Path, triples: int | None, with_store: bool, from_cache: bool, lease: Lease | None
) -> Prepared:
    store_dir = folder / "store" if with_store else None
    return Prepared(folder, folder / "dist", store_dir, triples, from_cache, lease)


def _key(settings: Settings, files: ContentFiles, with_store: bool) -> str:
    return cache_key(settings.base_iri, settings.root, files.all, with_store=with_store)


def _say(line: str) -> None:
    """The one line a start or reload writes about where its version came from."""
    print(f"ctc-kg: prepared the data: {line}", file=sys.stderr, flush=True)
