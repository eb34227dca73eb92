"""The contenders, each a small adapter: how to start it on loopback with one size's
graph, what request it expects for a workload, and how to stop it.

HTTP servers run in their own process group (so granian or nginx workers go with
them) and are stopped by that group's id; every wait has a deadline.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from bench import procstats
from bench.describe import description, serialize
from bench.load import HttpRequest, fetch, sparql_post
from bench.queries import JSON_LD, TURTLE, Kind, Samples, Workload, path_of
from bench.report import BARE_TARGET_WORKLOADS
from bench.start_line import start_phases

REPOSITORY = Path(__file__).resolve().parents[1]


class UnavailableError(Exception):
    """The contender cannot run on this machine (missing program or piece)."""


@dataclass(frozen=True)
class Prepared:
    """One size's material, shared by every contender."""

    label: str
    quads: int
    root: Path  # a ctc-kg root: data/ generated, ontology/ and shapes/ linked
    nquads: Path  # data + ontology as one N-Quads file
    static: Path  # what nginx serves
    samples: Samples
    workdir: Path


@dataclass
class Started:
    start_s: float  # process start until it answers (ctc-kg: validation and load included)
    load_s: float  # a separate data-loading step, where the engine has one
    rss_bytes: int
    pss_bytes: int
    # ctc-kg only: the same content started again, its validated build and store reused
    # from ctc-kg's cache (docs/operations.md) instead of validated and written again.
    restart_s: float | None = None
    restart_rss_bytes: int | None = None  # the memory after that restart: no validation in it
    restart_pss_bytes: int | None = None
    # ctc-kg only: where the first start's time went, from its log (load, validate,
    # build, store), in seconds.
    phases: dict[str, float] | None = None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def venv_bin(name: str) -> str:
    candidate = Path(sys.executable).parent / name
    if candidate.exists():
        return str(candidate)
    found = shutil.which(name)
    if found is None:
        raise UnavailableError(f"{name} not found")
    return found


class Contender(ABC):
    name: str
    description: str

    @abstractmethod
    def supports(self, workload: Workload) -> bool: ...

    @abstractmethod
    def start(self, prepared: Prepared, timeout_s: float) -> Started: ...

    @abstractmethod
    def stop(self) -> None: ...


class HttpContender(Contender):
    """A server reached over HTTP on 127.0.0.1."""

    base_url: str = ""

    @property
    @abstractmethod
    def pid(self) -> int: ...

    @abstractmethod
    def request(self, workload: Workload, item: str) -> HttpRequest: ...


class ServerProcess:
    """A child process in its own session, logging to a file, stopped by group id."""

    def __init__(self, command: list[str], log: Path, env: dict[str, str] | None = None) -> None:
        self.log = log
        self._handle = log.open("wb")
        self.process = subprocess.Popen(
            command,
            stdout=self._handle,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
            env={**os.environ, **(env or {})},
        )

    def wait_until(self, ready: Callable[[], bool], timeout_s: float) -> None:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(
                    f"exited with status {self.process.returncode} during start-up:\n{self.tail()}"
                )
            if ready():
                return
            time.sleep(0.1)
        raise TimeoutError(f"not answering after {timeout_s:.0f} s:\n{self.tail()}")

    def tail(self, lines: int = 15) -> str:
        self._handle.flush()
        text = self.log.read_text(errors="replace").splitlines()
        return "\n".join(text[-lines:]) if text else "(nothing logged yet)"

    def stop(self, grace_s: float = 15.0) -> None:
        if self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=grace_s)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=grace_s)
        self._handle.close()


def answers(base_url: str, request: HttpRequest, timeout_s: float = 2.0) -> bool:
    try:
        return fetch(base_url, request, timeout_s).status == 200
    except OSError:
        return False


def _ask(path: str) -> HttpRequest:
    return HttpRequest(
        "GET",
        path + "?" + urllib.parse.urlencode({"query": "ASK { ?s ?p ?o }"}),
        {"Accept": "application/sparql-results+json"},
    )


def _memory(pid: int) -> tuple[int, int]:
    return procstats.rss_bytes(pid), procstats.pss_bytes(pid)


class _ProcessContender(HttpContender):
    server: ServerProcess | None = None

    @property
    def pid(self) -> int:
        assert self.server is not None
        return self.server.process.pid

    def stop(self) -> None:
        if self.server is not None:
            self.server.stop()
            self.server = None


