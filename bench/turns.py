"""Servers side by side, short wrk cells taken in turn (issue 16, target 2).

`python -m bench.turns --baseline /tmp/main/server` starts the bare app (bench/bare.py),
ctc-kg from this checkout, and, with `--baseline`, ctc-kg from another copy of `server/`
(e.g. `git archive main server | tar -x -C /tmp/main`), all three over the same synthetic
graph, then runs every cell (workload x connections) on each server in turn, `--rounds`
times, and prints the median requests/s, the server's CPU per request (all its
processes) and the ratios. A cell that did not serve every connection is marked `!`.

Why in turn: on the shared two-core machine a full `python -m bench` run moves by 2x
between runs; cells of the servers measured a few seconds apart see the same machine.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import os
import statistics
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox

from bench.contenders import BareApp, CtcKg, HttpContender, Prepared
from bench.generate import generate, parse_size, write_root
from bench.load import run_wrk
from bench.procstats import cpu_seconds
from bench.queries import workloads
from bench.report import BARE_TARGET_WORKLOADS
from bench.samples import sample

REPOSITORY = Path(__file__).resolve().parent.parent


@contextlib.contextmanager
def _python_path(path: str | None) -> Iterator[None]:
    """PYTHONPATH for the processes started inside (the baseline's own `ctc_kg`)."""
    before = os.environ.get("PYTHONPATH")
    if path is not None:
        os.environ["PYTHONPATH"] = path
    try:
        yield
    finally:
        if before is None:
            os.environ.pop("PYTHONPATH", None)
        else:
            os.environ["PYTHONPATH"] = before


def _prepared(size: str, work: Path) -> Prepared:
    synthetic = generate(parse_size(size), 1)
    root = work / "root"
    write_root(synthetic, root, REPOSITORY)
    nquads = root / "export" / "all.nq"
    store = ox.Store()
    store.bulk_load(path=str(nquads), format=ox.RdfFormat.N_QUADS)
    return Prepared(size, synthetic.quads, root, nquads, work, sample(store), work)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.turns", description=__doc__)
    parser.add_argument("--size", default="1k")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--seconds", type=float, default=2.0)
    parser.add_argument("--concurrency", default="1,50")
    parser.add_argument("--baseline", help="another copy of server/ to run as ctc-kg too")
    options = parser.parse_args(argv)
    levels = [int(c) for c in options.concurrency.split(",")]
    with tempfile.TemporaryDirectory(prefix="bench-turns-") as folder:
        work = Path(folder)
        prepared = _prepared(options.size, work)
        chosen = [w for w in workloads(prepared.samples) if w.name in BARE_TARGET_WORKLOADS]
        servers: dict[str, HttpContender] = {"bare": BareApp(), "ctc-kg": CtcKg()}
        if options.baseline:
            servers["baseline"] = CtcKg()
        try:
            for name, server in servers.items():
                own = work / name
                own.mkdir()
                path = options.baseline if name == "baseline" else None
                with _python_path(path):
                    server.start(dataclasses.replace(prepared, workdir=own), 300.0)
            _cells(servers, chosen, levels, options)
        finally:
            for server in servers.values():
                server.stop()
    return 0


def _cells(
    servers: dict[str, HttpContender], chosen: list, levels: list[int], options: argparse.Namespace
) -> None:
    rps: dict[tuple[str, str, int], list[float]] = {}
    cpu: dict[tuple[str, str, int], list[float]] = {}
    unserved: set[tuple[str, str, int]] = set()
    print(f"load average at the start: {os.getloadavg()[0]:.2f}", flush=True)
    for _ in range(options.rounds):
        for workload in chosen:
            for level in levels:
                for name, server in servers.items():
                    requests = [server.request(workload, item) for item in workload.items]
                    before = cpu_seconds(server.pid)
                    result = run_wrk(
                        server.base_url, requests, level, options.seconds, 10.0, workload.distinct
                    )
                    used = cpu_seconds(server.pid) - before
                    key = (workload.name, name, level)
                    rps.setdefault(key, []).append(result.rps)
                    cpu.setdefault(key, []).append(1000 * used / max(1, result.requests))
                    if result.errors or result.connections.verdict(level):
                        unserved.add(key)
    print(f"load average at the end: {os.getloadavg()[0]:.2f}")
    names = list(servers)
    print("| query | c | " + " | ".join(names) + " | ctc-kg/bare | baseline/bare |")
    for workload in chosen:
        for level in levels:
            cells = []
            for name in names:
                key = (workload.name, name, level)
                mark = "!" if key in unserved else ""
                cells.append(
                    f"{statistics.median(rps[key]):,.0f} ({statistics.median(cpu[key]):.2f}){mark}"
                )
            bare = statistics.median(rps[(workload.name, "bare", level)])
            ratios = [
                f"{statistics.median(rps[(workload.name, n, level)]) / bare:.2f}x"
                if n in servers
                else "-"
                for n in ("ctc-kg", "baseline")
            ]
            print(f"| {workload.name} | {level} | " + " | ".join(cells + ratios) + " |")


if __name__ == "__main__":
    sys.exit(main())
