"""Answering, in the web worker itself, the queries that provably cannot run long.

A query normally goes to a killable query process (store.pool): pyoxigraph cannot stop
a running query, so the time limit is enforced by killing the process. A query that
`store.bounded` proves touches at most `bounded.MAX_ROWS` rows (from the store's degree
statistics, store.degrees) cannot outlive the limit, so it is answered here instead,
by the same code the query process runs (`store.worker.Worker.query`: the same row cap,
serialisation and errors), without the round trip. Anything else, a request naming its
own dataset, and every query of a store without statistics, still go to the process.

The store is opened read-only in each web worker on its first such query (after the
fork: RocksDB's threads must not be inherited), on disk: a bounded query reads a few
index ranges, where an in-memory copy would cost a copy of the data per web worker.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ctc_kg.store import bounded, degrees
from ctc_kg.store.querytext import Operation
from ctc_kg.store.worker import Worker, open_for_queries

#: The forms answered here: DESCRIBE's closure over blank nodes is not bounded by degrees.
FORMS = frozenset({Operation.SELECT, Operation.ASK, Operation.CONSTRUCT})


class InProcess:
    """The web worker's own read-only view of an embedded store, for bounded queries."""

    def __init__(self, directory: Path, prefixes: Mapping[str, str]) -> None:
        self.directory = directory
        self.prefixes = dict(prefixes)
        self.degrees = degrees.load(directory)
        self._lock = threading.Lock()
        self._worker: tuple[int, Worker] | None = None

    def takes(self, text: str, operation: Operation, message: Mapping[str, Any]) -> bool:
        """Whether the query process may be skipped for this request."""
        if self.degrees is None or operation not in FORMS:
            return False
        if message.get("default_graphs") or message.get("named_graphs"):
            return False
        found = bounded.shape(text)
        return found is not None and bounded.rows_bound(found, self.degrees) is not None

    def answer(self, message: dict[str, Any]) -> tuple[dict[str, Any], bytes]:
        """The answer the query process would give to `message` (store.worker's request)."""
        return self._own_worker().query(message)

    def _own_worker(self) -> Worker:
        found = self._worker
        if found is not None and found[0] == os.getpid():
            return found[1]
        with self._lock:
            found = self._worker
            if found is None or found[0] != os.getpid():
                store = open_for_queries(str(self.directory), in_memory=False)
                found = self._worker = (os.getpid(), Worker(store, self.prefixes))
        return found[1]
