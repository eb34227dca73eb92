"""What the routes share: settings, the store, the build folder, the versions.

One `Site` per app, kept in `app.extensions["ctc_kg"]`; routes get it with `site()`.

Two versions key the caches and validators. The build's (`version`, `last_modified`) is
fixed for the life of the app: what is served from the build folder alone (dumps, the
JSON-LD context, the catalogue) is keyed on it. The data's (`data_version()`) is the
store's (`Store.version()`) combined with the build's: every answer computed from the
store (descriptions, pages, query results) is keyed on it, so a remote store reloaded by
`ctc-kg load` is seen without a restart. It is read once per request.
"""

from __future__ import annotations

import math
import queue
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterator, MutableMapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from flask import current_app, request

from ctc_kg.config import Settings
from ctc_kg.content.names import prefixes
from ctc_kg.errors import ServiceBusyError
from ctc_kg.formats import CHECKSUMS
from ctc_kg.store.base import Store
from ctc_kg.store.version import DataVersion, build_version, combined
from ctc_kg.web.rewrite import ForwardedHeaders, IriMap, public_base

__all__ = ["CHECKSUMS", "Site", "site", "version_of"]
#: Where a request keeps the data version it was answered under (WSGI environ).
DATA_VERSION_KEY = "ctc_kg.data_version"
#: Values `Site.cached` keeps: the most recently used (one per public base and format
#: for some, and the public base can come from the request's forwarded headers).
CACHED_KEYS = 256


@dataclass
class Site:
    settings: Settings
    store: Store
    dist: Path
    _cache: OrderedDict[tuple[str, ...], Any] = field(default_factory=OrderedDict)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _data_tag: str | None = None  # the data version of the values `cached` keeps

    def __post_init__(self) -> None:
        self.build = build_version(self.dist)
        self.version = self.build.tag
        self.last_modified = self.build.modified
        self.prefixes = prefixes(self.settings.base_iri)
        # The slots as tokens in a SimpleQueue: a C-level get/put, where threading's
        # Semaphore runs a Condition in Python (a lock, a notify, a waiter list) on every
        # query (issue 16; docs/performance.md).
        self._query_slots: queue.SimpleQueue[None] = queue.SimpleQueue()
        for _ in range(max(1, self.settings.max_concurrent_queries)):
            self._query_slots.put(None)

    @contextmanager
    def query_slot(self) -> Iterator[None]:
        """Hold one of this worker's `max_concurrent_queries` slots while a query runs.

        A query waits at most `query_queue_timeout` for a slot, then gets ServiceBusyError
        (503 with Retry-After): under overload the server sheds queries instead of letting
        them pile up behind the busy ones, and resources and dumps keep being served by
        the request threads that are not waiting.
        """
        wait = max(0.0, self.settings.query_queue_timeout)
        try:
            self._query_slots.get(timeout=wait)
        except queue.Empty:
            raise ServiceBusyError(
                f"All {self.settings.max_concurrent_queries} query slots stayed busy for "
                f"{wait:g} s; try again shortly.",
                retry_after=max(1, math.ceil(wait)),
            ) from None
        try:
            yield
        finally:
            self._query_slots.put(None)

    def data_version(self, environ: MutableMapping[str, Any] | None = None) -> DataVersion:
        """The version of the data this request is answered from (see the module's
        docstring), asked of the store once per request: the ETag, the Last-Modified and
        the cache keys of one answer all follow the same reading."""
        where = request.environ if environ is None else environ
        found = where.get(DATA_VERSION_KEY)
        if found is None:
            found = where[DATA_VERSION_KEY] = combined(self.build, self.store.version())
            self._follow(found.tag)
        assert isinstance(found, DataVersion)
        return found

    def _follow(self, tag: str) -> None:
        """Drop the cached values made under another data version (their keys name it):
        nothing made from the store's data outlives the version it was made from."""
        with self._lock:
            if tag == self._data_tag:
                return
            stale = self._data_tag
            self._data_tag = tag
            if stale is not None:
                for key in [key for key in self._cache if stale in key]:
                    del self._cache[key]

    def iri_map(self) -> IriMap:
        """The mapping between canonical IRIs and this request's public base."""
        forwarded = None
        if self.settings.trust_forwarded_headers:
            forwarded = ForwardedHeaders(
                proto=request.headers.get("X-Forwarded-Proto"),
                host=request.headers.get("X-Forwarded-Host"),
                prefix=request.headers.get("X-Forwarded-Prefix"),
            )
        base = self.settings.base_iri
        return IriMap(base, public_base(base, self.settings.public_url, forwarded))

    def cached(self, key: tuple[str, ...], make: Callable[[], Any]) -> Any:
        """A value computed once per key (the pages' renderer and indexes, the build's
        files as served under a public base), the CACHED_KEYS most recently used kept.
        A value made from the store's data has the data version's tag in its key, and is
        dropped when the store answers from another version (`data_version`). Whole
        answers are cached by web.response_cache, not here."""
        with self._lock:
            if key in self._cache:
                self._cache.move_to_end(key)
                return self._cache[key]
        value = make()
        with self._lock:
            self._cache[key] = value
            self._cache.move_to_end(key)
            while len(self._cache) > CACHED_KEYS:
                self._cache.popitem(last=False)
        return value

    def close(self) -> None:
        self.store.close()


def version_of(dist: Path) -> str:
    """The version tag of a build folder (store.version.build_version)."""
    return build_version(dist).tag


def site() -> Site:
    found: Site = current_app.extensions["ctc_kg"]
    return found
