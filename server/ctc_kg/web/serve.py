"""`ctc-kg serve`: validate, build, write the store once, then run gunicorn.

The preparation happens in the master before it forks, so every worker opens the same
build and store; each worker then starts its own query processes (store.pool). Workers
use gthread: request threads wait on query processes, which do the work, so
`workers == 0` means one WSGI process per core. Access logs are JSON lines on stdout;
SIGTERM stops gracefully (gunicorn's default: in-flight requests finish, up to
`graceful_timeout`; query processes ignore a SIGTERM sent to the whole group and end
with their worker). SIGHUP reloads the data atomically (ctc_kg.web.reload): the master
prepares the new version beside the old one and only then lets gunicorn replace its
workers.
"""

from __future__ import annotations

import logging
import os
import sys
import time
from typing import Any

from ctc_kg.config import Settings
from ctc_kg.content.names import prefixes
from ctc_kg.errors import CtcKgError, UnusableInputError, ValidationFailedError
from ctc_kg.store.remote import endpoint_of
from ctc_kg.web.app import create_app
from ctc_kg.web.reload import ReloadStatus, write_status
from ctc_kg.web.runtime import Prepared, open_store, prepare
from ctc_kg.web.site import version_of
from flask import Flask
from gunicorn.app.base import BaseApplication

ACCESS_LOG_FORMAT = (
    '{"time": "%(t)s", "remote": "%(h)s", "method": "%(m)s", "path": "%(U)s", '
    '"query": "%(q)s", "status": %(s)s, "bytes": "%(B)s", "duration_ms": %(M)s, '
    '"user_agent": "%(a)s"}'
)


def wsgi_workers(settings: Settings) -> int:
    return settings.workers if settings.workers > 0 else max(1, os.cpu_count() or 1)


def gunicorn_options(settings: Settings) -> dict[str, Any]:
    return {
        "bind": f"{settings.host}:{settings.port}",
        "workers": wsgi_workers(settings),
        "worker_class": "gthread",
        "threads": settings.threads,
        # A request may wait for a query for query_timeout; the worker must outlive it.
        "timeout": int(settings.query_timeout) + 30,
        "graceful_timeout": int(settings.query_timeout) + 5,
        "accesslog": "-",
        "access_log_format": ACCESS_LOG_FORMAT,
        "errorlog": "-",
        "loglevel": settings.log_level,
        # gunicorn answers 414 beyond this; 8190 is the most it can take.
        "limit_request_line": min(settings.max_url_bytes, 8190)
        if settings.max_url_bytes > 0
        else 8190,
        "proc_name": "ctc-kg",
        "pidfile": str(settings.pid_file) if settings.pid_file is not None else None,
    }


class _Server(BaseApplication):  # type: ignore[misc]
    """gunicorn's application: the master holds the prepared version; workers open it."""

    def __init__(self, settings: Settings, prepared: Prepared) -> None:
        self._settings = settings
        self._prepared = prepared
        self._generation = 0
        self._retired: list[tuple[float, Prepared]] = []
        super().__init__()

    def load_config(self) -> None:
        for key, value in gunicorn_options(self._settings).items():
            self.cfg.set(key, value)

    def load(self) -> Flask:
        store = open_store(self._settings, self._prepared, prefixes(self._settings.base_iri))
        store.start()
        return create_app(self._settings, store, dist=self._prepared.dist)

    def reload(self) -> None:
        """SIGHUP, in the master: gunicorn's own reload, then the data's. gunicorn starts
        the new workers after this returns, so they open whatever `_prepared` is then."""
        super().reload()
        self._generation += 1
        self._swap()

    def _swap(self) -> None:
        log = logging.getLogger("gunicorn.error")
        serving = version_of(self._prepared.dist)
        try:
            fresh = prepare(self._settings)
        except ValidationFailedError as error:
            message = f"refused: the new data does not conform; still serving {serving}."
            log.error("reload %s\n%s", message, error.report)
            self.record(False, message + "\n" + error.report)
            return
        except (CtcKgError, OSError) as error:
            message = f"refused: {error}; still serving {serving}."
            log.error("reload %s", message)
            self.record(False, message)
            return
        self._retired.append((time.monotonic(), self._prepared))
        self._prepared = fresh
        self.clean_retired(older_than=self.cfg.graceful_timeout + 10)
        message = f"now serving {version_of(fresh.dist)} (was {serving})."
        log.info("reload %s", message)
        self.record(True, message)

    def record(self, ok: bool, message: str) -> None:
        if self._settings.pid_file is not None:
            status = ReloadStatus(
                generation=self._generation,
                ok=ok,
                version=version_of(self._prepared.dist),
                message=message,
                time=time.time(),
            )
            write_status(self._settings.pid_file, status)

    def clean_retired(self, older_than: float = 0.0) -> None:
        """Remove the folders of versions no worker can still be serving (the old workers
        are gone `graceful_timeout` after the swap)."""
        now = time.monotonic()
        keep: list[tuple[float, Prepared]] = []
        for retired_at, prepared in self._retired:
            if now - retired_at >= older_than:
                prepared.cleanup()
            else:
                keep.append((retired_at, prepared))
        self._retired = keep

    def current(self) -> Prepared:
        return self._prepared


def run_serve(settings: Settings) -> int:
    if settings.store != "embedded" and endpoint_of(settings.store) is None:
        print(
            f"ctc-kg serve: unknown store {settings.store!r}; "
            "use 'embedded' or sparql+http(s)://host:port/path",
            file=sys.stderr,
        )
        return 2
    try:
        prepared = prepare(settings)
    except ValidationFailedError as error:
        print("ctc-kg serve: the data does not conform; not starting.\n", file=sys.stderr)
        print(error.report, file=sys.stderr)
        return 1
    except UnusableInputError as error:
        print(f"ctc-kg serve: {error}", file=sys.stderr)
        return 2
    server = _Server(settings, prepared)
    server.record(True, f"serving {version_of(prepared.dist)}.")
    master = os.getpid()
    try:
        server.run()
    finally:
        # gunicorn's workers are forked inside run() and leave it by SystemExit: only the
        # master may remove the folders (a worker leaving must not take them with it).
        if os.getpid() == master:
            server.clean_retired()
            server.current().cleanup()
    return 0
