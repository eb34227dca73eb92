"""What the routes share: settings, the store, the build folder, the dataset's version.

One `Site` per app, kept in `app.extensions["ctc_kg"]`; routes get it with `site()`.
"""

from __future__ import annotations

import hashlib
import math
import queue
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ctc_kg.config import Settings
from ctc_kg.content.names import prefixes
from ctc_kg.errors import ServiceBusyError
from ctc_kg.store.base import Store
from ctc_kg.web.rewrite import ForwardedHeaders, IriMap, public_base
from flask import current_app, request

CHECKSUMS = "SHA256SUMS"
#: Values `Site.cached` keeps: the most recently used; one key per resource description,
#: so on a large graph the cache turns over, and the shared values (the renderer, the
#: landing page's totals) must not be dropped with the rest.
CACHED_KEYS = 256


@dataclass
class Site:
    settings: Settings
    store: Store
    dist: Path
    cleanup: list[Callable[[], None]] = field(default_factory=list)
    _cache: OrderedDict[tuple[str, ...], Any] = field(default_factory=OrderedDict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self) -> None:
        source = _version_source(self.dist)
        self.version = version_of(self.dist)
        self.last_modified = datetime.fromtimestamp(int(source.stat().st_mtime), UTC)
        self.prefixes = prefixes(self.settings.base_iri)
        # The slots as tokens in a SimpleQueue: a C-level get/put, where threading's
        # Semaphore runs a Condition in Python (a lock, a notify, a waiter list) on every
        # query (issue 16: 8 % of a worker's GIL-held time in Condition.notify).
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
        """A value computed once per key (a description per resource, format and public
        base; the pages' renderer and indexes), the CACHED_KEYS most recently used kept."""
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
        while self.cleanup:
            self.cleanup.pop()()


def _version_source(dist: Path) -> Path:
    sums = dist / CHECKSUMS
    return sums if sums.exists() else dist / "ctc-kg.nq"


def version_of(dist: Path) -> str:
    """The dataset version a build folder holds (from its checksums): ETags and /health."""
    return hashlib.sha256(_version_source(dist).read_bytes()).hexdigest()[:16]


def site() -> Site:
    found: Site = current_app.extensions["ctc_kg"]
    return found