class CtcKg(_ProcessContender):
    name = "ctc-kg"
    description = "ctc-kg serve (granian, embedded pyoxigraph store, every protection on)"

    def supports(self, workload: Workload) -> bool:
        return True

    def start(self, prepared: Prepared, timeout_s: float) -> Started:
        port = free_port()
        self.base_url = f"http://127.0.0.1:{port}"
        command = [
            venv_bin("ctc-kg"),
            "--root",
            str(prepared.root),
            "serve",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
        ]
        began = time.monotonic()
        self.server = ServerProcess(command, prepared.workdir / "ctc-kg.log", ctc_kg_env(prepared))
        self.server.wait_until(lambda: answers(self.base_url, _ask("/sparql")), timeout_s)
        elapsed = time.monotonic() - began
        return Started(elapsed, 0.0, *_memory(self.pid), phases=start_phases(self.server.log))

    def request(self, workload: Workload, item: str) -> HttpRequest:
        if workload.kind is Kind.SPARQL:
            return sparql_post("/sparql", item, workload.accept)
        if workload.kind is Kind.RESOURCE:
            return HttpRequest("GET", path_of(item), {"Accept": workload.accept})
        return HttpRequest("GET", "/" + item, {"Accept": workload.accept})


def ctc_kg_env(prepared: Prepared) -> dict[str, str]:
    """ctc-kg's cache of validated versions in the size's own work folder: every run
    starts cold, and the developer's own cache is neither used nor filled."""
    return {"CTC_KG_CACHE_DIR": str(prepared.workdir / "ctc-kg-cache")}


class BareApp(_ProcessContender):
    """bench/bare.py: Flask + pyoxigraph without any protection, served like ctc-kg
    (granian WSGI, the workers, threads and connection cap of ctc-kg's defaults)."""

    name = "bare"
    description = "Flask + pyoxigraph, no protections, granian WSGI as ctc-kg (bench/bare.py)"

    def supports(self, workload: Workload) -> bool:
        # What issue 16's target measures (one-resource queries and listings): the
        # scans add nothing to the price of the protections and would cost minutes.
        return workload.kind is Kind.SPARQL and workload.name in BARE_TARGET_WORKLOADS

    def start(self, prepared: Prepared, timeout_s: float) -> Started:
        from ctc_kg.config import Settings
        from ctc_kg.runtime.serve import connection_cap, wsgi_workers

        settings = Settings()
        port = free_port()
        self.base_url = f"http://127.0.0.1:{port}"
        command = [
            venv_bin("granian"),
            "--interface",
            "wsgi",
            "--http",
            "1",
            "--no-ws",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--workers",
            str(wsgi_workers(settings)),
            "--blocking-threads",
            str(settings.threads),
            "--backpressure",
            str(connection_cap(settings)),
            "--no-access-log",
            "--working-dir",
            str(REPOSITORY),
            "bench.bare:app",
        ]
        began = time.monotonic()
        self.server = ServerProcess(
            command,
            prepared.workdir / "bare.log",
            {"BENCH_BARE_NQUADS": str(prepared.nquads)},
        )
        self.server.wait_until(lambda: answers(self.base_url, _ask("/sparql")), timeout_s)
        return Started(time.monotonic() - began, 0.0, *_memory(self.pid))

    def request(self, workload: Workload, item: str) -> HttpRequest:
        return sparql_post("/sparql", item, workload.accept)


class RdflibEndpoint(_ProcessContender):
    name = "rdflib-endpoint"
    description = "rdflib-endpoint serve (uvicorn, rdflib in-memory Dataset, union default graph)"

    def supports(self, workload: Workload) -> bool:
        return workload.kind is Kind.SPARQL

    def start(self, prepared: Prepared, timeout_s: float) -> Started:
        port = free_port()
        self.base_url = f"http://127.0.0.1:{port}"
        command = [
            venv_bin("rdflib-endpoint"),
            "serve",
            str(prepared.nquads),
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
        ]
        began = time.monotonic()
        self.server = ServerProcess(command, prepared.workdir / "rdflib-endpoint.log")
        self.server.wait_until(lambda: answers(self.base_url, _ask("/")), timeout_s)
        return Started(time.monotonic() - began, 0.0, *_memory(self.pid))

    def request(self, workload: Workload, item: str) -> HttpRequest:
        return sparql_post("/", item, workload.accept)


