"""`ctc-kg serve`: validate, build, write the store once, then run granian.

The preparation happens in the master before it forks, so every worker opens the same
build and store; each worker then starts its own query processes (store.pool). The HTTP
server is granian (its HTTP/1.1 stack is Rust; each worker holds up to `max_connections`
connections on its event loop and runs the Flask app on `threads` blocking threads, at
most `threads` requests at a time, the rest waiting in granian's queue; an idle connection
holds no thread): request threads wait on query processes, which do the work, so
`workers == 0` means one WSGI process per core. Access logs are JSON lines on stdout;
SIGTERM stops gracefully (in-flight requests finish; query processes ignore a SIGTERM
sent to the whole group and end with their worker). SIGHUP reloads the data atomically
(ctc_kg.runtime.reload): the master prepares the new version beside the old one and only
then starts new workers, stopping each old one once its replacement is up.
"""

from __future__ import annotations

import logging
import os
import resource
import socket
import sys
import time
from collections.abc import Callable
from typing import Any

from granian._granian import ListenerSpec
from granian.constants import HTTPModes, Interfaces
from granian.http import HTTP1Settings
from granian.log import LogLevels
from granian.server.mp import MPServer

from ctc_kg.config import Settings
from ctc_kg.content.names import prefixes
from ctc_kg.errors import CtcKgError, ValidationFailedError
from ctc_kg.runtime.access_log import AccessLog, logged
from ctc_kg.runtime.prepare import Prepared, open_store, prepare
from ctc_kg.runtime.reload import ReloadStatus, write_status
from ctc_kg.web.app import create_app
from ctc_kg.web.site import version_of

# Seconds a new worker has to open the store before the old one it replaces is stopped.
RESPAWN_INTERVAL = 1.0
MAX_HEADER_BYTES = 64 * 1024  # request line and headers; the app answers 414 beyond max_url_bytes
# Open files a worker keeps for itself beyond its connections: the store, the dumps and
# templates it reads, the pipes to its query processes, the log.
FILE_RESERVE = 256


def wsgi_workers(settings: Settings) -> int:
    return settings.workers if settings.workers > 0 else max(1, os.cpu_count() or 1)


def connection_cap(settings: Settings) -> int:
    """Open connections each worker accepts (granian's `backpressure`), idle ones included.

    granian takes a permit from a per-worker semaphore of `backpressure` permits before it
    accepts a connection and returns it only when the connection closes: an idle keep-alive
    connection, or one that never finishes its request, holds its permit until the header
    timeout closes it. With `backpressure` equal to `threads` (8 per worker), 16 idle
    connections held every permit and the next client waited, unaccepted, for 30 s. Requests
    still run on at most `threads` threads (`blocking_threads`; the rest wait in granian's
    queue), so the cap only bounds sockets and their buffers, and is set far above them.

    Each connection is an open file. granian raises the soft limit of open files to the hard
    limit when it is imported; where that is still short of the cap and the worker's own
    files, the cap is lowered to fit, so a flood of connections waits in the listen queue
    instead of making the worker's own opens (dumps, query processes) fail with EMFILE.
    """
    wanted = max(settings.max_connections, settings.threads)
    soft, _ = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft == resource.RLIM_INFINITY or soft >= wanted + FILE_RESERVE:
        return wanted
    fitted = max(settings.threads, soft - FILE_RESERVE)
    print(
        f"ctc-kg serve: max_connections lowered from {wanted} to {fitted} per worker "
        f"(at most {soft} open files; raise the hard limit, `ulimit -Hn`, for more)",
        file=sys.stderr,
    )
    return fitted


def granian_options(settings: Settings) -> dict[str, Any]:
    return {
        "address": settings.host,
        "port": settings.port,
        "interface": Interfaces.WSGI,
        "workers": wsgi_workers(settings),
        "blocking_threads": settings.threads,
        # Connections, not requests: see connection_cap.
        "backpressure": connection_cap(settings),
        "http": HTTPModes.http1,
        # header_read_timeout runs from a connection's opening, or from its previous answer,
        # to the end of the request's headers: a silent, half-sent or idle kept-alive
        # connection is closed (no answer, a FIN) once it has run out.
        "http1_settings": HTTP1Settings(
            header_read_timeout=max(1, round(settings.header_timeout * 1000)),
            max_buffer_size=max(MAX_HEADER_BYTES, 8192),
        ),
        "websockets": False,
        "log_enabled": True,
        "log_level": LogLevels(settings.log_level),
        # The access log is ours (runtime/access_log.py: `logged`), cheaper than granian's.
        "log_access": False,
        "respawn_failed_workers": True,
        "respawn_interval": RESPAWN_INTERVAL,
        # A stopping worker finishes its requests in flight, for at most a query's limit.
        "workers_kill_timeout": int(settings.query_timeout) + 5,
        "pid_file": settings.pid_file,
    }


class _SharedSocketGranian(MPServer):
    """granian with one listening socket that every worker accepts from.

    On Linux granian gives each worker its own SO_REUSEPORT socket, and the kernel resets
    the connections queued on a socket when its worker stops: each reload and each worker
    crash dropped a few requests. With one socket, opened by the master and inherited by
    the forked workers (what granian does on other systems, and what gunicorn does), a
    connection waits in the queue until a live worker takes it.
    """

    def _init_shared_socket(self) -> None:
        # Overrides a private method of granian (pinned to 2.8 in pyproject.toml); the
        # live tests of reload and of a killed worker fail if its behaviour changes.
        holder = ListenerSpec(self.bind_addr, self.bind_port, self.backlog).build()
        shared = socket.socket(fileno=holder.get_fd())
        shared.set_inheritable(True)
        self._ssp = None
        self._shd: Any = holder
        self._sfd: Any = shared.fileno()
        self._sso = shared


# One per process: each forked worker starts its own writer on its first line.
ACCESS_LOG = AccessLog()


class _Server:
    """The granian master: holds the prepared version; each worker, forked from it,
    opens that version's store and builds the app."""

    def __init__(self, settings: Settings, prepared: Prepared) -> None:
        self._settings = settings
        self._prepared = prepared
        self._generation = 0
        self._retired: list[tuple[float, Prepared]] = []
        self._options = granian_options(settings)
        self._granian = _SharedSocketGranian("ctc_kg.runtime.serve", **self._options)
        self._granian.on_reload(self.reload)

    def run(self) -> None:
        self._granian.serve(target_loader=self.load, wrap_loader=False)

    def load(self) -> Callable[..., Any]:
        """In a freshly forked worker: open the version the master held at the fork."""
        store = open_store(self._settings, self._prepared, prefixes(self._settings.base_iri))
        store.start()
        return logged(create_app(self._settings, store, dist=self._prepared.dist), ACCESS_LOG)

    def reload(self) -> None:
        """SIGHUP, in the master, before granian starts the new workers: they open
        whatever `_prepared` is when this returns (the new version, or the old one)."""
        self._generation += 1
        self._swap()

    def _swap(self) -> None:
        log = logging.getLogger("_granian")
        serving = version_of(self._prepared.dist)
        try:
            fresh = prepare(self._settings, isolated=True)
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
        """Let go of the versions no worker can still be serving (the old workers are gone
        `workers_kill_timeout` after the swap): a private folder is removed, a cache entry
        only released, so the version cache may remove it from then on."""
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


def serve(settings: Settings) -> None:
    """Validate, build and open the data, then serve it until granian stops.

    ValidationFailedError or UnusableInputError (nothing started) for data it cannot serve.
    """
    prepared = prepare(settings, isolated=True)
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
