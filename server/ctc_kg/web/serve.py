"""`ctc-kg serve`: validate, build, write the store once, then run granian.

The preparation happens in the master before it forks, so every worker opens the same
build and store; each worker then starts its own query processes (store.pool). The HTTP
server is granian (its HTTP/1.1 stack is Rust; each worker runs the Flask app on
`threads` blocking threads, at most `threads` requests at a time, the rest waiting in
granian's queue): request threads wait on query processes, which do the work, so
`workers == 0` means one WSGI process per core. Access logs are JSON lines on stdout;
SIGTERM stops gracefully (in-flight requests finish; query processes ignore a SIGTERM
sent to the whole group and end with their worker). SIGHUP reloads the data atomically
(ctc_kg.web.reload): the master prepares the new version beside the old one and only
then starts new workers, stopping each old one once its replacement is up.
"""

from __future__ import annotations

import logging
import os
import sys
import time
from collections.abc import Callable
from typing import Any

from ctc_kg.config import Settings
from ctc_kg.content.names import prefixes
from ctc_kg.errors import CtcKgError, UnusableInputError, ValidationFailedError
from ctc_kg.store.remote import endpoint_of
from ctc_kg.web.app import create_app
from ctc_kg.web.reload import ReloadStatus, write_status
from ctc_kg.web.runtime import Prepared, open_store, prepare
from ctc_kg.web.site import version_of
from granian.constants import HTTPModes, Interfaces
from granian.http import HTTP1Settings
from granian.log import LogLevels
from granian.server import Server as Granian

# granian formats each line with %-style atoms from a dict; these values are numbers or
# strings granian escapes nothing in, so the path and query are written as received
# (percent-encoded by HTTP clients; a raw quote in a path would break the JSON line).
ACCESS_LOG_FORMAT = (
    '{"time": "%(time)s", "remote": "%(addr)s", "method": "%(method)s", '
    '"path": "%(path)s", "query": "%(query_string)s", "status": %(status)d, '
    '"duration_ms": %(dt_ms).3f, "user_agent": "%(header{user-agent})s"}'
)
# Seconds a new worker has to open the store before the old one it replaces is stopped.
RESPAWN_INTERVAL = 2.0
MAX_HEADER_BYTES = 64 * 1024  # request line and headers; the app answers 414 beyond max_url_bytes


def wsgi_workers(settings: Settings) -> int:
    return settings.workers if settings.workers > 0 else max(1, os.cpu_count() or 1)


def granian_options(settings: Settings) -> dict[str, Any]:
    return {
        "address": settings.host,
        "port": settings.port,
        "interface": Interfaces.WSGI,
        "workers": wsgi_workers(settings),
        "blocking_threads": settings.threads,
        "backpressure": settings.threads,
        "http": HTTPModes.http1,
        "http1_settings": HTTP1Settings(max_buffer_size=max(MAX_HEADER_BYTES, 8192)),
        "websockets": False,
        "log_enabled": True,
        "log_level": LogLevels(settings.log_level),
        "log_access": True,
        "log_access_format": ACCESS_LOG_FORMAT,
        "respawn_failed_workers": True,
        "respawn_interval": RESPAWN_INTERVAL,
        # A stopping worker finishes its requests in flight, for at most a query's limit.
        "workers_kill_timeout": int(settings.query_timeout) + 5,
        "pid_file": settings.pid_file,
    }


class _Server:
    """The granian master: holds the prepared version; each worker, forked from it,
    opens that version's store and builds the app."""

    def __init__(self, settings: Settings, prepared: Prepared) -> None:
        self._settings = settings
        self._prepared = prepared
        self._generation = 0
        self._retired: list[tuple[float, Prepared]] = []
        self._options = granian_options(settings)
        self._granian = Granian("ctc_kg.web.serve", **self._options)
        self._granian.on_reload(self.reload)

    def run(self) -> None:
        self._granian.serve(target_loader=self.load, wrap_loader=False)

    def load(self) -> Callable[..., Any]:
        """In a freshly forked worker: open the version the master held at the fork."""
        store = open_store(self._settings, self._prepared, prefixes(self._settings.base_iri))
        store.start()
        return create_app(self._settings, store, dist=self._prepared.dist)

    def reload(self) -> None:
        """SIGHUP, in the master, before granian starts the new workers: they open
        whatever `_prepared` is when this returns (the new version, or the old one)."""
        self._generation += 1
        self._swap()

    def _swap(self) -> None:
        log = logging.getLogger("_granian")
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
        self.clean_retired(older_than=self._options["workers_kill_timeout"] + 10)
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
        are gone `workers_kill_timeout` after the swap)."""
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
        # granian's workers are forked inside run() and may leave it by SystemExit: only
        # the master may remove the folders (a worker leaving must not take them with it).
        if os.getpid() == master:
            server.clean_retired()
            server.current().cleanup()
    return 0