class Virtuoso(HttpContender):
    """Virtuoso open source started by scripts/virtuoso (the project's scale-out set-up)
    in a private folder, the graph bulk-loaded with isql (ld_dir + rdf_loader_run)."""

    name = "virtuoso"
    description = "Virtuoso 7 open source (Debian), scripts/virtuoso settings, bulk loader"

    def __init__(self) -> None:
        self.folder: Path | None = None
        self.env: dict[str, str] = {}
        self.script = REPOSITORY / "scripts" / "virtuoso"

    def supports(self, workload: Workload) -> bool:
        return workload.kind is Kind.SPARQL

    @property
    def pid(self) -> int:
        assert self.folder is not None
        return int((self.folder / "virtuoso.pid").read_text().strip())

    def _script(self, action: str, timeout_s: float) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(self.script), action],
            env={**os.environ, **self.env},
            capture_output=True,
            text=True,
            timeout=timeout_s,
            check=False,
        )

    def start(self, prepared: Prepared, timeout_s: float) -> Started:
        if not self.script.exists() or shutil.which("virtuoso-t") is None:
            raise UnavailableError("scripts/virtuoso or virtuoso-t missing")
        self.folder = prepared.workdir / "virtuoso"
        if self.folder.exists():
            shutil.rmtree(self.folder)
        self.folder.mkdir(parents=True)
        http_port, isql_port = free_port(), free_port()
        self.base_url = f"http://127.0.0.1:{http_port}"
        self.env = {
            "VIRTUOSO_DIR": str(self.folder),
            "VIRTUOSO_HTTP_PORT": str(http_port),
            "VIRTUOSO_ISQL_PORT": str(isql_port),
            "VIRTUOSO_START_TIMEOUT": str(int(timeout_s)),
        }
        began = time.monotonic()
        started = self._script("start", timeout_s + 30)
        if started.returncode != 0:
            raise RuntimeError(f"scripts/virtuoso start failed: {started.stderr.strip()}")
        start_s = time.monotonic() - began
        shutil.copyfile(prepared.nquads, self.folder / "all.nq")
        password = ""
        for line in (self.folder / "credentials").read_text().splitlines():
            if line.startswith("VIRTUOSO_DBA_PASSWORD="):
                password = line.split("=", 1)[1]
        began = time.monotonic()
        loaded = subprocess.run(
            [
                "isql-vt",
                f"127.0.0.1:{isql_port}",
                "dba",
                password,
                f"exec=ld_dir('{self.folder}', 'all.nq', 'urn:bench:default'); "
                "rdf_loader_run(); checkpoint; "
                "select count(*) from DB.DBA.LOAD_LIST where ll_error is not null;",
            ],
            capture_output=True,
            text=True,
            timeout=timeout_s,
            check=False,
        )
        load_s = time.monotonic() - began
        if loaded.returncode != 0 or "*** Error" in loaded.stdout + loaded.stderr:
            raise RuntimeError(f"bulk load failed: {loaded.stdout}{loaded.stderr}")
        return Started(start_s, load_s, *_memory(self.pid))

    def stop(self) -> None:
        if self.folder is not None:
            self._script("stop", 90)
            self.folder = None

    def request(self, workload: Workload, item: str) -> HttpRequest:
        return sparql_post("/sparql", item, workload.accept)


_NGINX_CONF = """\
worker_processes 2;
pid {dir}/nginx.pid;
error_log {dir}/error.log warn;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    sendfile on;
    tcp_nopush on;
    keepalive_requests 1000000;
    client_body_temp_path {dir}/client_body;
    proxy_temp_path {dir}/proxy;
    fastcgi_temp_path {dir}/fastcgi;
    uwsgi_temp_path {dir}/uwsgi;
    scgi_temp_path {dir}/scgi;
    types {{
        text/turtle ttl;
        application/ld+json jsonld;
    }}
    default_type application/octet-stream;
    map $http_accept $rdf_extension {{
        default ttl;
        "~*application/ld\\+json" jsonld;
    }}
    server {{
        listen 127.0.0.1:{port};
        root {static};
        location /dump/ {{ }}
        location /context/ {{ }}
        location / {{
            add_header Vary Accept;
            try_files $uri.$rdf_extension =404;
        }}
    }}
}}
"""


