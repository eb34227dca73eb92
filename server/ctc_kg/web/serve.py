"""`ctc-kg serve`: validate, build, write the store once, then run gunicorn.

The preparation happens in the master before it forks, so every worker opens the same
build and store; each worker then starts its own query processes (store.pool). Workers
use gthread: request threads wait on query processes, which do the work, so
`workers == 0` means one WSGI process per core. Access logs are JSON lines on stdout;
SIGTERM stops gracefully (gunicorn's default: in-flight requests finish, up to
`graceful_timeout`).
"""

from __future__ import annotations

import os
import sys
from typing import Any

from ctc_kg.config import Settings
from ctc_kg.content.names import prefixes
from ctc_kg.errors import UnusableInputError, ValidationFailedError
from ctc_kg.store.base import Store
from ctc_kg.store.remote import endpoint_of, remote_store
from ctc_kg.web.app import create_app
from ctc_kg.web.runtime import Prepared, prepare
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
        "limit_request_line": 8190,
        "proc_name": "ctc-kg",
    }


class _Server(BaseApplication):  # type: ignore[misc]
    def __init__(self, settings: Settings, prepared: Prepared) -> None:
        self._settings = settings
        self._prepared = prepared
        super().__init__()

    def load_config(self) -> None:
        for key, value in gunicorn_options(self._settings).items():
            self.cfg.set(key, value)

    def load(self) -> Flask:
        store: Store
        if endpoint_of(self._settings.store) is not None:
            store = remote_store(self._settings, prefixes(self._settings.base_iri))
        else:
            embedded = self._prepared.open_store(self._settings, prefixes(self._settings.base_iri))
            embedded.start()
            store = embedded
        return create_app(self._settings, store, dist=self._prepared.dist)


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
    try:
        _Server(settings, prepared).run()
    finally:
        prepared.cleanup()
    return 0
