"""Start-up work: validate the content, build it into a private folder, write the store.

Done once, before the WSGI server forks its workers, so every worker serves the same
build and none depends on a stale `dist/`. Invalid content raises ValidationFailedError
with the SHACL report. With a remote store (`--store sparql+...`) the content is still
validated and built (the dumps and the dataset's description are served from the build),
but no embedded store is written: the data is in the store (`ctc-kg load`).
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from ctc_kg.config import Settings
from ctc_kg.content.build import build
from ctc_kg.content.load import content_files, load_content
from ctc_kg.content.serialize import nquads
from ctc_kg.content.validate import validate_content
from ctc_kg.errors import StoreUnavailableError, ValidationFailedError
from ctc_kg.store.base import Store
from ctc_kg.store.embedded import EmbeddedStore, write_store
from ctc_kg.store.remote import endpoint_of, remote_store


@dataclass(frozen=True)
class Prepared:
    workdir: Path
    dist: Path
    store_dir: Path | None  # None: the store is remote, no embedded store was written
    triples: int | None

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
        )

    def cleanup(self) -> None:
        shutil.rmtree(self.workdir, ignore_errors=True)


def query_workers(settings: Settings) -> int:
    """Query processes per WSGI worker: one per request thread, within the global cap."""
    return max(1, min(settings.threads, settings.max_concurrent_queries))


def open_store(settings: Settings, prepared: Prepared, prefixes: Mapping[str, str]) -> Store:
    """The store the settings name: remote (`sparql+...`) or the prepared embedded one."""
    if endpoint_of(settings.store) is not None:
        return remote_store(settings, prefixes)
    return prepared.open_store(settings, prefixes)


def prepare(settings: Settings) -> Prepared:
    content = load_content(content_files(settings), settings.base_iri)
    report = validate_content(content)
    if not report.conforms:
        raise ValidationFailedError(report.text())
    workdir = Path(tempfile.mkdtemp(prefix="ctc-kg-serve-"))
    try:
        dist = workdir / "dist"
        build(content, dist)
        store_dir: Path | None = None
        triples: int | None = None
        if endpoint_of(settings.store) is None:
            store_dir = workdir / "store"
            triples = write_store(nquads(content.dataset), store_dir)
    except BaseException:
        shutil.rmtree(workdir, ignore_errors=True)
        raise
    return Prepared(workdir, dist, store_dir, triples)