class Nginx(_ProcessContender):
    name = "nginx"
    description = "nginx (Debian) serving precomputed descriptions and the dump from files"

    def supports(self, workload: Workload) -> bool:
        return workload.kind is Kind.DUMP or (
            workload.kind is Kind.RESOURCE and workload.accept in (TURTLE, JSON_LD)
        )

    def start(self, prepared: Prepared, timeout_s: float) -> Started:
        binary = shutil.which("nginx") or "/usr/sbin/nginx"
        if not Path(binary).exists():
            raise UnavailableError("nginx not found")
        folder = prepared.workdir / "nginx"
        folder.mkdir(parents=True, exist_ok=True)
        port = free_port()
        self.base_url = f"http://127.0.0.1:{port}"
        conf = folder / "nginx.conf"
        conf.write_text(_NGINX_CONF.format(dir=folder, port=port, static=prepared.static))
        # nginx workers run as nobody when the master is root: the files must be readable
        # (the runner makes the work folder world-traversable).
        for directory, _, files in os.walk(prepared.static):
            os.chmod(directory, 0o755)
            for file in files:
                os.chmod(os.path.join(directory, file), 0o644)
        began = time.monotonic()
        self.server = ServerProcess(
            [
                binary,
                "-e",
                str(folder / "error.log"),
                "-c",
                str(conf),
                "-p",
                str(folder),
                "-g",
                "daemon off;",
            ],
            folder / "stdout.log",
        )
        probe = self.request(
            Workload("probe", Kind.DUMP, "", TURTLE, ("dump/ctc-kg.ttl",), False),
            "dump/ctc-kg.ttl",
        )
        self.server.wait_until(lambda: answers(self.base_url, probe), timeout_s)
        return Started(time.monotonic() - began, 0.0, *_memory(self.pid))

    def request(self, workload: Workload, item: str) -> HttpRequest:
        if workload.kind is Kind.RESOURCE:
            return HttpRequest("GET", path_of(item), {"Accept": workload.accept})
        return HttpRequest("GET", "/" + item, {"Accept": workload.accept})


class Oxigraph(Contender):
    """pyoxigraph queried in the benchmark's own process: no HTTP, no protections, one
    thread. The engine's floor: what any server built on it can at best approach."""

    name = "pyoxigraph"
    description = "pyoxigraph in-process (no HTTP), results serialized as a server would"

    def __init__(self) -> None:
        self.store: ox.Store | None = None

    def supports(self, workload: Workload) -> bool:
        return workload.kind is Kind.SPARQL or (
            workload.kind is Kind.RESOURCE and workload.accept in (TURTLE, JSON_LD)
        )

    def start(self, prepared: Prepared, timeout_s: float) -> Started:
        began = time.monotonic()
        self.store = ox.Store()
        self.store.bulk_load(path=str(prepared.nquads), format=ox.RdfFormat.N_QUADS)
        # The default graph is the RDF merge of every graph, a set (as ctc-kg's store
        # does it): pyoxigraph's use_default_graph_as_union would repeat a triple once
        # per graph that holds it.
        self.store.update("INSERT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }")
        elapsed = time.monotonic() - began
        return Started(elapsed, 0.0, *_memory(os.getpid()))

    def answer(self, workload: Workload, item: str) -> bytes:
        """What a server would send back for one request."""
        assert self.store is not None
        if workload.kind is Kind.RESOURCE:
            extension = "ttl" if workload.accept == TURTLE else "jsonld"
            return serialize(description(self.store, item), extension)
        result = self.store.query(item)
        if isinstance(result, ox.QuerySolutions):
            body = result.serialize(format=ox.QueryResultsFormat.JSON)
        elif isinstance(result, ox.QueryTriples):
            body = result.serialize(format=ox.RdfFormat.TURTLE)
        else:
            body = b"true" if result else b"false"
        assert body is not None  # no output file given: the bytes come back
        return body

    def stop(self) -> None:
        self.store = None


def all_contenders() -> dict[str, Callable[[], Contender]]:
    return {
        "ctc-kg": CtcKg,
        "bare": BareApp,
        "rdflib-endpoint": RdflibEndpoint,
        "virtuoso": Virtuoso,
        "pyoxigraph": Oxigraph,
        "nginx": Nginx,
    }
