"""CPU per request in one thread, through the whole WSGI stack, without HTTP (issue 16).

`python -m bench.cpu` builds the synthetic graph of `--size` (1k by default), opens
ctc-kg's app over it as a `ctc-kg serve` worker does (the access log, the response cache,
compression, Flask, the store; the store in memory) and the bare app (bench/bare.py)
over the same N-Quads, then calls each WSGI app directly, in this thread, with the
requests wrk sends (`bench.load.sparql_post`: urlencoded POSTs; the distinct workload
with the digits the load tool appends). It prints the CPU time per request
(`time.process_time`: every thread of this process, so the access log's writer counts)
(median, min and max of `--rounds` rounds, the apps in turn), and bare / ctc-kg.

Why: on the shared two-core machine, throughput under wrk moves by 2x between runs;
CPU time per request in one thread does not depend on what else runs, and it is what
the GIL serialises within a worker at 50 clients. What it leaves out: granian's own work
(the same for both apps), the network, and the query processes (a query these
workloads send is answered in the worker: store.inprocess; the harness checks that).

`--profile ctc-kg:lookup-distinct` prints cProfile's hottest functions instead.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import statistics
import sys
import tempfile
import time
import urllib.parse
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from bench.generate import generate, parse_size, write_root
from bench.load import sparql_post
from bench.queries import Workload, workloads
from bench.samples import sample

WORKLOADS = ("lookup-distinct", "lookup", "listing")
WsgiApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


def _environ(body: bytes, accept: str) -> dict[str, Any]:
    request = sparql_post("/sparql", "", accept)
    return {
        "REQUEST_METHOD": "POST",
        "SCRIPT_NAME": "",
        "PATH_INFO": "/sparql",
        "QUERY_STRING": "",
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "8000",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "CONTENT_TYPE": request.headers["Content-Type"],
        "CONTENT_LENGTH": str(len(body)),
        "HTTP_HOST": "127.0.0.1:8000",
        "HTTP_ACCEPT": accept,
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(body),
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": True,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
    }


def bodies(workload: Workload, count: int, offset: int = 0) -> list[bytes]:
    """`count` request bodies of `workload` as wrk sends them (load.lua_script): the
    rotation, and for a distinct workload digits appended to each (never twice alike)."""
    out = []
    items = workload.items
    for index in range(count):
        body = urllib.parse.urlencode({"query": items[index % len(items)]}).encode()
        if workload.distinct:
            body += b"0%d" % (offset + index)
        out.append(body)
    return out


def call(app: WsgiApp, environ: dict[str, Any]) -> tuple[str, bytes]:
    """One request: the status line and the body, read to the end (as granian does)."""
    status: list[str] = []

    def start_response(line: str, headers: Any, exc_info: Any = None) -> Callable[..., Any]:
        status.append(line)
        return lambda data: None

    answer = app(environ, start_response)
    try:
        body = b"".join(answer)
    finally:
        close = getattr(answer, "close", None)
        if close is not None:
            close()
    return status[0], body


def cpu_per_request(app: WsgiApp, workload: Workload, requests: int, offset: int) -> float:
    """Microseconds of CPU per request over `requests` requests (environs made before)."""
    environs = [_environ(body, workload.accept) for body in bodies(workload, requests, offset)]
    began = time.process_time()
    for environ in environs:
        status, _ = call(app, environ)
        if not status.startswith("200"):
            raise RuntimeError(f"{workload.name}: {status}")
    return (time.process_time() - began) * 1e6 / requests


def ctc_kg_app(root: Path, cache: Path) -> tuple[WsgiApp, Any]:
    """ctc-kg's app as a served worker runs it (runtime.serve._Server.load), its store
    ready to answer bounded queries in this process; and the store (to check its pool)."""
    from ctc_kg.config import Settings
    from ctc_kg.content.names import prefixes
    from ctc_kg.runtime.access_log import AccessLog, logged
    from ctc_kg.runtime.prepare import open_store, prepare
    from ctc_kg.web.app import create_app

    settings = Settings(root=root, cache_dir=cache)
    prepared = prepare(settings)
    store = open_store(settings, prepared, prefixes(settings.base_iri))
    store.start()
    store._in_process._own_worker(60.0)  # ready before measuring
    log = AccessLog(open(os.devnull, "w"))  # noqa: SIM115 - for the life of the process
    return logged(create_app(settings, store, prepared.dist), log), store


def bare_app(nquads: Path) -> WsgiApp:
    os.environ["BENCH_BARE_NQUADS"] = str(nquads)
    from bench.bare import app

    return app.wsgi_app


def count_pool_calls(store: Any) -> list[int]:
    """A counter of the queries `store` sends to its query processes from now on."""
    pool = store._pool  # the harness checks the path its requests take
    sent = [0]
    original = pool.call

    def counted(request: dict[str, Any], timeout: float) -> Any:
        sent[0] += 1
        return original(request, timeout)

    pool.call = counted
    return sent


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.cpu", description=__doc__)
    parser.add_argument("--size", default="1k")
    parser.add_argument("--requests", type=int, default=1000, help="per round")
    parser.add_argument("--rounds", type=int, default=9)
    parser.add_argument("--workloads", default=",".join(WORKLOADS))
    parser.add_argument("--apps", default="ctc-kg,bare")
    parser.add_argument("--profile", default="", help="APP:WORKLOAD: cProfile it instead")
    parser.add_argument("--seed", type=int, default=1)
    options = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="bench-cpu-") as folder:
        work = Path(folder)
        synthetic = generate(parse_size(options.size), options.seed)
        root = work / "root"
        write_root(synthetic, root, Path(__file__).resolve().parent.parent)
        nquads = root / "export" / "all.nq"
        store = ox.Store()
        store.bulk_load(path=str(nquads), format=ox.RdfFormat.N_QUADS)
        chosen = {w.name: w for w in workloads(sample(store))}
        names = [n for n in options.workloads.split(",") if n]
        apps: dict[str, WsgiApp] = {}
        ctc_store = None
        hops = [0]
        if "ctc-kg" in options.apps:
            apps["ctc-kg"], ctc_store = ctc_kg_app(root, work / "cache")
            hops = count_pool_calls(ctc_store)
        if "bare" in options.apps:
            apps["bare"] = bare_app(nquads)
        for app in apps.values():  # warm: imports, caches of the engine, first requests
            for name in names:
                cpu_per_request(app, chosen[name], 300, 10**8)
        if options.profile:
            app_name, _, workload_name = options.profile.partition(":")
            return _profile(apps[app_name], chosen[workload_name], options.requests)
        print(f"size {options.size}, {options.requests} requests x {options.rounds} rounds")
        print(f"load average before: {os.getloadavg()[0]:.2f}")
        results: dict[tuple[str, str], float] = {}
        for name in names:
            samples: dict[str, list[float]] = {app_name: [] for app_name in apps}
            for round_index in range(options.rounds):
                for app_name, app in apps.items():  # in turn, so drift hits both
                    offset = round_index * options.requests
                    used = cpu_per_request(app, chosen[name], options.requests, offset)
                    samples[app_name].append(used)
            for app_name, values in samples.items():
                results[app_name, name] = statistics.median(values)
                print(
                    f"{name:16} {app_name:7} median {statistics.median(values):6.1f} µs, "
                    f"min {min(values):6.1f}, max {max(values):6.1f}"
                )
            if "ctc-kg" in apps and "bare" in apps:
                ratio = results["bare", name] / results["ctc-kg", name]
                print(f"{name:16} bare/ctc-kg CPU (medians) {ratio:.2f}x")
        print(f"load average after: {os.getloadavg()[0]:.2f}")
        if ctc_store is not None:
            print(f"ctc-kg queries sent to the query processes: {hops[0]}")
            ctc_store.close()
    return 0


def _profile(app: WsgiApp, workload: Workload, requests: int) -> int:
    environs = [_environ(body, workload.accept) for body in bodies(workload, requests, 0)]
    profiler = cProfile.Profile()
    profiler.enable()
    for environ in environs:
        call(app, environ)
    profiler.disable()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    stats.sort_stats("tottime").print_stats(35)
    stats.sort_stats("cumulative").print_stats(60)
    print(out.getvalue())
    return 0


if __name__ == "__main__":
    sys.exit(main())
