"""Answering, in the web worker itself, the queries that provably cannot run long.

A query normally goes to a killable query process (store.pool): pyoxigraph cannot stop
a running query, so the time limit is enforced by killing the process. A query that
`store.bounded` proves touches at most `bounded.MAX_ROWS` rows (from the store's degree
statistics, store.degrees) cannot outlive the limit, so it is answered here instead,
by the same code the query process runs (`store.worker.Worker.query`: the same
serialisation and errors), without the round trip. Anything else, a request naming its
own dataset, and every query of a store without statistics, still go to the process.

Each web worker opens the store read-only after the fork (RocksDB's threads must not be
inherited), in a background thread on the first query; until it is ready, queries go to
the process. With `in_memory` (the query processes copy the data too) the worker holds
a copy in its memory: a one-resource lookup takes a fifth of RocksDB's time there.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ctc_kg.store import bounded, degrees, queryshape
from ctc_kg.store.querytext import Analysis, Operation
from ctc_kg.store.worker import Worker, open_for_queries, written_children

#: Stores opened by a parent before a fork: kept, never closed, by the child (closing a
#: RocksDB store would wait for threads that the fork did not copy).
_INHERITED: list[Worker] = []

#: The forms answered here: DESCRIBE's closure over blank nodes is not bounded by degrees.
FORMS = frozenset({Operation.SELECT, Operation.ASK, Operation.CONSTRUCT})


class InProcess:
    """The web worker's own read-only view of an embedded store, for bounded queries."""

    def __init__(
        self, directory: Path, prefixes: Mapping[str, str], in_memory: bool, version: str = ""
    ) -> None:
        self.directory = directory
        self.version = version  # the store's version tag, as the query processes get it
        self.prefixes = dict(prefixes)
        self.in_memory = in_memory
        self.degrees = degrees.load(directory)
        self._lock = threading.Lock()
        self._opening: int | None = None  # the process whose store is being opened
        self._opened: tuple[int, threading.Event] | None = None
        self._worker: tuple[int, Worker] | None = None

    def bound(self, text: str, analysis: Analysis, message: Mapping[str, Any]) -> int | None:
        """The rows this request provably stays under, when it may skip the query
        process; None when it must go there. `analysis` is `text`'s."""
        if self.degrees is None or analysis.operation not in FORMS:
            return None
        if message.get("default_graphs") or message.get("named_graphs"):
            return None
        found = queryshape.shape(text, analysis.tokens or None)
        return None if found is None else bounded.rows_bound(found, self.degrees)

    def answer(
        self, message: dict[str, Any], bound: int, wait: float = 0.0
    ) -> tuple[dict[str, Any], bytes] | None:
        """The answer the query process would give to `message` (store.worker's request),
        or None while this process's store is not open yet (after `wait` seconds)."""
        worker = self._own_worker(wait)
        if worker is None:
            return None
        cap = message.get("max_rows")
        if message.get("operation") == Operation.SELECT.value and cap is not None and bound <= cap:
            # At most `bound` solutions: the cap cannot cut them, so they are written in
            # one pass instead of through the cap's TSV (store.worker.first_lines).
            message = {**message, "max_rows": None}
        return worker.query(message)

    def _own_worker(self, wait: float) -> Worker | None:
        pid = os.getpid()
        found = self._worker
        if found is not None and found[0] == pid:
            return found[1]
        with self._lock:
            opened = self._opened
            if opened is None or opened[0] != pid:
                opened = self._opened = (pid, threading.Event())
                threading.Thread(target=self._open, args=opened, daemon=True).start()
        if wait > 0:
            opened[1].wait(wait)
        found = self._worker
        return found[1] if found is not None and found[0] == pid else None

    def _open(self, pid: int, done: threading.Event) -> None:
        try:
            store = open_for_queries(str(self.directory), self.in_memory)
            if self._worker is not None and self._worker[0] != pid:
                _INHERITED.append(self._worker[1])
            path = str(self.directory)
            children = written_children(path, self.version)
            self._worker = (pid, Worker(store, self.prefixes, self.version, children))
        finally:
            done.set()
